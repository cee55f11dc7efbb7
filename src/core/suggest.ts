/**
 * "Did you mean": the closest of some candidate names by edit distance, when it is close enough (`suggest`), and
 * the few candidates most related to a name by the words they share with it, in their names or descriptions
 * (`related`: for an id that is no typo of any candidate, e.g. a guessed rule id).
 */

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

/** A candidate for `related`: its name and a description whose words count too. */
export interface Described {
  name: string;
  text?: string;
}

export interface RelatedOptions {
  /** At most this many names (default 5). */
  max?: number;
  /** A factor on a candidate's score (e.g. a lower one for candidates from another family). */
  weight?: (c: Described) => number;
  /**
   * A factor on the weight of the name's first word (e.g. lower for a guessed `domain/` prefix); when set, a
   * candidate sharing only that word is left out.
   */
  firstWordWeight?: number;
}

const STOP = new Set(['the', 'and', 'are', 'its', 'not', 'for', 'has', 'have', 'with', 'from', 'than', 'that', 'this', 'must', 'only', 'one', 'use', 'uses', 'set', 'any', 'all', 'own', 'two', 'other', 'into', 'out']);

/** Lower-case word stems of a text (camelCase and punctuation split; plural and -ing/-ed endings dropped). */
export function wordStems(text: string): string[] {
  const words = text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
  const out: string[] = [];
  for (const w of words) {
    if (w.length < 3 || STOP.has(w)) continue;
    const s = w.length > 4 ? w.replace(/(?:ing|ed|es|s)$/, '') : w;
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

/** Two stems name the same word: equal, one a long-enough prefix of the other (overlap/overlapp), or one typo apart. */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 4 && long.startsWith(short) && short.length * 4 >= long.length * 3) return true;
  return short.length >= 5 && editDistance(a, b, { transpositions: true, limit: 1 }) <= 1;
}

/**
 * The candidates sharing the most (and the rarest) words with `name`, best first: a word matched in a candidate's
 * name counts fully, in its description nearly as much (0.9), each weighted by how few candidates hold it
 * (log(1 + candidates / holders)). Only candidates scoring at least 0.6 of the best one are returned; ties go to the
 * smaller edit distance. Typos are `suggest`'s business: a caller puts its answer first.
 */
export function related(name: string, candidates: readonly Described[], opts: RelatedOptions = {}): string[] {
  const max = opts.max ?? 5;
  const query = wordStems(name);
  const firstWord = wordStems(name.split('/')[0] ?? '')[0];
  const parsed = candidates.map((c) => ({ c, id: wordStems(c.name), text: wordStems(c.text ?? '') }));
  const scores = new Map<string, number>();
  /** Candidates sharing a word other than a down-weighted first one (that alone says too little). */
  const topical = new Set<string>();
  for (const q of query) {
    const hits = parsed.map((p) => (p.id.some((w) => sameWord(q, w)) ? 1 : p.text.some((w) => sameWord(q, w)) ? 0.9 : 0));
    const df = hits.filter((h) => h > 0).length;
    if (!df) continue;
    const first = q === firstWord && query.length > 1 && opts.firstWordWeight !== undefined;
    const w = Math.log(1 + candidates.length / df) * (first ? opts.firstWordWeight! : 1);
    hits.forEach((h, i) => {
      if (!h) return;
      const n = parsed[i]!.c.name;
      scores.set(n, (scores.get(n) ?? 0) + h * w);
      if (!first) topical.add(n);
    });
  }
  for (const p of parsed) {
    const s = scores.get(p.c.name);
    if (s !== undefined && opts.weight) scores.set(p.c.name, s * opts.weight(p.c));
  }
  const best = Math.max(0, ...scores.values());
  return [...scores]
    .filter(([n, s]) => topical.has(n) && s > 0 && s >= best * 0.6)
    .sort((a, b) => b[1] - a[1] || editDistance(name, a[0]) - editDistance(name, b[0]) || (a[0] < b[0] ? -1 : 1))
    .map(([n]) => n)
    .slice(0, max);
}
