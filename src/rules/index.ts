/**
 * The explicit list of lint rules (no self-registration), sorted by id. Each domain keeps its own list;
 * rule ids equal their file paths (`cilium/pool-api-version` is src/rules/cilium/pool-api-version.ts).
 */
import { CILIUM_RULES } from './cilium/index.js';
import { GITOPS_RULES } from './gitops/index.js';
import { K8S_RULES } from './k8s/index.js';
import { NETWORK_RULES } from './network/index.js';
import { TALOS_RULES } from './talos/index.js';
import type { Rule } from './types.js';

export const RULES: readonly Rule[] = [...CILIUM_RULES, ...GITOPS_RULES, ...K8S_RULES, ...NETWORK_RULES, ...TALOS_RULES].sort(
  (a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0),
);
