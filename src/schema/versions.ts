/**
 * Version tables for schema selection: which Cilium/Talos version lines we ship schemas for, which apiVersions
 * each Cilium line serves per kind, and how a user's version string maps to a line. Data only; sources cited.
 */

/** Cilium lines with vendored schemas, oldest first. 1.20 has no upstream CRD copy here: it uses the 1.19 shapes. */
export const CILIUM_LINES = ['1.14', '1.15', '1.16', '1.17', '1.18', '1.19', '1.20'] as const;
export type CiliumLine = (typeof CILIUM_LINES)[number];
export const NEWEST_CILIUM: CiliumLine = '1.20';

/** Talos lines with vendored schemas (multi-document kinds from 1.12; domain-facts §3.5, §3.1). */
export const TALOS_LINES = ['1.12', '1.13', '1.14'] as const;
export type TalosLine = (typeof TALOS_LINES)[number];
export const NEWEST_TALOS: TalosLine = '1.14';

interface Served {
  /** apiVersion → first line that serves it (inclusive) and first line that no longer serves it (exclusive). */
  [apiVersion: string]: { since: CiliumLine; until?: CiliumLine; deprecatedSince?: CiliumLine };
}

/**
 * Served API versions per Cilium kind. Sources: the CRDs of each line (kind tables in the upstream oracle's
 * SOURCES.md), domain-facts §1.1 (pool v2 from 1.18, v2alpha1 deprecated 1.19; whether 1.20 still serves
 * v2alpha1 is NOT ESTABLISHED, so we keep it served there and leave the deprecation to the cilium rules),
 * §2.1 (L2 policy v2alpha1 only), §4 (BGPv1 CiliumBGPPeeringPolicy removed in 1.19).
 */
export const CILIUM_SERVED: Record<string, Served> = {
  CiliumLoadBalancerIPPool: {
    'cilium.io/v2alpha1': { since: '1.14', deprecatedSince: '1.19' },
    'cilium.io/v2': { since: '1.18' },
  },
  CiliumL2AnnouncementPolicy: { 'cilium.io/v2alpha1': { since: '1.14' } },
  CiliumNetworkPolicy: { 'cilium.io/v2': { since: '1.14' } },
  CiliumClusterwideNetworkPolicy: { 'cilium.io/v2': { since: '1.14' } },
  CiliumBGPPeeringPolicy: { 'cilium.io/v2alpha1': { since: '1.14', until: '1.19', deprecatedSince: '1.18' } },
  CiliumBGPClusterConfig: {
    'cilium.io/v2alpha1': { since: '1.15', deprecatedSince: '1.18' },
    'cilium.io/v2': { since: '1.18' },
  },
  CiliumBGPPeerConfig: {
    'cilium.io/v2alpha1': { since: '1.15', deprecatedSince: '1.18' },
    'cilium.io/v2': { since: '1.18' },
  },
  CiliumBGPAdvertisement: {
    'cilium.io/v2alpha1': { since: '1.15', deprecatedSince: '1.18' },
    'cilium.io/v2': { since: '1.18' },
  },
  CiliumBGPNodeConfigOverride: {
    'cilium.io/v2alpha1': { since: '1.15', deprecatedSince: '1.18' },
    'cilium.io/v2': { since: '1.18' },
  },

  // CIDR groups, multi-pool IPAM pools, per-node configuration (kind tables of the oracle's SOURCES.md)
  CiliumCIDRGroup: {
    'cilium.io/v2alpha1': { since: '1.14', deprecatedSince: '1.18' },
    'cilium.io/v2': { since: '1.18' },
  },
  // cilium.io/v2 (cilium/cilium PR #44383) is newer than 1.19; whether 1.20 serves it is NOT ESTABLISHED: served
  // there with an unchecked spec, so either answer gives no false error
  CiliumPodIPPool: { 'cilium.io/v2alpha1': { since: '1.14' }, 'cilium.io/v2': { since: '1.20' } },
  CiliumNodeConfig: {
    'cilium.io/v2alpha1': { since: '1.14', deprecatedSince: '1.16' },
    'cilium.io/v2': { since: '1.16' },
  },

  // Envoy configuration (L7 traffic management) and Gateway API class parameters: CEC/CCEC v2 on every line;
  // CiliumGatewayClassConfig v2alpha1 from 1.18 (not served on 1.14-1.17).
  CiliumEnvoyConfig: { 'cilium.io/v2': { since: '1.14' } },
  CiliumClusterwideEnvoyConfig: { 'cilium.io/v2': { since: '1.14' } },
  CiliumGatewayClassConfig: { 'cilium.io/v2alpha1': { since: '1.18' } },

  // Local redirect and egress gateway policies: cilium.io/v2 on every line (docs.cilium.io Local Redirect Policy
  // and Egress Gateway pages; the agreement test checks the served versions against each line's CRDs).
  CiliumLocalRedirectPolicy: { 'cilium.io/v2': { since: '1.14' } },
  CiliumEgressGatewayPolicy: { 'cilium.io/v2': { since: '1.14' } },
};

/** Schema file (under schemas/cilium/) per Cilium kind; CCNP shares the CNP file. */
/** Built-in schema files (under schemas/) that are not per Cilium kind. */
export const HELM_VALUES_FILE = 'cilium/helm-values.json';
export const KUSTOMIZATION_FILE = 'kustomize/kustomization.json';
export const TALOS_CONFIG_FILE = 'talos/machine-config.json';
export const TALOS_DOCS_FILE = 'talos/documents.json';

export const CILIUM_SCHEMA_FILE: Record<string, string> = {
  CiliumLoadBalancerIPPool: 'cilium/ciliumloadbalancerippool.json',
  CiliumL2AnnouncementPolicy: 'cilium/ciliuml2announcementpolicy.json',
  CiliumNetworkPolicy: 'cilium/ciliumnetworkpolicy.json',
  CiliumClusterwideNetworkPolicy: 'cilium/ciliumnetworkpolicy.json',
  CiliumBGPPeeringPolicy: 'cilium/ciliumbgppeeringpolicy.json',
  CiliumBGPClusterConfig: 'cilium/ciliumbgpclusterconfig.json',
  CiliumBGPPeerConfig: 'cilium/ciliumbgppeerconfig.json',
  CiliumBGPAdvertisement: 'cilium/ciliumbgpadvertisement.json',
  CiliumBGPNodeConfigOverride: 'cilium/ciliumbgpnodeconfigoverride.json',

  // CIDR groups, multi-pool IPAM pools, per-node configuration
  CiliumCIDRGroup: 'cilium/ciliumcidrgroup.json',
  CiliumPodIPPool: 'cilium/ciliumpodippool.json',
  CiliumNodeConfig: 'cilium/ciliumnodeconfig.json',

  // Envoy configuration (CCEC shares the CEC file) and Gateway API class parameters
  CiliumEnvoyConfig: 'cilium/ciliumenvoyconfig.json',
  CiliumClusterwideEnvoyConfig: 'cilium/ciliumenvoyconfig.json',
  CiliumGatewayClassConfig: 'cilium/ciliumgatewayclassconfig.json',

  // local redirect and egress gateway policies
  CiliumLocalRedirectPolicy: 'cilium/ciliumlocalredirectpolicy.json',
  CiliumEgressGatewayPolicy: 'cilium/ciliumegressgatewaypolicy.json',
};

/** Parse `1.18`, `v1.18.4`, `1.19.0-rc.1`, `~1.18`, `>=1.17 <1.19` (first number wins) into [major, minor]. */
export function parseMinor(version: string | undefined): [number, number] | undefined {
  if (!version) return undefined;
  const m = /(\d{1,4})\.(\d{1,4})(?!\d)/.exec(version);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2])];
}

function compareLine(a: string, b: string): number {
  const [am, an] = parseMinor(a)!;
  const [bm, bn] = parseMinor(b)!;
  return am !== bm ? am - bm : an - bn;
}

/** The line a version string falls in, clamped to the lines we ship (older → oldest, newer → newest). */
function toLine<T extends string>(lines: readonly T[], newest: T, version: string | undefined): T {
  const mm = parseMinor(version);
  if (!mm) return newest;
  const key = `${mm[0]}.${mm[1]}`;
  if ((lines as readonly string[]).includes(key)) return key as T;
  return compareLine(key, lines[0]!) < 0 ? lines[0]! : newest;
}

export function ciliumLine(version: string | undefined): CiliumLine {
  return toLine(CILIUM_LINES, NEWEST_CILIUM, version);
}

/**
 * The Cilium lines a version constraint may install, oldest first: one line for a pinned version (`1.19.6`,
 * `~1.19.0`, `1.19.x`), the lines a range allows (`>=1.17.0`, `>1.18`, `^1.17`, `>=1.17 <1.19`, `1.17 - 1.19`,
 * `1.16.x || 1.18.x`, `1.x`, `*`, `=>1.17`, `>=1.17 !=1.18`), as Helm's semver constraints read them: a chart version range installs the
 * newest release it allows, which talium cannot see. Clamped to the lines talium ships; unparsable text gives
 * the line `ciliumLine` picks.
 */
export function ciliumLines(version: string | undefined): CiliumLine[] {
  const fallback = [ciliumLine(version)];
  if (!version || !version.trim() || version.length > 256) return fallback;
  const out = new Set<CiliumLine>();
  for (const alt of version.replace(/\s+/g, ' ').split('||')) {
    const range = minorRange(alt.trim());
    if (!range) return fallback;
    const allowed = (l: CiliumLine): boolean => {
      const m = parseMinor(l)!;
      return cmpMinor(m, range.lo) >= 0 && cmpMinor(m, range.hi) <= 0 && !range.not.some((n) => n[0] === m[0] && (n[1] === undefined || n[1] === m[1]));
    };
    const inRange = CILIUM_LINES.filter(allowed);
    // a range beyond the lines talium ships: the nearest one
    if (!inRange.length) {
      // every shipped line inside the bounds is excluded (`>=1.19 !=1.19 !=1.20`): nothing to judge on
      if (CILIUM_LINES.some((l) => cmpMinor(parseMinor(l)!, range.lo) >= 0 && cmpMinor(parseMinor(l)!, range.hi) <= 0)) return fallback;
      inRange.push(cmpMinor(range.lo, parseMinor(NEWEST_CILIUM)!) > 0 ? NEWEST_CILIUM : CILIUM_LINES[0]);
    }
    for (const l of inRange) out.add(l);
  }
  return CILIUM_LINES.filter((l) => out.has(l));
}

type Minor = [number, number];
const cmpMinor = (a: readonly number[], b: readonly number[]): number => (a[0] !== b[0] ? a[0]! - b[0]! : a[1]! - b[1]!);

/**
 * The comparators of one `||` alternative: space- or comma-separated, each hyphen range `a - b` read as `>=a <=b`
 * (Masterminds rewrites them so, also among other comparators); undefined for a `-` without both ends.
 */
function comparators(alt: string): string[] | undefined {
  const words = alt.split(/[ ,]+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i + 1] === '-') {
      const upper = words[i + 2];
      if (upper === undefined || upper === '-') return undefined;
      out.push(`>=${words[i]}`, `<=${upper}`);
      i += 2;
    } else if (words[i] === '-') return undefined;
    else out.push(words[i]!);
  }
  return out;
}

/**
 * The [lowest, highest] major.minor one `||` alternative allows (a hyphen range, or space/comma-separated
 * comparators), and the lines a `!=` of a whole line or major excludes (`[1, 18]` for `!=1.18`, `[1]` for `!=1`).
 */
function minorRange(alt: string): { lo: Minor; hi: Minor; not: Array<[number, number?]> } | undefined {
  if (!alt) return undefined; // an empty alternative (`1.18.x ||`): Helm rejects the constraint
  alt = alt.replace(/(=>|=<|[<>=~^]) (?=[v\dxX*])/g, '$1'); // `>= 1.17.0`
  const clauses = comparators(alt);
  if (!clauses) return undefined;
  let lo: Minor = [0, 0];
  let hi: Minor = [Infinity, Infinity];
  const not: Array<[number, number?]> = [];
  const raise = (v: Minor) => {
    if (cmpMinor(v, lo) > 0) lo = v;
  };
  const lower = (v: Minor) => {
    if (cmpMinor(v, hi) < 0) hi = v;
  };
  for (const clause of clauses) {
    // a number or a wildcard is required (`>=`, `v` or `-rc` alone are not constraints)
    const m = /^(>=|=>|<=|=<|!=|>|<|==|=|~>|~|\^)?\s*v?(\d{1,4}|[xX*])(?:\.(\d{1,4}|[xX*]))?(?:\.(\d{1,6}|[xX*]))?(?:[-+][0-9A-Za-z.+-]*)?$/.exec(clause.trim());
    if (!m) return undefined;
    // Masterminds' aliases: `=>` is `>=`, `=<` is `<=`
    const op = m[1] === '=>' ? '>=' : m[1] === '=<' ? '<=' : (m[1] ?? '');
    const num = (x: string | undefined) => (x === undefined || /^[xX*]$/.test(x) ? undefined : Number(x));
    const major = num(m[2]);
    const minor = num(m[3]);
    const patch = num(m[4]);
    if (op === '!=') {
      // `!=1.18` and `!=1.18.x` exclude the line, `!=1` the major; `!=1.18.3` one release only
      if (major !== undefined && minor === undefined) not.push([major]);
      else if (major !== undefined && minor !== undefined && patch === undefined) not.push([major, minor]);
      continue;
    }
    if (major === undefined) continue; // `*`, `x`: anything
    if (minor === undefined) {
      // a major only (`1`, `1.x`, `^1`, `~1`, `>=1`, `<2`, `>1`, `<=1`)
      if (op === '>') raise([major + 1, 0]);
      else if (op === '<') lower([major - 1, Infinity]);
      else if (op === '>=') raise([major, 0]);
      else if (op === '<=') lower([major, Infinity]);
      else {
        raise([major, 0]);
        lower([major, Infinity]);
      }
      continue;
    }
    const v: Minor = [major, minor];
    if (op === '>=') raise(v);
    else if (op === '>') raise(patch === undefined ? [major, minor + 1] : v);
    else if (op === '<=') lower(v);
    else if (op === '<') lower(patch === undefined || patch === 0 ? [major, minor - 1] : v);
    else if (op === '^') {
      raise(v);
      lower([major, Infinity]);
    } else {
      // exact, `~1.18`, `~>1.18`, `1.18.x`: that minor line
      raise(v);
      lower(v);
    }
  }
  return cmpMinor(lo, hi) <= 0 ? { lo, hi, not } : undefined;
}

export function talosLine(version: string | undefined): TalosLine {
  return toLine(TALOS_LINES, NEWEST_TALOS, version);
}

/** Is `line` within [since, until)? */
export function inRange(line: string, since: string, until?: string): boolean {
  return compareLine(line, since) >= 0 && (until === undefined || compareLine(line, until) < 0);
}

export function lineAtLeast(line: string, since: string): boolean {
  return compareLine(line, since) >= 0;
}

/** Served apiVersions of a Cilium kind on a line (sorted). */
export function ciliumServed(kind: string, line: CiliumLine): string[] {
  const table = CILIUM_SERVED[kind];
  if (!table) return [];
  return Object.entries(table)
    .filter(([, r]) => inRange(line, r.since, r.until))
    .map(([av]) => av)
    .sort();
}

/**
 * Kubernetes built-in API versions removed from serving, by the Kubernetes minor that removed them
 * (kubernetes.io/docs/reference/using-api/deprecation-guide/). kubernetes-models still ships their models,
 * so without this table a removed apiVersion would validate. Key: `group/version` or `group/version Kind`.
 */
export const K8S_REMOVED: Record<string, string> = {
  'extensions/v1beta1': '1.22',
  'apps/v1beta1': '1.16',
  'apps/v1beta2': '1.16',
  'networking.k8s.io/v1beta1': '1.22',
  'apiextensions.k8s.io/v1beta1': '1.22',
  'admissionregistration.k8s.io/v1beta1': '1.22',
  'apiregistration.k8s.io/v1beta1': '1.22',
  'authentication.k8s.io/v1beta1': '1.22',
  'authorization.k8s.io/v1beta1': '1.22',
  'certificates.k8s.io/v1beta1': '1.22',
  'coordination.k8s.io/v1beta1': '1.22',
  'rbac.authorization.k8s.io/v1beta1': '1.22',
  'scheduling.k8s.io/v1beta1': '1.22',
  'storage.k8s.io/v1beta1 CSIDriver': '1.22',
  'storage.k8s.io/v1beta1 CSINode': '1.22',
  'storage.k8s.io/v1beta1 StorageClass': '1.22',
  'storage.k8s.io/v1beta1 VolumeAttachment': '1.22',
  'storage.k8s.io/v1beta1 CSIStorageCapacity': '1.27',
  'batch/v1beta1': '1.25',
  'discovery.k8s.io/v1beta1': '1.25',
  'events.k8s.io/v1beta1': '1.25',
  'autoscaling/v2beta1': '1.25',
  'autoscaling/v2beta2': '1.26',
  'policy/v1beta1': '1.25',
  'node.k8s.io/v1beta1': '1.25',
  'flowcontrol.apiserver.k8s.io/v1beta1': '1.26',
  'flowcontrol.apiserver.k8s.io/v1beta2': '1.29',
  'flowcontrol.apiserver.k8s.io/v1beta3': '1.32',
};

/** The Kubernetes minor that stopped serving this apiVersion/kind, if it is removed by `k8sVersion` (undefined = newest). */
export function k8sRemovedIn(apiVersion: string, kind: string, k8sVersion: string | undefined): string | undefined {
  const at = K8S_REMOVED[`${apiVersion} ${kind}`] ?? K8S_REMOVED[apiVersion];
  if (!at) return undefined;
  const v = parseMinor(k8sVersion);
  if (!v) return at;
  return compareLine(`${v[0]}.${v[1]}`, at) >= 0 ? at : undefined;
}
