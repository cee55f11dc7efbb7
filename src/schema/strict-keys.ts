/**
 * Unknown-field detection for precompiled validators whose schemas allow unknown keys (kubernetes-models):
 * we learn which keys a validator reads at each position of the object tree (by running it once on a
 * read-tracking proxy) and report keys it never reads. Free-form objects (maps, preserve-unknown-fields) are
 * learned as open. Learning happens only when a document shows a key or position not seen before, so the
 * steady state is one allocation-free walk of the object next to the learned shape tree.
 */
import type { PathSegment } from '../core/document.js';

/** What the validator reads at one position; `items` is the shape of array elements at that position. */
interface Shape {
  keys: Map<string, Shape>;
  open: boolean;
  items: Shape | undefined;
  /** Learned as an object position (vs only seen as an array holder). */
  seen: boolean;
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

/**
 * The generator of the kubernetes-models validators drops every property named `description` (it takes it for the
 * JSON Schema annotation), so no validator reads one: PriorityClass `description`, AppProject and GatewayClass
 * `spec.description`, Alertmanager receivers' `description`. Never reported unknown.
 */
const DROPPED_PROPERTY = 'description';

/** The answer for a value without unknown keys (shared, frozen). */
const NONE: readonly UnknownKey[] = Object.freeze([]);

function shape(): Shape {
  return { keys: new Map(), open: false, items: undefined, seen: false };
}

/** Learned shapes for one validator (one GVK). */
export class StrictShapes {
  private readonly root: Shape = shape();

  /** Run `validate` on a tracking proxy of `value` and merge what it read. */
  learn(value: unknown, validate: (v: unknown) => unknown): void {
    // what was read is recorded per position (a tree beside the value), not per object: an object shared by two
    // positions (a YAML alias) must not teach one position the other's keys
    interface Node {
      t: Track;
      kids: Map<string, Node>;
    }
    const root: Node = { t: { read: new Set(), enumerated: false }, kids: new Map() };
    const wrap = (v: unknown, node: Node): unknown => {
      if (v === null || typeof v !== 'object') return v;
      const t = node.t;
      const children = new Map<PropertyKey, unknown>();
      return new Proxy(v, {
        get(target, k) {
          if (typeof k === 'string') t.read.add(k);
          const c = Reflect.get(target, k) as unknown;
          if (c === null || typeof c !== 'object' || typeof k !== 'string') return c;
          let p = children.get(k);
          if (p === undefined) {
            let kid = node.kids.get(k);
            if (!kid) node.kids.set(k, (kid = { t: { read: new Set(), enumerated: false }, kids: new Map() }));
            p = wrap(c, kid);
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
      validate(wrap(value, root));
    } catch {
      return;
    }
    const visit = (v: unknown, s: Shape, node: Node | undefined): void => {
      if (v === null || typeof v !== 'object') return;
      if (Array.isArray(v)) {
        s.items ??= shape();
        for (let i = 0; i < v.length; i++) visit(v[i], s.items, node?.kids.get(String(i)));
        return;
      }
      if (node) {
        s.seen = true;
        if (node.t.enumerated || node.t.read.size === 0) s.open = true;
        for (const k of node.t.read) if (!s.keys.has(k)) s.keys.set(k, shape());
      }
      for (const k in v) {
        const child = s.keys.get(k);
        if (child) visit((v as Record<string, unknown>)[k], child, node?.kids.get(k));
      }
    };
    visit(value, this.root, root);
  }

  /** Unknown keys of `value`; `undefined` when some object of `value` sits at a position not learned yet. */
  private check(value: unknown): readonly UnknownKey[] | undefined {
    let out: UnknownKey[] | undefined;
    let complete = true;
    const stack: PathSegment[] = [];
    const visit = (v: unknown, s: Shape): void => {
      if (!complete || v === null || typeof v !== 'object') return;
      if (Array.isArray(v)) {
        const items = s.items;
        if (!items) {
          if (v.some((x) => x !== null && typeof x === 'object')) complete = false;
          return;
        }
        for (let i = 0; i < v.length; i++) {
          stack.push(i);
          visit(v[i], items);
          stack.pop();
        }
        return;
      }
      if (!s.seen) {
        complete = false;
        return;
      }
      if (s.open) return;
      for (const k in v) {
        const child = s.keys.get(k);
        if (!child) {
          if (k === DROPPED_PROPERTY) continue;
          (out ??= []).push({ path: [...stack, k], field: k, allowed: [...s.keys.keys()].sort() });
          continue;
        }
        stack.push(k);
        visit((v as Record<string, unknown>)[k], child);
        stack.pop();
      }
    };
    visit(value, this.root);
    return complete ? (out ?? NONE) : undefined;
  }

  /** Unknown keys of `value` (read-only: most answers are one shared empty list), learning first when the value shows something new. */
  unknownKeys(value: unknown, validate: (v: unknown) => unknown): readonly UnknownKey[] {
    let r = this.check(value);
    if (r === undefined || r.length > 0) {
      this.learn(value, validate);
      r = this.check(value) ?? [];
    }
    return r;
  }
}
