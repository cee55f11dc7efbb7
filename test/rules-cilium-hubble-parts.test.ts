/** cilium/hubble-parts on releases of every engine, and the verdict it shares with spec/hubble-parts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import hubbleParts from '../src/rules/cilium/hubble-parts.js';
import { ciliumHelmReleaseOf } from '../src/rules/cilium/lib/examples.js';
import { hubbleProblems } from '../src/rules/cilium/lib/hubble-parts.js';
import { lintRepo, ruleTester } from '../src/testing/rule-tester.js';

/** A Flux HelmRelease; values start on line 15. */
const hr = ciliumHelmReleaseOf;
const UI = 'hubble:\n  ui:\n    enabled: true\n';
const BOTH = 'hubble:\n  relay:\n    enabled: true\n  ui:\n    enabled: true\n';
const APP = (values: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cilium\n  namespace: argocd\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n  source:\n    repoURL: https://helm.cilium.io/\n    chart: cilium\n    targetRevision: 1.19.6\n    helm:\n      valuesObject:\n${values.replace(/^/gm, '        ')}`;
const HELMFILE = (values: string) => `releases:\n  - name: cilium\n    namespace: kube-system\n    chart: cilium/cilium\n    version: 1.19.6\n    values:\n      - ${values.replace(/\n(?=.)/g, '\n        ')}`;

test('hubbleProblems: what validate.yaml refuses, for every combination of the four switches', () => {
  const got: string[] = [];
  for (const hubble of [false, true])
    for (const relay of [false, true])
      for (const ui of [false, true])
        for (const standalone of [false, true]) {
          const p = hubbleProblems({ hubble, relay, ui, standalone });
          if (p.length) got.push(`${+hubble}${+relay}${+ui}${+standalone} ${p.join(',')}`);
        }
  assert.deepEqual(got, [
    '0010 ui-without-relay',
    '0100 relay-without-hubble',
    '0101 relay-without-hubble',
    '0110 relay-without-hubble',
    '0111 relay-without-hubble',
    '1010 ui-without-relay',
  ]);
});

test('cilium/hubble-parts', () => {
  ruleTester(hubbleParts, {
    valid: [
      { 'cilium/hr.yaml': hr(BOTH) },
      { 'cilium/hr.yaml': hr('kubeProxyReplacement: true\n') },
      { 'cilium/hr.yaml': hr('hubble:\n  enabled: false\n') },
      // a standalone UI talks to a Relay elsewhere
      { 'cilium/hr.yaml': hr('hubble:\n  ui:\n    enabled: true\n    standalone:\n      enabled: true\n') },
      // Relay may come from values the repository does not show
      { 'cilium/hr.yaml': hr(UI, '1.19.6', '  valuesFrom:\n    - kind: ConfigMap\n      name: cilium-values\n') },
      // templated or not a boolean (Go templates take any non-empty string as true; schema/type judges it)
      { 'cilium/hr.yaml': hr('hubble:\n  relay:\n    enabled: ${RELAY}\n  ui:\n    enabled: true\n') },
      { 'cilium/hr.yaml': hr('hubble:\n  relay:\n    enabled: "false"\n  ui:\n    enabled: true\n') },
      // a loose values file next to another that sets Relay (`helm install -f values.yaml -f values-hubble.yaml`)
      { 'cilium/values.yaml': 'kubeProxyReplacement: true\nhubble:\n  ui:\n    enabled: true\n', 'cilium/values-hubble.yaml': 'hubble:\n  relay:\n    enabled: true\n' },
    ],
    invalid: [
      // Relay is off by default: the finding is at the UI switch
      { files: { 'cilium/hr.yaml': hr(UI) }, errors: [{ messageId: 'uiWithoutRelay', line: 17, column: 18, data: { problem: 'ui-without-relay' } }] },
      // Relay written off: at Relay
      {
        files: { 'cilium/values.yaml': 'hubble:\n  relay:\n    enabled: false\n  ui:\n    enabled: true\n' },
        errors: [{ messageId: 'relayOff', file: 'cilium/values.yaml', line: 3, column: 14, data: { problem: 'ui-without-relay' } }],
      },
      // null deletes the key: the default (off)
      { files: { 'cilium/values.yaml': 'hubble:\n  relay:\n    enabled: null\n  ui:\n    enabled: true\n' }, errors: [{ messageId: 'relayOff', line: 3, column: 14 }] },
      { files: { 'cilium/values.yaml': 'hubble:\n  enabled: false\n  relay:\n    enabled: true\n' }, errors: [{ messageId: 'relayWithoutHubble', line: 4, column: 14, data: { problem: 'relay-without-hubble' } }] },
      // Hubble off with Relay and the UI on: Relay needs Hubble (the UI has its Relay)
      { files: { 'cilium/values.yaml': 'hubble:\n  enabled: false\n' + BOTH.slice('hubble:\n'.length) }, errors: [{ messageId: 'relayWithoutHubble', line: 4, column: 14 }] },
      { files: { 'argocd/cilium.yaml': APP(UI) }, errors: [{ messageId: 'uiWithoutRelay', file: 'argocd/cilium.yaml', line: 19, column: 22 }] },
      { files: { 'bootstrap/helmfile.yaml': HELMFILE(UI) }, errors: [{ messageId: 'uiWithoutRelay', file: 'bootstrap/helmfile.yaml', line: 9, column: 22 }] },
      // an Argo CD `helm.values` string: at the key inside it
      {
        files: { 'argocd/cilium.yaml': APP('').replace('      valuesObject:\n', '      values: |\n        hubble:\n          ui:\n            enabled: true\n') },
        errors: [{ messageId: 'uiWithoutRelay', line: 19, column: 22 }],
      },
    ],
  });
});

test('cilium/hubble-parts points at the UI switch as the related location of Relay written off', () => {
  const [d, ...rest] = lintRepo({ 'cilium/values.yaml': 'hubble:\n  relay:\n    enabled: false\n  ui:\n    enabled: true\n' }, [hubbleParts]);
  assert.deepEqual(rest, []);
  assert.deepEqual(
    d?.related?.map((r) => [r.file, r.range.start.line, r.range.start.column]),
    [['cilium/values.yaml', 5, 14]],
  );
});
