/**
 * Builds Kustomize `Kustomization` documents (kustomize.config.k8s.io/v1beta1) and the overlay pieces shared by
 * both engines: the cilium-config folder (pools + L2 policy).
 */
import type { Cluster } from '../../spec/types.js';
import { l2PolicyObject } from '../l2/policy.js';
import { poolObjects } from '../lb-ipam/pools.js';
import { overlayDir } from '../paths.js';
import type { GeneratedFile } from '../types.js';
import { toYaml } from '../serialize.js';

export function kustomization(fields: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...fields };
}

/**
 * Inline strategic-merge patches (`patches: [{patch: "<yaml>"}]`), canonical YAML inside, so partial objects never
 * sit in files of their own where tools would read them as complete manifests.
 */
export function inlinePatches(objects: Record<string, unknown>[]): Array<{ patch: string }> {
  return objects.map((o) => ({ patch: toYaml([o]) }));
}

/** `clusters/<name>/generated/kubernetes/cilium-config/`: the Cilium custom resources, applied after Cilium runs. */
export function ciliumConfigFiles(c: Cluster): GeneratedFile[] {
  const dir = `${overlayDir(c)}/cilium-config`;
  const source = c.specPath;
  return [
    { path: `${dir}/kustomization.yaml`, source, content: { yaml: [kustomization({ resources: ['l2-policy.yaml', 'pools.yaml'] })] } },
    { path: `${dir}/pools.yaml`, source, content: { yaml: poolObjects(c) } },
    { path: `${dir}/l2-policy.yaml`, source, content: { yaml: [l2PolicyObject(c)] } },
  ];
}
