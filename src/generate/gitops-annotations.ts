/**
 * Engine-specific annotations on Cilium custom resources. Argo CD: `SkipDryRunOnMissingResource=true`, because
 * the Cilium operator creates the CRDs at runtime and a dry run before that fails. Flux orders with dependsOn instead.
 */
import type { Cluster } from '../spec/types.js';

export const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
export const ARGO_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

export function ciliumObjectAnnotations(c: Cluster): Record<string, string> | undefined {
  return c.gitops.engine === 'argocd' ? { [ARGO_SYNC_OPTIONS]: 'SkipDryRunOnMissingResource=true' } : undefined;
}
