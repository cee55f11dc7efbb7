/**
 * Flux wiring. Shared base (`clusters/_base/flux/`): HelmRepository + HelmRelease (helm.toolkit.fluxcd.io/v2,
 * values from the `cilium-values` ConfigMap) and the two Flux Kustomizations, `cilium-config` dependsOn `cilium`
 * (the operator creates the Cilium CRDs at runtime). Per-cluster overlay: paths, chart version, the values file,
 * the Cilium objects; plus the entry Kustomization Flux is bootstrapped with.
 */
import { CHART } from '../../data/cilium.js';
import type { Cluster } from '../../spec/types.js';
import { ciliumConfigFiles, inlinePatches, kustomization } from '../kustomize/kustomization.js';
import { baseDir, generatedDir, gitPath, overlayDir, relativePath } from '../paths.js';
import type { GeneratedFile } from '../types.js';
import { generateCiliumValues } from '../cilium/values.js';
import { shellWord } from '../../core/shell.js';

const HELM_API = 'helm.toolkit.fluxcd.io/v2';
const SOURCE_API = 'source.toolkit.fluxcd.io/v1';
const KUSTOMIZE_API = 'kustomize.toolkit.fluxcd.io/v1';
const FLUX_NS = 'flux-system';
const SOURCE_REF = { kind: 'GitRepository', name: 'flux-system' };
const BASE_SOURCE = 'clusters/*/cluster.yaml (shared base of the flux clusters)';

/** The shared Flux base: identical for every Flux cluster. */
export function fluxBaseFiles(): GeneratedFile[] {
  const dir = baseDir('flux');
  const source = BASE_SOURCE;
  const helmRepository = { apiVersion: SOURCE_API, kind: 'HelmRepository', metadata: { name: CHART.name, namespace: CHART.namespace }, spec: { interval: '1h', url: CHART.repoUrl } };
  const helmRelease = {
    apiVersion: HELM_API,
    kind: 'HelmRelease',
    metadata: { name: CHART.releaseName, namespace: CHART.namespace },
    spec: {
      interval: '30m',
      releaseName: CHART.releaseName,
      chart: { spec: { chart: CHART.name, interval: '1h', sourceRef: { kind: 'HelmRepository', name: CHART.name } } },
      valuesFrom: [{ kind: 'ConfigMap', name: 'cilium-values', valuesKey: 'values.yaml' }],
      install: { remediation: { retries: 3 } },
      upgrade: { remediation: { retries: 3 } },
    },
  };
  const stage = (name: string, extra: Record<string, unknown>) => ({
    apiVersion: KUSTOMIZE_API,
    kind: 'Kustomization',
    metadata: { name, namespace: FLUX_NS },
    spec: { interval: '30m', prune: true, wait: true, timeout: '10m', sourceRef: SOURCE_REF, ...extra },
  });
  return [
    { path: `${dir}/cilium/kustomization.yaml`, source, content: { yaml: [kustomization({ resources: ['helmrelease.yaml', 'helmrepository.yaml'] })] } },
    { path: `${dir}/cilium/helmrepository.yaml`, source, content: { yaml: [helmRepository] } },
    { path: `${dir}/cilium/helmrelease.yaml`, source, content: { yaml: [helmRelease] } },
    { path: `${dir}/stages/kustomization.yaml`, source, content: { yaml: [kustomization({ resources: ['kustomizations.yaml'] })] } },
    { path: `${dir}/stages/kustomizations.yaml`, source, content: { yaml: [stage('cilium', {}), stage('cilium-config', { dependsOn: [{ name: 'cilium' }] })] } },
  ];
}

/** Git paths in Flux Kustomizations are relative to the repository root, written `./...`. */
const fluxPath = (c: Cluster, p: string) => `./${gitPath(c, p)}`;

export function fluxOverlayFiles(c: Cluster): GeneratedFile[] {
  const dir = overlayDir(c);
  const source = c.specPath;
  const stagePatch = (name: string, path: string) => ({ apiVersion: KUSTOMIZE_API, kind: 'Kustomization', metadata: { name, namespace: FLUX_NS }, spec: { path: fluxPath(c, path) } });
  const entry = {
    apiVersion: KUSTOMIZE_API,
    kind: 'Kustomization',
    metadata: { name: `talium-${c.name}`, namespace: FLUX_NS },
    spec: { interval: '10m', path: fluxPath(c, dir), prune: true, sourceRef: SOURCE_REF },
  };
  return [
    {
      path: `${dir}/kustomization.yaml`,
      source,
      content: {
        yaml: [
          kustomization({
            resources: [relativePath(dir, `${baseDir('flux')}/stages`)],
            patches: inlinePatches([stagePatch('cilium', `${dir}/cilium`), stagePatch('cilium-config', `${dir}/cilium-config`)]),
          }),
        ],
      },
    },
    {
      path: `${dir}/cilium/kustomization.yaml`,
      source,
      content: {
        yaml: [
          kustomization({
            resources: [relativePath(`${dir}/cilium`, `${baseDir('flux')}/cilium`)],
            configMapGenerator: [{ name: 'cilium-values', namespace: CHART.namespace, files: ['values.yaml'], options: { labels: { 'reconcile.fluxcd.io/watch': 'Enabled' } } }],
            generatorOptions: { disableNameSuffixHash: true },
            patches: inlinePatches([{ apiVersion: HELM_API, kind: 'HelmRelease', metadata: { name: CHART.releaseName, namespace: CHART.namespace }, spec: { chart: { spec: { version: c.versions.cilium } } } }]),
          }),
        ],
      },
    },
    generateCiliumValues(c),
    ...ciliumConfigFiles(c),
    { path: `${generatedDir(c)}/flux/talium.yaml`, source, content: { yaml: [entry] } },
    fluxBootstrapScript(c),
  ];
}

/**
 * The one-time `flux bootstrap git` for this cluster: gitops.repository and gitops.branch are where Flux syncs
 * from, the path is the folder holding talium.yaml (Flux applies the YAML there; this script is not YAML).
 */
function fluxBootstrapScript(c: Cluster): GeneratedFile {
  const lines = [
    `# Bootstrap Flux for cluster "${c.name}" once, after Cilium is up (sh ../bootstrap/cilium.sh).`,
    '# Flux then syncs this folder, whose talium.yaml applies the generated overlay. For a private repository add',
    '# credentials as arguments: --private-key-file=<ssh key> for an ssh:// URL, or --username with --password (or',
    '# GIT_PASSWORD in the environment) for https.',
    'set -eu',
    'flux bootstrap git \\',
    `  ${shellWord(`--url=${c.gitops.repository}`)} \\`,
    // flux refuses a plain-HTTP URL unless told (fluxcd/flux2#2787)
    ...(/^http:\/\//i.test(c.gitops.repository) ? ['  --allow-insecure-http=true \\'] : []),
    `  ${shellWord(`--branch=${c.gitops.branch}`)} \\`,
    `  --path=${gitPath(c, `${generatedDir(c)}/flux`)} \\`,
    '  "$@"',
  ];
  return { path: `${generatedDir(c)}/flux/bootstrap.sh`, source: c.specPath, content: { text: lines.join('\n') + '\n' } };
}
