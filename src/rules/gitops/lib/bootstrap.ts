/**
 * Whether Cilium (and so its CRDs) is installed before the GitOps controller applies anything: a bootstrap
 * release (helmfile, Talos-side values), a Talos inline/extra manifest or CNI URL naming Cilium, or a cilium
 * install Job.
 */
import { docsOf, type DocSelection } from '../../../core/kind-index.js';
import type { ClusterGroup } from '../../../plan/types.js';

/** Jobs and the Talos documents: what the tests of ciliumBootstrapped look at. */
const BOOTSTRAP_DOCS: DocSelection = { kinds: ['Job'], classes: ['talos-config', 'talos-document', 'talhelper'] };

function mentionsCilium(v: unknown): boolean {
  return JSON.stringify(v ?? null).toLowerCase().includes('cilium');
}

export function ciliumBootstrapped(cluster: ClusterGroup): boolean {
  if (cluster.ciliumReleases.some((r) => r.purpose === 'bootstrap')) return true;
  // only the documents a test below is about (kind index), not every document
  for (const d of docsOf(cluster.docs, BOOTSTRAP_DOCS)) {
    if (d.kind === 'Job' && /cilium/i.test(d.name ?? '')) return true;
    if (d.docClass === 'talos-config') {
      if (mentionsCilium(d.get(['cluster', 'inlineManifests'])) || mentionsCilium(d.get(['cluster', 'extraManifests'])) || mentionsCilium(d.get(['cluster', 'network', 'cni', 'urls']))) return true;
    }
    if (d.docClass === 'talos-document' && (d.kind === 'KubeInlineManifestConfig' || d.kind === 'KubeExternalManifestConfig') && mentionsCilium(d.value)) return true;
    if (d.docClass === 'talhelper' && (mentionsCilium(d.get(['cniConfig', 'urls'])) || mentionsCilium(d.get(['inlineManifests'])))) return true;
  }
  return false;
}
