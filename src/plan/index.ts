/**
 * Groups a repository's documents by cluster and builds each group's network plan (inferred, then
 * talium.config.yaml overrides) and its Cilium releases, after applying Flux post-build and talhelper variables
 * to the documents (plan/flux-substitution.ts, plan/talhelper-substitution.ts). No I/O.
 */
import type { YamlDocument } from '../core/document.js';
import { findCiliumReleases } from './cilium-release.js';
import { applyFluxSubstitution } from './flux-substitution.js';
import { applyTalhelperSubstitution } from './talhelper-substitution.js';
import { groupByCluster } from './group.js';
import { inferPlan } from './infer.js';
import { applyOverrides } from './overrides.js';
import type { ClusterGroup, PlanConfig } from './types.js';

export { findCiliumReleases, layerPath, valueAt, mergeValues } from './cilium-release.js';
export type { ValueHit } from './cilium-release.js';

/**
 * One group per cluster (see plan/group.ts); `config` is talium.config.yaml's `plan:` section. When no config is
 * passed, a `talium-config` document among `docs` is used.
 */
export function buildClusterGroups(docs: YamlDocument[], config?: PlanConfig): ClusterGroup[] {
  const cfg = config ?? configFromDocs(docs);
  // rules and the plan see the values Flux and talhelper apply (`${LAN_CIDR}` → the ConfigMap's CIDR, talconfig's
  // `${controlPlaneIP_1}` → talenv.yaml's address); schemas validate the text's own
  applyFluxSubstitution(docs);
  applyTalhelperSubstitution(docs);
  return groupByCluster(docs).map(({ name, docs: gdocs, shared }) => {
    const ciliumReleases = findCiliumReleases(gdocs, docs);
    const plan = inferPlan(gdocs, ciliumReleases);
    if (cfg) applyOverrides(plan, cfg);
    const g: ClusterGroup = { name, docs: gdocs, plan, ciliumReleases };
    if (shared) g.shared = shared;
    return g;
  });
}

/** The `plan:` section of a talium config at the top of the tree (nested ones belong to other repositories). */
function configFromDocs(docs: readonly YamlDocument[]): PlanConfig | undefined {
  const d = docs.find((x) => x.docClass === 'talium-config' && !x.file.path.includes('/'));
  const v = d?.get(['plan']);
  if (!d || v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return { values: v as PlanConfig['values'], doc: d };
}
