/**
 * Where the repository configures Argo CD's `argocd-cm`: the ConfigMap itself, or the argo-cd Helm chart's
 * `configs.cm` values (a Flux HelmRelease's values, an Application's valuesObject). Shared by the Argo CD rules that
 * read it (gitops/argocd-cilium-identity, gitops/cilium-crs-order). Pure.
 */
import type { Path, YamlDocument } from '../../../core/document.js';
import { isObj } from '../../../plan/util.js';

export interface CmPlace {
  doc: YamlDocument;
  path: Path;
  data: Record<string, unknown>;
  what: string;
}

export function cmPlaces(docs: readonly YamlDocument[]): CmPlace[] {
  const out: CmPlace[] = [];
  for (const d of docs) {
    if (d.kind === 'ConfigMap' && d.name === 'argocd-cm') {
      const data = d.get(['data']);
      out.push({ doc: d, path: isObj(data) ? ['data'] : [], data: isObj(data) ? data : {}, what: 'ConfigMap "argocd-cm"' });
      continue;
    }
    // the argo-cd Helm chart: configs.cm in a HelmRelease's values or an Application's valuesObject
    let base: Path | undefined;
    if (d.kind === 'HelmRelease' && d.group === 'helm.toolkit.fluxcd.io' && d.get(['spec', 'chart', 'spec', 'chart']) === 'argo-cd') base = ['spec', 'values'];
    else if (d.kind === 'Application' && d.group === 'argoproj.io' && d.get(['spec', 'source', 'chart']) === 'argo-cd') base = ['spec', 'source', 'helm', 'valuesObject'];
    if (!base) continue;
    const cm = d.get([...base, 'configs', 'cm']);
    if (isObj(cm)) out.push({ doc: d, path: [...base, 'configs', 'cm'], data: cm, what: `argo-cd chart values of ${d.kind} "${d.name ?? ''}"` });
  }
  return out;
}

/**
 * True when an argocd-cm restores the health check of argoproj.io/Application (removed from Argo CD's defaults in
 * 1.8), which an app of apps needs for a sync wave to wait until the Applications of the wave before it are healthy:
 * the `resource.customizations.health.argoproj.io_Application` key, or the `argoproj.io/Application` entry of the
 * older `resource.customizations` block with a `health.lua`.
 */
export function appHealthRestored(place: CmPlace): boolean {
  if (place.data['resource.customizations.health.argoproj.io_Application'] !== undefined) return true;
  const block = place.data['resource.customizations'];
  return typeof block === 'string' && /argoproj\.io\/Application:[\s\S]*health\.lua/.test(block);
}
