/** "Did you mean": the closest of some candidate names by edit distance, when it is close enough. */

export interface DistanceOptions {
  /** Count a swap of two adjacent characters as one edit (Damerau–Levenshtein, optimal string alignment). */
  transpositions?: boolean;
  /** Stop once the distance is certain to exceed this (the answer is then limit + 1). */
  limit?: number;
}

/** Levenshtein distance, case-insensitive; with `transpositions`, the optimal-string-alignment distance. */
export function editDistance(a: string, b: string, opts: DistanceOptions = {}): number {
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  // three rows: the one before the previous (for transpositions), the previous, the current
  let before: number[] = [];
  let prev = Array.from({ length: bl.length + 1 }, (_, i) => i);
  for (let i = 1; i <= al.length; i++) {
    const cur = [i];
    for (let j = 1; j <= bl.length; j++) {
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (al[i - 1] === bl[j - 1] ? 0 : 1));
      if (opts.transpositions && i > 1 && j > 1 && al[i - 1] === bl[j - 2] && al[i - 2] === bl[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      cur.push(d);
    }
    // a row's minimum never decreases further down (with transpositions, the previous row's too)
    if (opts.limit !== undefined && rowMin(cur) > opts.limit && (!opts.transpositions || rowMin(prev) > opts.limit)) return opts.limit + 1;
    before = prev;
    prev = cur;
  }
  const d = prev[bl.length]!;
  return opts.limit !== undefined && d > opts.limit ? opts.limit + 1 : d;
}

function rowMin(row: readonly number[]): number {
  let m = Infinity;
  for (const x of row) if (x < m) m = x;
  return m;
}

export interface SuggestOptions extends DistanceOptions {
  /** Most edits allowed from `name` to `candidate` (negative: never); default max(2, name length / 3). */
  maxDistance?: (name: string, candidate: string) => number;
}

/** The candidate nearest to `name` (ties: alphabetically first) within the allowed distance, if any. */
export function suggest(name: string, candidates: readonly string[], opts: SuggestOptions = {}): string | undefined {
  const max = opts.maxDistance ?? ((n: string) => Math.max(2, Math.floor(n.length / 3)));
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const allowed = max(name, c);
    // the length difference alone is a lower bound of the distance: most candidates never need the table
    if (allowed < 0 || Math.abs(name.length - c.length) > allowed) continue;
    const d = editDistance(name, c, { ...opts, limit: allowed });
    if (d > allowed) continue;
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
