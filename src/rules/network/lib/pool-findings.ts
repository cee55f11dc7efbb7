/**
 * Findings of the network/ pool rules on a pool value: at the place that wrote it (plan/lb.ts Place: the pool's
 * document, or for a kustomize rendering the base or the patch), with `data.overlay` and a related location naming
 * the overlay that renders the pool; findings that several overlays' renderings make at one place merged into one.
 */
import type { LbPool, Place, PoolBlock } from '../../../plan/lb.js';
import type { RuleFinding } from '../../types.js';

type Related = NonNullable<RuleFinding['related']>;

/** How the pool rules treat kustomize overlays (their docs' `what`, a paragraph of its own: join with '\n\n'). */
export const POOL_OVERLAYS_DOC =
  'Kustomize overlays and GitOps patches:\n' +
  '- A pool a kustomization patches is judged as each overlay renders it, as kustomize applies the patches (strategic merge: a `blocks` list replaces the base\'s; JSON6902 operations such as `replace /spec/blocks/0/cidr` or `add /spec/blocks/-`).\n' +
  '- Each block is reported where it is written (the base, the patch file or the inline patch; a range whose `stop` alone a patch changed, at that `stop`; an overlap of a block a patch wrote with one no patch touched, at the patched one), with `data.overlay` naming the overlay(s).\n' +
  '- Different overlays of one base are judged separately, and a base one overlay patches and another kustomization ships unchanged is judged as shipped too (at the base, without `data.overlay`; a finding there stands for the overlays that keep that block).\n' +
  '- The patches of a Flux Kustomization (`spec.patches`) and of an Argo CD source (`kustomize.patches`) are applied the same way to the pools of the folder it builds (after that folder\'s kustomization, or the one Flux generates when there is none), the finding naming the Flux Kustomization or Application.\n' +
  '- A pool whose patch cannot be applied with certainty (unreadable or templated, `$patch: delete`, an operation kustomize fails on, an Argo CD source without a kustomization) is not judged as that overlay renders it: its base blocks may not be what is applied there; another overlay\'s certain rendering of it, and a build that ships it unpatched, are judged.';

/** A finding at `place` about pool `p` (a rendering adds its overlay to `data` and to the related locations). */
export function poolFinding(p: LbPool, place: Place, messageId: string, data: Record<string, string | number | boolean>, related: Related = [], extra: Pick<RuleFinding, 'key' | 'severity'> = {}): RuleFinding {
  const f: RuleFinding = { doc: place.doc, path: place.path, messageId, data: { ...data }, ...extra };
  if (place.range) f.range = place.range;
  const all = [...related, ...overlayRelated(p)];
  if (p.overlay) f.data!['overlay'] = p.overlay.kustomization.file.path;
  if (all.length) f.related = all;
  return f;
}

/**
 * Where a finding about a whole block goes: its `cidr` or `start`, or for a rendering whose patch wrote only the
 * range's `stop`, that `stop` (the value that made the block what it is, in the file that wrote it).
 */
export function blockPlace(b: PoolBlock): Place {
  return b.lastPlace ?? b.place;
}

/** A value of block `b` of pool `p` was written by a kustomize patch (a rendering's block not wholly its base's). */
export function patchWrote(p: LbPool, b: PoolBlock): boolean {
  return !!p.overlay && (b.place.doc !== p.doc || (!!b.stopPlace && b.stopPlace.doc !== p.doc));
}

/** A related location at a place (for the other pool of a pair). */
export function placeRelated(place: Place, message: string): Related[number] {
  return place.range ? { doc: place.doc, path: place.path, range: place.range, message } : { doc: place.doc, path: place.path, message };
}

/** The overlay that renders `p`, as a related location (none for a pool as written). */
function overlayRelated(p: LbPool): Related {
  const o = p.overlay;
  return o ? [{ doc: o.kustomization, path: o.path, message: `pool "${p.name}" as overlay ${o.kustomization.file.path} renders it` }] : [];
}

const placeKey = (f: { doc: RuleFinding['doc']; path: RuleFinding['path']; range?: RuleFinding['range'] }): string =>
  `${f.doc.file.path}#${f.doc.index}#${f.path.join('\u0000')}#${f.range ? `${f.range.start.line}:${f.range.start.column}` : ''}`;

/**
 * One finding per place, message and data for the findings of several overlays' renderings (a base block they all
 * keep): `data.overlay` lists every overlay (sorted, comma-separated), the related locations are merged.
 */
export function mergeOverlayFindings(list: readonly RuleFinding[]): RuleFinding[] {
  const out: RuleFinding[] = [];
  const byKey = new Map<string, RuleFinding>();
  const keyOf = (f: RuleFinding, rest: Record<string, unknown>): string => `${placeKey(f)}#${f.messageId}#${f.severity ?? ''}#${JSON.stringify(rest)}`;
  // a base block also shipped as written: its finding stands for the overlays that keep the block too
  const asWritten = new Set<string>();
  for (const f of list) if (typeof f.data?.['overlay'] !== 'string') asWritten.add(keyOf(f, f.data ?? {}));
  for (const f of list) {
    const overlay = f.data?.['overlay'];
    if (typeof overlay !== 'string') {
      out.push(f);
      continue;
    }
    const { overlay: _, ...rest } = f.data!;
    const key = keyOf(f, rest);
    if (asWritten.has(key)) continue;
    const known = byKey.get(key);
    if (!known) {
      const copy: RuleFinding = { ...f, data: { ...f.data } };
      byKey.set(key, copy);
      out.push(copy);
      continue;
    }
    const overlays = new Set(String(known.data!['overlay']).split(', '));
    overlays.add(overlay);
    known.data!['overlay'] = [...overlays].sort().join(', ');
    const seen = new Set((known.related ?? []).map((r) => `${placeKey(r)}#${r.message}`));
    for (const r of f.related ?? []) if (!seen.has(`${placeKey(r)}#${r.message}`)) (known.related ??= []).push(r);
  }
  return out;
}
