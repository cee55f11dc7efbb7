/**
 * Groups a repository's documents by cluster (leaving the objects no kustomization applies aside: plan/applied.ts) and builds each group's network plan (inferred, then
 * talium.config.yaml overrides) and its Cilium releases, after applying Flux post-build and talhelper variables
 * to the documents (plan/flux-substitution.ts, plan/talhelper-substitution.ts). No I/O.
 */
import type { YamlDocument } from '../core/document.js';
import { unappliedDocs } from './applied.js';
import { findCiliumReleases } from './cilium-release.js';
import { applyFluxSubstitution } from './flux-substitution.js';
import { applyTalhelperSubstitution } from './talhelper-substitution.js';
import { groupByCluster } from './group.js';
import { inferPlan } from './infer.js';
import { applyOverrides } from './overrides.js';
import { applyTalosDefaults } from './talos-defaults.js';
import type { ClusterGroup, PlanConfig } from './types.js';

export { findCiliumReleases, layerPath, valueAt, mergeValues } from './cilium-release.js';
export type { ValueHit } from './cilium-release.js';

/**
 * One group per cluster (see plan/group.ts); `config` is talium.config.yaml's `plan:` section. When no config is
 * passed (undefined), a `talium-config` document among `docs` is used; `null`: the loaded configuration has none.
 */
export function buildClusterGroups(docs: YamlDocument[], config?: PlanConfig | null): ClusterGroup[] {
  const cfg = config === null ? undefined : (config ?? configFromDocs(docs));
  // rules and the plan see the values Flux and talhelper apply (`${LAN_CIDR}` → the ConfigMap's CIDR, talconfig's
  // `${controlPlaneIP_1}` → talenv.yaml's address); schemas validate the text's own
  applyFluxSubstitution(docs);
  applyTalhelperSubstitution(docs);
  // objects no kustomization names are never applied: the plan and the rules leave them out
  const unapplied = unappliedDocs(docs);
  return groupByCluster(docs).map(({ name, docs: members, shared }) => {
    const gdocs = unapplied.size ? members.filter((d) => !unapplied.has(d)) : members;
    const ciliumReleases = findCiliumReleases(gdocs, docs);
    const plan = inferPlan(gdocs, ciliumReleases, name);
    if (cfg) applyOverrides(plan, cfg);
    // after the overrides: a Talos version stated in talium.config.yaml decides the defaults too
    applyTalosDefaults(plan);
    const g: ClusterGroup = { name, docs: gdocs, plan, ciliumReleases };
    if (shared) g.shared = shared;
    if (gdocs.length !== members.length) g.unapplied = members.filter((d) => unapplied.has(d));
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
