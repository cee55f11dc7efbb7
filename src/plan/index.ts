/**
 * Groups a repository's documents by cluster and builds each group's network plan.
 * (Initial version: one group, empty plan; the policy-rules work infers the real plan.)
 */
import type { YamlDocument } from '../core/document.js';
import { emptyPlan, type ClusterGroup, type PlanConfig } from './types.js';

export function buildClusterGroups(docs: YamlDocument[], _config?: PlanConfig): ClusterGroup[] {
  return [{ name: 'default', docs, plan: emptyPlan() }];
}
