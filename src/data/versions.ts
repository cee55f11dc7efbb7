/**
 * Version facts: the Talos/Cilium lines talium supports, the Talos→Kubernetes support matrix, Cilium's
 * e2e-tested Kubernetes lists, the newest releases seen, and a forgiving version parser. Data only + tiny helpers.
 */

/** A parsed version. `patch` is undefined for `1.20`, `1.18.*`, `1.18.x`. */
export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number | undefined;
  /** `rc.1` in `1.14.0-rc.1`, else undefined. */
  prerelease: string | undefined;
  /** A leading range operator (`>=`, `~`, `^`, ...) when the text was a constraint, else ''. */
  operator: string;
  /** `major.minor`, e.g. `1.20`. */
  minorKey: string;
}

const VERSION_RE =
  /^(>=|<=|==|!=|>|<|=|~>|~|\^)?\s*v?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}|x|X|\*))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Parse `1.20`, `v1.20.1`, `1.18.*`, `1.18.x`, `>=1.19.0`, `~1.18.0`, `1.14.0-rc.1`. For a compound constraint
 * (`>=1.19.0 <1.20.0`, `>=1.19.0, <1.20`) the first comparator is used. Numbers are accepted (YAML may give
 * `1.2` for an unquoted `1.20`: that loses the trailing zero, so callers that care should require strings).
 * Returns undefined when unparsable; never throws.
 */
export function parseVersion(input: unknown): ParsedVersion | undefined {
  let text: string;
  if (typeof input === 'number' && Number.isFinite(input)) text = String(input);
  else if (typeof input === 'string') text = input.trim();
  else return undefined;
  if (!text) return undefined;
  if (text.length > 256) return undefined;
  const first = text.replace(/\s+/g, ' ').split(/ ?, ?| (?=[<>=!~^])/)[0] ?? '';
  const m = VERSION_RE.exec(first.trim());
  if (!m) return undefined;
  const major = Number(m[2]);
  const minor = Number(m[3]);
  const patchText = m[4];
  const patch = patchText === undefined || /^[xX*]$/.test(patchText) ? undefined : Number(patchText);
  return { major, minor, patch, prerelease: m[5], operator: m[1] ?? '', minorKey: `${major}.${minor}` };
}

/** Compare two parsed versions by major, minor, then patch (missing patch = 0), then prerelease (< release). */
export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  const pa = a.patch ?? 0;
  const pb = b.patch ?? 0;
  if (pa !== pb) return pa - pb;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

/** Compare by major.minor only. */
export function compareMinor(a: ParsedVersion, b: ParsedVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when `v` (text or parsed) is at least `min` (`'1.18'` or `'1.17.6'`). Unparsable → false. */
export function atLeast(v: string | ParsedVersion | undefined, min: string): boolean {
  const pv = typeof v === 'string' ? parseVersion(v) : v;
  const pm = parseVersion(min);
  if (!pv || !pm) return false;
  if (pm.patch === undefined) return compareMinor(pv, pm) >= 0;
  return compareVersions({ ...pv, prerelease: undefined }, pm) >= 0;
}

/** `'1.20'` for `'v1.20.1'`, or undefined. */
export function minorOf(v: unknown): string | undefined {
  return parseVersion(v)?.minorKey;
}

/** An inclusive range of minor lines, e.g. `{ min: '1.10', max: '1.14' }`. */
export interface MinorRange {
  min: string;
  max: string;
}

export function inMinorRange(v: string | ParsedVersion, range: MinorRange): boolean {
  const pv = typeof v === 'string' ? parseVersion(v) : v;
  const lo = parseVersion(range.min);
  const hi = parseVersion(range.max);
  if (!pv || !lo || !hi) return false;
  return compareMinor(pv, lo) >= 0 && compareMinor(pv, hi) <= 0;
}

/** Minor lines talium generates for and lints against (issue 2). */
export const SUPPORTED = {
  talos: { min: '1.10', max: '1.14' },
  cilium: { min: '1.16', max: '1.20' },
} as const satisfies Record<string, MinorRange>;

/** Talos minor → supported Kubernetes minors and the default Kubernetes version. [TALOS-MATRIX v1.1x; TALOS-CONST] (domain-facts §6.2) */
export const TALOS_KUBERNETES: Readonly<Record<string, { min: string; max: string; default: string }>> = {
  '1.10': { min: '1.28', max: '1.33', default: '1.33.0' },
  '1.11': { min: '1.29', max: '1.34', default: '1.34.0' },
  '1.12': { min: '1.30', max: '1.35', default: '1.35.0' },
  '1.13': { min: '1.31', max: '1.36', default: '1.36.0' },
  '1.14': { min: '1.33', max: '1.37', default: '1.37.0' },
};

/** True/false when the Talos minor is in the matrix, undefined when unknown or unparsable. */
export function talosSupportsKubernetes(talos: string, kubernetes: string): boolean | undefined {
  const t = minorOf(talos);
  const k = parseVersion(kubernetes);
  const row = t ? TALOS_KUBERNETES[t] : undefined;
  if (!row || !k) return undefined;
  return inMinorRange(k, row);
}

export type Confidence = 'high' | 'medium' | 'not-established';

/**
 * Cilium minor → Kubernetes minors its e2e tests cover (compatibility.rst). `minors` is undefined where the
 * list is NOT ESTABLISHED: checks must skip (or at most inform) there. (domain-facts §6.1)
 */
export const CILIUM_TESTED_KUBERNETES: Readonly<Record<string, { minors: readonly string[] | undefined; confidence: Confidence; source: string }>> = {
  '1.16': { minors: undefined, confidence: 'not-established', source: 'unlabelled copies show 1.27–1.30 and 1.28–1.31' },
  '1.17': { minors: undefined, confidence: 'not-established', source: 'an unlabelled third-party copy shows 1.29–1.32' },
  '1.18': { minors: ['1.30', '1.31', '1.32', '1.33'], confidence: 'high', source: 'cilium v1.18.14 Documentation/network/kubernetes/compatibility.rst' },
  // Conflicting sources: the 1.19.3 rst copy says 1.32–1.35, a third party 1.31–1.34. The union keeps the check soft.
  '1.19': { minors: ['1.31', '1.32', '1.33', '1.34', '1.35'], confidence: 'medium', source: '1.19.3 compatibility.rst copy (1.32–1.35) ∪ thaum-xyz/ankhmorpork PR #1054 (1.31–1.34)' },
  '1.20': { minors: ['1.33', '1.34', '1.35', '1.36'], confidence: 'medium', source: 'xunholy/k8s-gitops PR #4209; thaum-xyz/ankhmorpork PR #1054 (third-party)' },
};

/**
 * True/false when Cilium's tested list for that minor is known; undefined when NOT ESTABLISHED or unparsable. A line
 * whose list is not established is still known not to test a Kubernetes newer than the newest one the next line with
 * an established list tests (ciliumTestedBound): an older line is never tested against newer Kubernetes than a newer one.
 */
export function ciliumTestsKubernetes(cilium: string, kubernetes: string): boolean | undefined {
  const c = minorOf(cilium);
  const k = minorOf(kubernetes);
  const row = c ? CILIUM_TESTED_KUBERNETES[c] : undefined;
  if (!row || !k) return undefined;
  if (row.minors) return row.minors.includes(k);
  const bound = ciliumTestedBound(c!);
  return bound && byMinor(k, bound.max) > 0 ? false : undefined;
}

/** For a Cilium minor whose list is NOT ESTABLISHED: the next newer minor with a high-confidence list, and its newest Kubernetes. */
export function ciliumTestedBound(cilium: string): { max: string; by: string } | undefined {
  const c = minorOf(cilium);
  if (!c) return undefined;
  const newer = Object.keys(CILIUM_TESTED_KUBERNETES)
    .filter((m) => byMinor(m, c) > 0 && CILIUM_TESTED_KUBERNETES[m]!.confidence === 'high' && CILIUM_TESTED_KUBERNETES[m]!.minors?.length)
    .sort(byMinor)[0];
  if (!newer) return undefined;
  const minors = [...CILIUM_TESTED_KUBERNETES[newer]!.minors!].sort(byMinor);
  return { max: minors[minors.length - 1]!, by: newer };
}

/** Two `major.minor` texts by version (unparsable ones last). */
function byMinor(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  return pa && pb ? compareMinor(pa, pb) : pa ? -1 : pb ? 1 : 0;
}

/** What a finding shows as Cilium's tested Kubernetes: the list, or the bound where the list is not established. */
export function ciliumTestedText(cilium: string): string {
  const c = minorOf(cilium);
  const row = c ? CILIUM_TESTED_KUBERNETES[c] : undefined;
  if (row?.minors) return row.minors.join(', ');
  const bound = c ? ciliumTestedBound(c) : undefined;
  return bound ? `none newer than ${bound.max}, the newest Cilium ${bound.by} is tested with; the exact list is not established` : '';
}

/** Newest stable releases seen (domain-facts §6.3, material up to ~Sept 2026). */
export const NEWEST = {
  talos: '1.14.1',
  cilium: '1.20.1',
  kubernetes: '1.37.0',
  flux: '2.9.4',
  argocd: '3.5.1',
} as const;

/** Newest patch seen per minor line (used for example clusters and hints). [CHARTLOG; talos tags] (domain-facts §6.3) */
export const NEWEST_PATCH: Readonly<Record<'talos' | 'cilium', Readonly<Record<string, string>>>> = {
  talos: { '1.13': '1.13.9', '1.14': '1.14.1' },
  cilium: { '1.17': '1.17.18', '1.18': '1.18.12', '1.19': '1.19.6', '1.20': '1.20.1' },
};

/**
 * The version when it pins a minor line (`1.19.6`, `v1.19`, `1.19.*`, `~1.19.0`); undefined for open ranges
 * (`>=1.17.0`, `^1.17`, `1.17 - 1.19`, `1.16.x || 1.18.x`) and templated or unparsable text, where
 * version-dependent rules must stay silent.
 */
export function pinnedMinor(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const p = parseVersion(v);
  if (!p || !['', '=', '==', '~', '~>'].includes(p.operator)) return undefined;
  return v;
}
