/**
 * Test helpers for the Cilium releases the plan finds in a small repository: the releases, and where a value of one
 * comes from (`file:line:column=value`, inside a values or patch string at the key's own position).
 */
import { findCiliumReleases, valueAt } from '../plan/index.js';
import type { CiliumRelease } from '../plan/types.js';
import { placeOf } from '../rules/cilium/lib/values.js';
import { parseRepo } from './rule-tester.js';

export const releasesOf = (files: Record<string, string>): CiliumRelease[] => findCiliumReleases(parseRepo(files));

/** `file:line:column=value` of the layer that sets the dotted `key`, or '' when none does. */
export function valuePosition(r: CiliumRelease, key: string): string {
  const h = valueAt(r, key);
  if (!h) return '';
  const place = placeOf(r, key.split('.'));
  const at = place.range ?? h.doc.locate(h.path);
  return `${h.doc.file.path}:${at.start.line}:${at.start.column}=${JSON.stringify(h.value)}`;
}
