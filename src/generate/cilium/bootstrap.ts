/**
 * The bootstrap path: the cluster has no CNI until Cilium runs, so Flux/Argo CD cannot start first. A script
 * installs the pinned chart with the very same values file the GitOps release uses, so the controller adopts it
 * with no diff (Flux: `helm install`, adopted by the HelmRelease of the same name; Argo CD: `helm template` applied
 * server-side, adopted by the Application of the same name).
 */
import type { Cluster } from '../../spec/types.js';
import { generatedDir, relativePath, valuesPath } from '../paths.js';
import type { GeneratedFile } from '../types.js';
import { chartRef } from './values.js';

export function generateBootstrap(c: Cluster): GeneratedFile {
  const dir = `${generatedDir(c)}/bootstrap`;
  const ch = chartRef(c);
  const values = relativePath(dir, valuesPath(c));
  const common = `${ch.releaseName} ${ch.chart} --repo ${ch.repoUrl} --version ${ch.version} --namespace ${ch.namespace} --values "${values}"`;
  const install =
    c.gitops.engine === 'flux'
      ? [`helm install ${common}`, '', '# Flux then adopts the release: its HelmRelease has the same name, namespace, chart version and values.']
      : [`helm template ${common} | kubectl apply --server-side -f -`, '', '# Argo CD then adopts the objects: the Application "cilium" renders the same chart with the same values file.'];
  const lines = [
    `# Install Cilium ${ch.version} on cluster "${c.name}" before the GitOps controller exists (the nodes have no CNI yet).`,
    '# Needs helm and a kubeconfig for the new cluster (talosctl kubeconfig). Uses the same values file as the GitOps release.',
    'set -eu',
    'cd "$(dirname "$0")"',
    ...install,
  ];
  return { path: `${dir}/cilium.sh`, source: c.specPath, content: { text: lines.join('\n') + '\n' } };
}
