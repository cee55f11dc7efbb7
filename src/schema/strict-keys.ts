/**
 * Unknown-field detection for precompiled validators whose schemas allow unknown keys (kubernetes-models):
 * we learn which keys a validator reads at each path pattern (by running it once on a read-tracking proxy)
 * and report keys it never reads. Free-form objects (maps, preserve-unknown-fields) are learned as open.
 * Learning happens only when a document shows a key or path not seen before, so steady state costs a walk.
 */
import type { PathSegment } from '../core/document.js';

interface Shape {
  keys: Set<string>;
  open: boolean;
}

interface Track {
  read: Set<string>;
  enumerated: boolean;
}

export interface UnknownKey {
  path: PathSegment[];
  field: string;
  allowed: string[];
}

function patternKey(parent: string, seg: PathSegment): string {
  return typeof seg === 'number' ? `${parent}/*` : `${parent}/${seg.replace(/[/*]/g, '_$&')}`;
}

/** Learned shapes for one validator (one GVK). */
export class StrictShapes {
  private readonly shapes = new Map<string, Shape>();

  /** Run `validate` on a tracking proxy of `value` and merge what it read. */
  learn(value: unknown, validate: (v: unknown) => unknown): void {
    const tracks = new Map<object, Track>();
    const wrap = (v: unknown): unknown => {
      if (v === null || typeof v !== 'object') return v;
      const t: Track = { read: new Set(), enumerated: false };
      tracks.set(v, t);
      const children = new Map<PropertyKey, unknown>();
      return new Proxy(v, {
        get(target, k) {
          if (typeof k === 'string') t.read.add(k);
          const c = Reflect.get(target, k) as unknown;
          if (c === null || typeof c !== 'object') return c;
          let p = children.get(k);
          if (p === undefined) {
            p = wrap(c);
            children.set(k, p);
          }
          return p;
        },
        ownKeys(target) {
          t.enumerated = true;
          return Reflect.ownKeys(target);
        },
      });
    };
    try {
      validate(wrap(value));
    } catch {
      return;
    }
    const visit = (v: unknown, pat: string): void => {
      if (v === null || typeof v !== 'object') return;
      if (Array.isArray(v)) {
        for (const item of v) visit(item, patternKey(pat, 0));
        return;
      }
      const t = tracks.get(v);
      if (t) {
        let s = this.shapes.get(pat);
        if (!s) {
          s = { keys: new Set(), open: false };
          this.shapes.set(pat, s);
        }
        if (t.enumerated || t.read.size === 0) s.open = true;
        for (const k of t.read) s.keys.add(k);
      }
      for (const [k, c] of Object.entries(v)) visit(c, patternKey(pat, k));
    };
    visit(value, '');
  }

  /** Keys not read by the validator; `undefined` when some object of `value` has no learned shape yet. */
  private check(value: unknown): UnknownKey[] | undefined {
    const out: UnknownKey[] = [];
    let complete = true;
    const visit = (v: unknown, pat: string, path: PathSegment[]): void => {
      if (!complete || v === null || typeof v !== 'object') return;
      if (Array.isArray(v)) {
        v.forEach((item, i) => visit(item, patternKey(pat, 0), [...path, i]));
        return;
      }
      const s = this.shapes.get(pat);
      if (!s) {
        complete = false;
        return;
      }
      for (const [k, c] of Object.entries(v)) {
        if (!s.open && !s.keys.has(k)) {
          out.push({ path: [...path, k], field: k, allowed: [...s.keys].sort() });
          continue;
        }
        visit(c, patternKey(pat, k), [...path, k]);
      }
    };
    visit(value, '', []);
    return complete ? out : undefined;
  }

  /** Unknown keys of `value`, learning first when the value shows something new. */
  unknownKeys(value: unknown, validate: (v: unknown) => unknown): UnknownKey[] {
    let r = this.check(value);
    if (r === undefined || r.length > 0) {
      this.learn(value, validate);
      r = this.check(value) ?? [];
    }
    return r;
  }
}
