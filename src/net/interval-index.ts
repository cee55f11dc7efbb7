/**
 * An index of labelled IP intervals (pool blocks): which intervals hold an address, and which pairs overlap, in
 * O(n log n) instead of comparing every pair. Intervals may overlap each other; results keep insertion order.
 */
import type { Family, IpInterval } from './ip.js';

interface Entry<T> {
  seq: number;
  interval: IpInterval;
  label: T;
}

export class IntervalIndex<T> {
  private readonly byFamily = new Map<Family, { entries: Entry<T>[]; maxLast: bigint[] }>();
  private readonly all: Entry<T>[] = [];

  constructor(items: Iterable<{ interval: IpInterval; label: T }>) {
    for (const { interval, label } of items) this.all.push({ seq: this.all.length, interval, label });
    for (const e of this.all) {
      let f = this.byFamily.get(e.interval.family);
      if (!f) this.byFamily.set(e.interval.family, (f = { entries: [], maxLast: [] }));
      f.entries.push(e);
    }
    for (const f of this.byFamily.values()) {
      f.entries.sort((a, b) => (a.interval.first < b.interval.first ? -1 : a.interval.first > b.interval.first ? 1 : a.seq - b.seq));
      let max = -1n;
      for (const e of f.entries) f.maxLast.push((max = e.interval.last > max ? e.interval.last : max));
    }
  }

  /** Labels of the intervals that contain the address, in insertion order. */
  holding(family: Family, value: bigint): T[] {
    const f = this.byFamily.get(family);
    if (!f) return [];
    // last entry whose first <= value
    let lo = 0;
    let hi = f.entries.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (f.entries[mid]!.interval.first <= value) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const hits: Entry<T>[] = [];
    for (let k = at; k >= 0 && f.maxLast[k]! >= value; k--) if (f.entries[k]!.interval.last >= value) hits.push(f.entries[k]!);
    return hits.sort((a, b) => a.seq - b.seq).map((e) => e.label);
  }

  /** Every overlapping pair, as [earlier, later] by insertion order, ordered by (later, earlier). */
  overlappingPairs(): Array<[T, T]> {
    const pairs: Array<[Entry<T>, Entry<T>]> = [];
    for (const f of this.byFamily.values()) {
      const active: Entry<T>[] = [];
      for (const e of f.entries) {
        let w = 0;
        for (const a of active) if (a.interval.last >= e.interval.first) active[w++] = a;
        active.length = w;
        for (const a of active) pairs.push(a.seq < e.seq ? [a, e] : [e, a]);
        active.push(e);
      }
    }
    pairs.sort((x, y) => x[1].seq - y[1].seq || x[0].seq - y[0].seq);
    return pairs.map(([a, b]) => [a.label, b.label]);
  }
}
