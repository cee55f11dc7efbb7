/**
 * Argo CD wiring as an app-of-apps. Shared base (`clusters/_base/argocd/`): the `cilium` Application (Helm source,
 * sync wave -1, the ignoreDifferences Cilium documents for Hubble's generated certificates) and the `cilium-config`
 * Application (wave 1, SkipDryRunOnMissingResource, retries). Per-cluster overlay: repository, chart version,
 * values file, paths, the Cilium objects; plus the root Application applied once by hand.
 */
import { CHART, HUBBLE_CERT_OBJECTS } from '../../data/cilium.js';
import type { Cluster } from '../../spec/types.js';
import { ARGO_SYNC_WAVE } from '../gitops-annotations.js';
import { ciliumConfigFiles, inlinePatches, kustomization } from '../kustomize/kustomization.js';
import { baseDir, generatedDir, gitPath, overlayDir, relativePath, valuesPath } from '../paths.js';
import type { GeneratedFile } from '../types.js';
import { generateCiliumValues } from '../cilium/values.js';

const APP_API = 'argoproj.io/v1alpha1';
const ARGO_NS = 'argocd';
const IN_CLUSTER = 'https://kubernetes.default.svc';
const BASE_SOURCE = 'clusters/*/cluster.yaml (shared base of the argocd clusters)';

const automated = { automated: { prune: true, selfHeal: true } };

export function argocdBaseFiles(): GeneratedFile[] {
  const dir = baseDir('argocd');
  const cilium = {
    apiVersion: APP_API,
    kind: 'Application',
    metadata: { name: 'cilium', namespace: ARGO_NS, annotations: { [ARGO_SYNC_WAVE]: '-1' } },
    spec: {
      project: 'default',
      destination: { server: IN_CLUSTER, namespace: CHART.namespace },
      ignoreDifferences: HUBBLE_CERT_OBJECTS.map((o) => ({ group: '', kind: o.kind, name: o.name, namespace: CHART.namespace, jsonPointers: [...o.jsonPointers] })),
      syncPolicy: { ...automated, syncOptions: ['RespectIgnoreDifferences=true', 'ServerSideApply=true'] },
    },
  };
  const config = {
    apiVersion: APP_API,
    kind: 'Application',
    metadata: { name: 'cilium-config', namespace: ARGO_NS, annotations: { [ARGO_SYNC_WAVE]: '1' } },
    spec: {
      project: 'default',
      destination: { server: IN_CLUSTER, namespace: CHART.namespace },
      syncPolicy: { ...automated, retry: { limit: 10, backoff: { duration: '30s', factor: 2, maxDuration: '5m' } }, syncOptions: ['SkipDryRunOnMissingResource=true'] },
    },
  };
  return [
    { path: `${dir}/kustomization.yaml`, source: BASE_SOURCE, content: { yaml: [kustomization({ resources: ['applications.yaml'] })] } },
    { path: `${dir}/applications.yaml`, source: BASE_SOURCE, content: { yaml: [cilium, config] } },
  ];
}

export function argocdOverlayFiles(c: Cluster): GeneratedFile[] {
  const dir = overlayDir(c);
  const source = c.specPath;
  const git = { repoURL: c.gitops.repository, targetRevision: c.gitops.branch };
  const ciliumPatch = {
    apiVersion: APP_API,
    kind: 'Application',
    metadata: { name: 'cilium', namespace: ARGO_NS },
    spec: {
      sources: [
        { repoURL: CHART.repoUrl, chart: CHART.name, targetRevision: c.versions.cilium, helm: { releaseName: CHART.releaseName, valueFiles: [`$values/${gitPath(c, valuesPath(c))}`] } },
        { ...git, ref: 'values' },
      ],
    },
  };
  const configPatch = { apiVersion: APP_API, kind: 'Application', metadata: { name: 'cilium-config', namespace: ARGO_NS }, spec: { source: { ...git, path: gitPath(c, `${dir}/cilium-config`) } } };
  const root = {
    apiVersion: APP_API,
    kind: 'Application',
    metadata: { name: `talium-${c.name}`, namespace: ARGO_NS },
    spec: { project: 'default', source: { ...git, path: gitPath(c, dir) }, destination: { server: IN_CLUSTER, namespace: ARGO_NS }, syncPolicy: automated },
  };
  return [
    {
      path: `${dir}/kustomization.yaml`,
      source,
      content: { yaml: [kustomization({ resources: [relativePath(dir, baseDir('argocd'))], patches: inlinePatches([ciliumPatch, configPatch]) })] },
    },
    generateCiliumValues(c),
    ...ciliumConfigFiles(c),
    { path: `${generatedDir(c)}/argocd/root-app.yaml`, source, content: { yaml: [root] } },
  ];
}
