/** "Did you mean": the closest of some candidate names by edit distance, when it is close enough. */

export interface DistanceOptions {
  /** Count a swap of two adjacent characters as one edit (Damerau–Levenshtein, optimal string alignment). */
  transpositions?: boolean;
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
    before = prev;
    prev = cur;
  }
  return prev[bl.length]!;
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
    const d = editDistance(name, c, opts);
    if (d > max(name, c)) continue;
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
