/**
 * argoDocs (src/rules/gitops/lib/argo-annotations.ts), the per-list index the Argo CD annotation rules walk instead of
 * every document: every Kubernetes document with an `argocd.argoproj.io/` annotation and every Argo CD Application
 * and ApplicationSet, in list order; nothing else (a pod template's annotation, another class, another group).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { YamlDocument } from '../src/core/document.js';
import { argoDocs } from '../src/rules/gitops/lib/argo-annotations.js';
import { docsFromText } from '../src/testing/schema-docs.js';

const names = (docs: readonly YamlDocument[]): Array<string | undefined> => docs.map((d) => d.name);

test('argoDocs: annotated documents and Argo CD applications, in list order, and nothing else', () => {
  const text = [
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: waved\n  annotations:\n    argocd.argoproj.io/sync-wave: "1"\n',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pod-annotated\nspec:\n  template:\n    metadata:\n      annotations:\n        argocd.argoproj.io/hook: PreSync\n',
    'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n',
    'apiVersion: example.com/v1\nkind: Application\nmetadata:\n  name: other-app\n',
    'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: appset\n',
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: other-annotation\n  annotations:\n    lbipam.cilium.io/ips: 10.0.0.1\n',
    'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: hook\n  annotations:\n    argocd.argoproj.io/hook: PreSync\n',
  ].join('---\n');
  const docs = docsFromText('apps.yaml', text);
  assert.deepEqual(names(argoDocs(docs)), ['waved', 'app', 'appset', 'hook']);
  // another class is never judged by those rules
  const values = docsFromText('values.yaml', 'metadata:\n  name: values\n  annotations:\n    argocd.argoproj.io/hook: PreSync\n', 'helm-values');
  assert.deepEqual(argoDocs(values), []);
  // a list that grew is indexed again
  docs.push(...docsFromText('late.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: late\n  annotations:\n    argocd.argoproj.io/compare-options: IgnoreExtraneous\n'));
  assert.deepEqual(names(argoDocs(docs)), ['waved', 'app', 'appset', 'hook', 'late']);
});
