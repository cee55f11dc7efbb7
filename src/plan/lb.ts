/**
 * LB-IPAM objects of a cluster group read once for the network rules: CiliumLoadBalancerIPPool blocks, Services
 * that request IPs, L2/BGP usage, label-selector matching (tri-state: unknown when the repo cannot tell).
 */
import type { Range } from '../core/diagnostic.js';
import type { Path, YamlDocument } from '../core/document.js';
import { allowFirstLastIPsDefault, GATEWAY_ADDRESSES_SINCE, GATEWAY_API_GROUP, GATEWAY_CLASS_CONFIG_KIND, GATEWAY_CONTROLLER, GATEWAY_DEFAULT_CLASS, GATEWAY_OWNER_LABEL, GATEWAY_SERVICE_PREFIX, LBIPAM_ANNOTATIONS, LB_CLASSES, POOL_KIND } from '../data/cilium.js';
import { atLeast, parseVersion, pinnedMinor } from '../data/versions.js';
import { parseCidr, parseIp, type Cidr, type IpInterval } from '../net/ip.js';
import { valueAt } from './cilium-release.js';
import type { ClusterGroup, Provenance } from './types.js';
import { factPlace, isObj, perGroup, str } from './util.js';
import { docsOfKind, docsOfKindPrefix, docsOfKinds } from '../core/kind-index.js';
import { kustomizePatchFiles, patchedBy } from './kustomize-patches.js';
import { helmServicesByDoc, releaseValueFiles, type HelmService } from './helm-services.js';
import { controllerLabelKey, serviceLabelsClosed } from './service-labels.js';
import { renamedCopies, type RenamedCopy } from './renamed-copies.js';
import type { SourceIgnoreFile } from './source-ignore.js';

/** Where a value of a pool is written: a document path, and inside an inline patch string its own range when found. */
export interface Place {
  doc: YamlDocument;
  path: Path;
  range?: Range;
}

export interface PoolBlock {
  /** Path of the block's `cidr` (or `start`) in the pool object. */
  path: Path;
  /** Where that value is written (the pool's document; for a kustomize rendering, the base or the patch that wrote it). */
  place: Place;
  /** A start/stop block: where its `stop` is written (undefined without one). */
  stopPlace?: Place;
  /**
   * A kustomize rendering of a range whose `start` is the base's and whose `stop` a patch wrote (an overlay's patch
   * replaced only `/spec/blocks/0/stop`): that `stop`'s place (plan/pool-overlays.ts). Findings about the whole block
   * go there (rules/network/lib/pool-findings.ts blockPlace).
   */
  lastPlace?: Place;
  kind: 'cidr' | 'range';
  text: string;
  /** Undefined when the block does not parse. */
  interval?: IpInterval;
  cidr?: Cidr;
}

/** The kustomization whose patches render a pool (plan/pool-overlays.ts). */
export interface PoolOverlay {
  kustomization: YamlDocument;
  /** Its first patch entry that changes the pool (`['patches', 0]`). */
  path: Path;
  /** Documents holding the applied patches (patch files; the kustomization for inline patches). */
  patches: readonly YamlDocument[];
  /**
   * When `kustomization` is a Flux Kustomization or an Argo CD Application whose patches render the pool: the folder
   * it builds, and the kustomization there (none: Flux generates one taking every manifest below).
   */
  root?: { dir: string; kustomization?: YamlDocument };
}

export interface LbPool {
  /** The pool's document (for a rendering: the base). */
  doc: YamlDocument;
  name: string;
  blocks: PoolBlock[];
  /** `Yes`/`No` as written, else undefined. */
  allowFirstLastIPs?: string;
  disabled: boolean;
  selector: unknown;
  /**
   * A kustomize patch of the group may change this pool (plan/kustomize-patches.ts patchedBy): its blocks as written
   * are not certainly what an overlay applies. `'file'`: only strategic-merge patch files holding the pool, which the
   * group's pools include with the patched values; `'opaque'`: a patch whose result is no document. Undefined for a
   * pool in a patch file (it is the patch).
   */
  patched?: 'file' | 'opaque';
  /** A pool as a kustomize overlay renders it (plan/pool-overlays.ts); undefined for a pool as written. */
  overlay?: PoolOverlay;
  /** One of the renamed copies a kustomize build makes of the pool as written (plan/pool-overlays.ts withRenamedCopies). */
  copy?: RenamedCopy;
  /** The value at `path` in the pool (as rendered, for an overlay). */
  get(path: Path): unknown;
  /** Where the value at `path` is written (its nearest written ancestor when it is absent); `key`: for its key. */
  at(path: Path, key?: boolean): Place;
}

export const isPoolDoc = (d: YamlDocument): boolean => d.kind === POOL_KIND && d.group === 'cilium.io';

/** A pool object to read: its document, name, values and where each is written. */
export interface PoolSource {
  doc: YamlDocument;
  name: string;
  get(path: Path): unknown;
  at(path: Path, key?: boolean): Place;
  overlay?: PoolOverlay;
}

export function readPool(doc: YamlDocument): LbPool {
  return readPoolFrom({ doc, name: doc.name ?? '', get: (p) => doc.get(p), at: (path) => ({ doc, path }) });
}

/** A pool read from `src` (a document as written, or a kustomize rendering). */
export function readPoolFrom(src: PoolSource): LbPool {
  const blocks: PoolBlock[] = [];
  for (const field of ['blocks', 'cidrs'] as const) {
    const list = src.get(['spec', field]);
    if (!Array.isArray(list)) continue;
    list.forEach((b, i) => {
      if (!isObj(b)) return;
      const path: Path = ['spec', field, i];
      if (typeof b['cidr'] === 'string') {
        const c = parseCidr(b['cidr']);
        const blk: PoolBlock = { path: [...path, 'cidr'], place: src.at([...path, 'cidr']), kind: 'cidr', text: b['cidr'] };
        if (c) {
          blk.interval = c;
          blk.cidr = c;
        }
        blocks.push(blk);
      } else if (typeof b['start'] === 'string') {
        const s = parseIp(b['start']);
        const stopText = typeof b['stop'] === 'string' ? b['stop'] : b['start'];
        const e = parseIp(stopText);
        const blk: PoolBlock = { path: [...path, 'start'], place: src.at([...path, 'start']), kind: 'range', text: `${b['start']}-${stopText}` };
        if (b['stop'] !== undefined) blk.stopPlace = src.at([...path, 'stop']);
        if (s && e && s.family === e.family && s.value <= e.value) blk.interval = { family: s.family, first: s.value, last: e.value };
        blocks.push(blk);
      }
    });
  }
  const afl = src.get(['spec', 'allowFirstLastIPs']);
  const p: LbPool = { doc: src.doc, name: src.name, blocks, disabled: src.get(['spec', 'disabled']) === true, selector: src.get(['spec', 'serviceSelector']), get: src.get, at: src.at };
  if (src.overlay) p.overlay = src.overlay;
  if (typeof afl === 'string') p.allowFirstLastIPs = afl;
  else if (typeof afl === 'boolean') p.allowFirstLastIPs = afl ? 'Yes' : 'No';
  return p;
}

const POOLS = new WeakMap<readonly YamlDocument[], readonly LbPool[]>();

/** The group's pools, read once per document list (many rules ask), each with the patches of the group that may change it. */
export function groupPools(g: ClusterGroup): readonly LbPool[] {
  let pools = POOLS.get(g.docs);
  if (!pools) {
    const patchFiles = kustomizePatchFiles(g.docs);
    pools = docsOfKind(g.docs, POOL_KIND).filter(isPoolDoc).map((doc) => {
      const p = readPool(doc);
      const by = patchFiles.has(doc.file.path) ? undefined : patchedBy(g.docs, POOL_KIND, p.name || undefined);
      if (by) p.patched = by;
      return p;
    });
    POOLS.set(g.docs, pools);
  }
  return pools;
}

/** A pool's blocks (`spec.blocks` and the legacy `spec.cidrs`): the fields of poolsToJudge (plan/pool-overlays.ts) for a rule that reads only them. */
export const POOL_BLOCK_FIELDS: readonly Path[] = [
  ['spec', 'blocks'],
  ['spec', 'cidrs'],
];

/**
 * A kustomize patch of the group may change the pool's `fields` (paths in the pool, POOL_BLOCK_FIELDS plus whatever
 * else a rule reads, e.g. `spec.disabled`): its values there as written are not certainly what Cilium gets, so it is
 * judged as its overlays render it (plan/pool-overlays.ts poolsToJudge), or not at all. A pool in a patch file is
 * itself a patch: never.
 */
export function patchedThere(g: ClusterGroup, p: LbPool, fields: readonly Path[]): boolean {
  return !!p.patched && !!patchedBy(g.docs, POOL_KIND, p.name || undefined, fields);
}

/**
 * The addresses a block hands out: a CIDR block loses its first and last address when allowFirstLastIPs is No
 * (explicit, or the default of the known Cilium version) and the prefix is shorter than /31 (/127). Undefined
 * when that depends on an unknown version.
 */
export function allocatable(pool: LbPool, block: PoolBlock, ciliumVersion: string | undefined): IpInterval | undefined | null {
  if (!block.interval) return null;
  if (block.kind === 'range' || !block.cidr) return block.interval;
  const max = block.cidr.family === 4 ? 32 : 128;
  if (block.cidr.prefix >= max - 1) return block.interval;
  const afl = pool.allowFirstLastIPs ?? (ciliumVersion && parseVersion(ciliumVersion) ? allowFirstLastIPsDefault(ciliumVersion) : undefined);
  if (afl === undefined) return undefined;
  return afl === 'Yes' ? block.interval : { family: block.interval.family, first: block.interval.first + 1n, last: block.interval.last - 1n };
}

/**
 * Kubernetes label selector match: true / false / undefined (cannot tell: a label the object does not carry in the
 * repo, an unknown namespace or name). Only a label present with another value, or a known namespace/name, says no;
 * with `closed` (the labels as written are all the object gets: plan/service-labels.ts) an absent label is absent,
 * except a key a GitOps controller sets itself.
 */
export function selectorMatches(sel: unknown, labels: Record<string, string> | undefined, namespace: string | undefined, name: string | undefined, closed = false): boolean | undefined {
  if (sel === undefined || sel === null) return true;
  if (!isObj(sel)) return undefined;
  // (asked once per request and pool: no closure, no entry pairs)
  let unknown = false;
  const ml = sel['matchLabels'];
  if (isObj(ml)) {
    const keys = Object.keys(ml);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const got = selectorValue(k, labels, namespace, name, closed);
      if (got === null) unknown = true;
      else if (got !== String(ml[k])) return false;
    }
  }
  const me = sel['matchExpressions'];
  if (Array.isArray(me)) {
    for (const e of me) {
      if (!isObj(e) || typeof e['key'] !== 'string') return undefined;
      const got = selectorValue(e['key'], labels, namespace, name, closed);
      if (got === null) {
        unknown = true;
        continue;
      }
      const vals = Array.isArray(e['values']) ? e['values'].map(String) : [];
      const op = e['operator'];
      const ok = op === 'In' ? got !== undefined && vals.includes(got) : op === 'NotIn' ? got === undefined || !vals.includes(got) : op === 'Exists' ? got !== undefined : op === 'DoesNotExist' ? got === undefined : undefined;
      if (ok === undefined) unknown = true;
      else if (!ok) return false;
    }
  }
  return unknown ? undefined : true;
}

/**
 * What a Service has for selector key `key` (selectorMatches): its namespace or name for Cilium's two keys, else the
 * label; undefined when it certainly has no such label, null when that is unknown.
 */
function selectorValue(key: string, labels: Record<string, string> | undefined, namespace: string | undefined, name: string | undefined, closed: boolean): string | undefined | null {
  if (key === 'io.kubernetes.service.namespace') return namespace ?? null;
  if (key === 'io.kubernetes.service.name') return name ?? null;
  // an absent label may still be added by Kustomize (labels/commonLabels) or a chart: unknown, not "no", unless
  // the repository shows nothing that could add it
  if (!labels || !(key in labels)) return closed && labels && !controllerLabelKey(key) ? undefined : null;
  return labels[key];
}

/** An IP a Service (or Service-like object) asks LB-IPAM for, with where it is written. */
export interface IpRequest {
  /** Where the request is written (for a Service a Helm release renders: the layer of its values that sets it). */
  doc: YamlDocument;
  path: Path;
  /** Inside a values string (Argo CD `helm.values`, a valuesFrom ConfigMap): the value's own range, when found. */
  range?: Range;
  /** The whole annotation value (for `lbipam.cilium.io/ips: a,b` every entry points at the annotation). */
  text: string;
  ip?: { family: 4 | 6; value: bigint };
  /** Known object identity for selector matching (undefined when the repo cannot tell). */
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  /** `labels` are all the labels the object gets (plan/service-labels.ts): a selector key it lacks does not match. */
  labelsClosed?: boolean;
  sharingKey?: string;
  annotations: Record<string, unknown>;
  annotationsPath: Path;
  /** The Service a Helm release renders that asks (plan/helm-services.ts): its release, id and where its values are written. */
  helm?: HelmService;
  /** One of the renamed copies a kustomize build makes of the Service (copiedRequests; plan/renamed-copies.ts). */
  copy?: RenamedCopy;
}

/**
 * `reqs` with each request of a Service that a build of `docs` renders under several names (plan/renamed-copies.ts)
 * replaced by one request per rendering: its rendered name, the namespace the build sets, and `copy`. Two copies are
 * two objects (requestObject, sameObject, samePlace tell them apart) written at one place.
 */
export function copiedRequests(reqs: readonly IpRequest[], docs: readonly YamlDocument[], ignores?: readonly SourceIgnoreFile[]): readonly IpRequest[] {
  const copies = renamedCopies(docs, ignores);
  if (!copies.size) return reqs;
  return reqs.flatMap((r) => {
    const list = r.helm ? undefined : copies.get(r.doc);
    if (!list) return [r];
    return list.map((c) => {
      const x: IpRequest = { ...r, name: c.name, copy: c };
      if (c.namespace !== undefined) x.namespace = c.namespace;
      else if (c.namespaceUnknown) delete x.namespace;
      return x;
    });
  });
}

/**
 * Where annotation `key` of a request's annotation map is written (`key`: the key itself; none: the map), for a
 * Service a Helm release renders in the values layer that sets it.
 */
export function annotationPlace(r: IpRequest, key?: string, asKey = false): Place & { key?: boolean } {
  if (r.helm) return r.helm.at(key === undefined ? ['annotations'] : ['annotations', key], asKey);
  const path = key === undefined ? r.annotationsPath : [...r.annotationsPath, key];
  return asKey ? { doc: r.doc, path, key: true } : { doc: r.doc, path };
}

/**
 * The object a request belongs to, for "one object seen twice": a Service a Helm release renders is its release
 * (identity) and service id; anything else its name (undefined: unknown). Two requests with one identity in one
 * namespace, or where either leaves the namespace unknown, are one object.
 */
export function sameObject(a: IpRequest, b: IpRequest): boolean {
  if (a.helm || b.helm) {
    if (!a.helm || !b.helm) return false;
    if (a.helm === b.helm) return true;
    if (a.helm.release === undefined || a.helm.release !== b.helm.release || a.helm.id !== b.helm.id) return false;
  } else if (a.name !== b.name) return false;
  return a.namespace === b.namespace || a.namespace === undefined || b.namespace === undefined;
}

/** The document that declares the object asking (a Helm release's document for the Services it renders). */
export const requestOwner = (r: IpRequest): YamlDocument => r.helm?.doc ?? r.doc;

/** The object asking, for "seen once" sets: the Service a Helm release renders, else the document. */
export const requestObject = (r: IpRequest): object => r.copy ?? r.helm ?? r.doc;

/** How a finding names the object asking: its name; a Service a release renders by its rendered name, else by its release and id. */
export const requestLabel = (r: IpRequest): string => (r.helm ? (r.helm.name ?? `${r.helm.releaseKind} ${r.helm.releaseName}, service.${r.helm.id}`) : (r.name ?? ''));

/**
 * Two requests written at one place (a values file or ConfigMap two releases share): one text, not two objects to
 * compare; unless they are two renamed copies one build makes of a Service (copiedRequests).
 */
export const samePlace = (a: IpRequest, b: IpRequest): boolean =>
  a.copy === b.copy &&
  a.doc === b.doc && a.path.length === b.path.length && a.path.every((k, i) => k === b.path[i]) && a.range?.start.line === b.range?.start.line && a.range?.start.column === b.range?.start.column;

const IPS_KEYS = [LBIPAM_ANNOTATIONS.ips.key, LBIPAM_ANNOTATIONS.ips.legacy];
const SHARING_KEYS = [LBIPAM_ANNOTATIONS.sharingKey.key, LBIPAM_ANNOTATIONS.sharingKey.legacy];

const SPEC_TYPE: Path = ['spec', 'type'];
const SPEC_CLASS: Path = ['spec', 'loadBalancerClass'];
const SPEC_LBIP: Path = ['spec', 'loadBalancerIP'];
const META_ANNOTATIONS: Path = ['metadata', 'annotations'];
const META_LABELS: Path = ['metadata', 'labels'];

export function isLoadBalancerService(d: YamlDocument): boolean {
  return d.kind === 'Service' && d.apiVersion === 'v1' && d.get(SPEC_TYPE) === 'LoadBalancer';
}

/** The Cilium class check: no class, or one of Cilium's own classes. */
export function ciliumHandlesClass(cls: unknown): boolean {
  return cls === undefined || cls === null || cls === LB_CLASSES.l2 || cls === LB_CLASSES.bgp;
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  // (once per Service: keys, not entry pairs)
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = v[k];
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
  }
  return out;
}

const REQUESTS = new WeakMap<readonly YamlDocument[], readonly IpRequest[]>();

/** IP requests of LoadBalancer Services (annotations and deprecated spec.loadBalancerIP) in `docs`; computed once per list. */
export function serviceIpRequests(docs: readonly YamlDocument[]): readonly IpRequest[] {
  let reqs = REQUESTS.get(docs);
  if (!reqs) REQUESTS.set(docs, (reqs = readServiceIpRequests(docs)));
  return reqs;
}

/** One request: `text` at `path`, parsed, with the sharing key of its annotation map. */
function ipRequest(base: Omit<IpRequest, 'path' | 'text' | 'ip' | 'sharingKey'>, path: Path, text: string, sharingKey: string | undefined): IpRequest {
  const r: IpRequest = { ...base, path, text };
  const ip = parseIp(text);
  if (ip) r.ip = ip;
  if (sharingKey !== undefined) r.sharingKey = sharingKey;
  return r;
}

type RequestBase = Omit<IpRequest, 'path' | 'text' | 'ip' | 'sharingKey'>;

/**
 * ipRequest for a Service document (readServiceIpRequests, 2,000 requests in the bench corpus): the same object, its
 * keys in the order `{ ...base, path, text }` gives them, written out instead of spread from the base per request.
 */
function serviceRequest(base: RequestBase, path: Path, text: string, sharingKey: string | undefined): IpRequest {
  const r: IpRequest =
    base.labelsClosed === undefined
      ? { doc: base.doc, name: base.name, namespace: base.namespace, labels: base.labels, annotations: base.annotations, annotationsPath: base.annotationsPath, path, text }
      : { doc: base.doc, name: base.name, namespace: base.namespace, labels: base.labels, labelsClosed: base.labelsClosed, annotations: base.annotations, annotationsPath: base.annotationsPath, path, text };
  const ip = parseIp(text);
  if (ip) r.ip = ip;
  if (sharingKey !== undefined) r.sharingKey = sharingKey;
  return r;
}

/** The sharing key an annotation map sets (the new key first, then the legacy one). */
function sharingKeyOf(map: Record<string, unknown>): string | undefined {
  for (const k of SHARING_KEYS) {
    const v = str(map[k]);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Every address an annotation map (at `mapPath`) asks for under the LB-IPAM ips keys: comma-separated, trimmed. */
function annotationMapRequests(base: RequestBase, map: Record<string, unknown>, mapPath: Path, make: typeof ipRequest = ipRequest): IpRequest[] {
  const out: IpRequest[] = [];
  for (const key of IPS_KEYS) {
    const v = map[key];
    if (typeof v !== 'string') continue;
    const sk = sharingKeyOf(map);
    // (one address, as nearly every request is: no split)
    if (!v.includes(',')) {
      const t = v.trim();
      if (t) out.push(make(base, [...mapPath, key], t, sk));
      continue;
    }
    for (const part of v.split(',')) {
      const t = part.trim();
      if (t) out.push(make(base, [...mapPath, key], t, sk));
    }
  }
  return out;
}

function readServiceIpRequests(docs: readonly YamlDocument[]): IpRequest[] {
  const out: IpRequest[] = [];
  for (const d of docsOfKind(docs, 'Service')) {
    if (!isLoadBalancerService(d) || !ciliumHandlesClass(d.get(SPEC_CLASS))) continue;
    const ann = d.get(META_ANNOTATIONS);
    const annotations = isObj(ann) ? ann : {};
    const annotationsPath: Path = ['metadata', 'annotations'];
    const written = d.get(META_LABELS);
    const labels = stringMap(written);
    const base: Omit<IpRequest, 'path' | 'text' | 'ip' | 'sharingKey'> =
      (labels || written === undefined) && serviceLabelsClosed(docs, d)
        ? { doc: d, name: d.name, namespace: d.namespace, labels: labels ?? {}, labelsClosed: true, annotations, annotationsPath }
        : { doc: d, name: d.name, namespace: d.namespace, labels: labels ?? {}, annotations, annotationsPath };
    const reqs = annotationMapRequests(base, annotations, annotationsPath, serviceRequest);
    for (const r of reqs) out.push(r);
    const lbip = d.get(SPEC_LBIP);
    if (typeof lbip === 'string' && lbip.trim()) out.push(serviceRequest(base, ['spec', 'loadBalancerIP'], lbip.trim(), sharingKeyOf(annotations)));
  }
  return out;
}

/**
 * Pairs of requests for the same address, `[earlier, later]` in request order (grouped by address first, so the
 * cost is linear in the number of requests, not quadratic).
 */
export function sameAddressPairs(reqs: readonly IpRequest[]): Array<[IpRequest, IpRequest]> {
  // IPv4 addresses key by number (a Map of small numbers is cheaper than one of strings built from bigints)
  const byIp = new Map<number | string, IpRequest[]>();
  const pairs: Array<[IpRequest, IpRequest]> = [];
  for (const r of reqs) {
    if (!r.ip) continue;
    const key = r.ip.family === 4 ? Number(r.ip.value) : `6:${r.ip.value}`;
    const earlier = byIp.get(key);
    if (!earlier) {
      byIp.set(key, [r]);
      continue;
    }
    for (const a of earlier) pairs.push([a, r]);
    earlier.push(r);
  }
  return pairs;
}

const USES_L2 = new WeakMap<ClusterGroup, boolean>();
const USES_BGP = new WeakMap<ClusterGroup, boolean>();

/** True when the group announces LB IPs over L2 (an L2 policy, or `l2announcements.enabled: true`). */
export function usesL2(g: ClusterGroup): boolean {
  return perGroup(USES_L2, g, () => {
    if (docsOfKind(g.docs, 'CiliumL2AnnouncementPolicy').some((d) => d.group === 'cilium.io')) return true;
    return g.ciliumReleases.some((r) => valueAt(r, 'l2announcements.enabled')?.value === true);
  });
}

/** True when the group advertises LB IPs over BGP (CiliumBGP* objects, or `bgpControlPlane.enabled: true`). */
export function usesBgp(g: ClusterGroup): boolean {
  return perGroup(USES_BGP, g, () => {
    if (docsOfKindPrefix(g.docs, 'CiliumBGP').some((d) => d.group === 'cilium.io')) return true;
    return g.ciliumReleases.some((r) => valueAt(r, 'bgpControlPlane.enabled')?.value === true);
  });
}

/** True when some Cilium release in the group turns kube-proxy replacement on. */
export function ciliumReplacesKubeProxy(g: ClusterGroup): boolean {
  return g.ciliumReleases.some((r) => {
    const v = valueAt(r, 'kubeProxyReplacement')?.value;
    return v === true || v === 'true' || v === 'strict';
  });
}

/**
 * The group's Cilium version when it pins a minor line (`1.19.6`, `~1.19.0`, `1.19.x`); undefined for an open range
 * (`>=1.14.0`: it installs the newest release it allows, not its lower bound) or unparsable text.
 */
export function ciliumVersion(g: ClusterGroup): string | undefined {
  return pinnedMinor(g.plan.versions.cilium?.value);
}

/** A related location for a plan fact (only when the fact came from a document; inside a patch string: factPlace). */
export function factRelated(f: { from: Provenance } | undefined, message: string): { doc: YamlDocument; path: Path; range?: Range; message: string }[] {
  const place = f ? factPlace(f.from) : undefined;
  return place ? [{ ...place, message }] : [];
}

const CONSUMER_KINDS = new Set(['HelmRelease', 'Gateway', 'EnvoyProxy', 'Application', 'ApplicationSet']);

/**
 * How Cilium runs Gateways of class `name` in group `g`: 'lbipam' when their Service gets its address from LB-IPAM,
 * 'other' when Cilium runs them some other way (host network, a NodePort or other-class Service from the class's
 * CiliumGatewayClassConfig) and undefined when the class is not known to be Cilium's. A class the repository does
 * not define counts as Cilium's when it is the chart's default and the group's Cilium enables Gateway API (or no
 * Cilium release is visible). A class whose parametersRef the repository cannot resolve is unknown.
 */
function ciliumGatewayClass(g: ClusterGroup, name: unknown): 'lbipam' | 'other' | undefined {
  if (typeof name !== 'string') return undefined;
  const classes = docsOfKind(g.docs, 'GatewayClass').filter((c) => c.group === GATEWAY_API_GROUP && c.name === name);
  let cls: YamlDocument | undefined;
  if (classes.length) {
    cls = classes.find((c) => c.get(['spec', 'controllerName']) === GATEWAY_CONTROLLER);
    if (!cls) return undefined;
  } else {
    const enabled = g.ciliumReleases.length === 0 || g.ciliumReleases.some((r) => valueAt(r, 'gatewayAPI.enabled')?.value === true);
    if (name !== GATEWAY_DEFAULT_CLASS || !enabled) return undefined;
  }
  if (g.ciliumReleases.some((r) => valueAt(r, 'gatewayAPI.hostNetwork.enabled')?.value === true)) return 'other';
  const ref = cls?.get(['spec', 'parametersRef']);
  if (ref === undefined || ref === null) return 'lbipam';
  if (!isObj(ref) || ref['kind'] !== GATEWAY_CLASS_CONFIG_KIND || ref['group'] !== 'cilium.io') return undefined;
  const config = docsOfKind(g.docs, GATEWAY_CLASS_CONFIG_KIND).find((c) => c.group === 'cilium.io' && c.name === ref['name']);
  if (!config) return undefined;
  const type = config.get(['spec', 'service', 'type']);
  if (type !== undefined && type !== 'LoadBalancer') return 'other';
  return ciliumHandlesClass(config.get(['spec', 'service', 'loadBalancerClass'])) ? 'lbipam' : 'other';
}

/** The Service Cilium creates for a Gateway: its name, namespace and the labels it is known to carry. */
type ServiceIdentity = Pick<IpRequest, 'name' | 'namespace' | 'labels'>;

/**
 * Cilium's Service for a Gateway: `cilium-gateway-<name>` in the Gateway's namespace, labelled
 * `io.cilium.gateway/owning-gateway: <name>` plus the Gateway's `spec.infrastructure.labels` (not its own
 * metadata.labels, which a pool's serviceSelector therefore does not see). Other labels stay unknown.
 */
function gatewayService(d: YamlDocument): ServiceIdentity {
  if (!d.name) return {};
  const id: ServiceIdentity = { name: `${GATEWAY_SERVICE_PREFIX}${d.name}`, labels: { ...stringMap(d.get(['spec', 'infrastructure', 'labels'])), [GATEWAY_OWNER_LABEL]: d.name } };
  if (d.namespace) id.namespace = d.namespace;
  return id;
}

/**
 * A Cilium Gateway's `spec.addresses` of type IPAddress (the default): requests for its Service's address, with the
 * sharing key of its infrastructure annotations (`base`).
 */
function gatewayAddressRequests(d: YamlDocument, base: Omit<IpRequest, 'path' | 'text' | 'ip' | 'sharingKey'>): IpRequest[] {
  const addresses = d.get(['spec', 'addresses']);
  if (!Array.isArray(addresses)) return [];
  const out: IpRequest[] = [];
  addresses.forEach((a, i) => {
    if (!isObj(a) || (a['type'] !== undefined && a['type'] !== 'IPAddress') || typeof a['value'] !== 'string') return;
    const t = a['value'].trim();
    // an empty value asks for any address; a CIDR (newer Gateway API) is not one address
    if (t && !t.includes('/')) out.push(ipRequest(base, ['spec', 'addresses', i, 'value'], t, sharingKeyOf(base.annotations)));
  });
  return out;
}

/**
 * The annotation maps holding an LB-IPAM ips key anywhere in `d`'s value (the Service they reach is unknown), outside
 * the values of the Services `skip` lists (read by helmServiceRequests).
 */
function annotationRequests(d: YamlDocument, skip: readonly HelmService[] = []): IpRequest[] {
  const out: IpRequest[] = [];
  const skipped = new Set(skip.flatMap((s) => s.inline.map((p) => JSON.stringify(p))));
  const walk = (v: unknown, path: Path, depth: number): void => {
    if (depth > 14) return;
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...path, i], depth + 1));
    if (!isObj(v) || (skipped.size && skipped.has(JSON.stringify(path)))) return;
    if (IPS_KEYS.some((k) => typeof v[k] === 'string')) out.push(...annotationMapRequests({ doc: d, annotations: v, annotationsPath: path }, v, path));
    for (const [k, x] of Object.entries(v)) if (typeof x === 'object') walk(x, [...path, k], depth + 1);
  };
  walk(d.value, [], 0);
  return out;
}

/**
 * The requests of a Service a Helm release renders (plan/helm-services.ts), as serviceIpRequests reads a Service:
 * only a LoadBalancer of a class Cilium handles; its annotations and `loadBalancerIP`, with the namespace and labels
 * the values show.
 */
function helmServiceRequests(s: HelmService): IpRequest[] {
  if (s.type !== 'LoadBalancer' || !ciliumHandlesClass(s.values['loadBalancerClass'])) return [];
  const annotations = isObj(s.values['annotations']) ? s.values['annotations'] : {};
  const out: IpRequest[] = [];
  // each value where the layer that sets it writes it (the release's inline values, a values string, a ConfigMap)
  const request = (inner: Path, text: string): void => {
    const at = s.at(inner);
    const base: Omit<IpRequest, 'path' | 'text' | 'ip' | 'sharingKey'> = { doc: at.doc, labels: s.labels, annotations, annotationsPath: s.at(['annotations']).path, helm: s };
    if (s.namespace) base.namespace = s.namespace;
    // the rendered name, when the values and the chart version tell it (selectors on io.kubernetes.service.name)
    if (s.name) base.name = s.name;
    const r = ipRequest(base, at.path, text, sharingKeyOf(annotations));
    if (at.range) r.range = at.range;
    out.push(r);
  };
  for (const key of IPS_KEYS) {
    const v = annotations[key];
    if (typeof v !== 'string') continue;
    for (const part of v.split(',')) {
      const t = part.trim();
      if (t) request(['annotations', key], t);
    }
  }
  const lbip = s.values['loadBalancerIP'];
  if (typeof lbip === 'string' && lbip.trim()) request(['loadBalancerIP'], lbip.trim());
  return out;
}

/** Where a Gateway keeps the annotations its implementation copies to the Service it creates. */
const INFRA_ANNOTATIONS: Path = ['spec', 'infrastructure', 'annotations'];

const isGateway = (d: YamlDocument): boolean => d.kind === 'Gateway' && d.group === GATEWAY_API_GROUP;

const GATEWAY_REQUESTS = new WeakMap<ClusterGroup, { handled: ReadonlySet<YamlDocument>; requests: readonly IpRequest[] }>();

/**
 * The LB-IPAM requests of the group's Gateways that Cilium runs (their class: ciliumGatewayClass), with their
 * Service's identity: `spec.addresses` (from GATEWAY_ADDRESSES_SINCE, or when the version is unknown) and
 * annotation maps (`spec.infrastructure.annotations`). A Gateway Cilium runs without LB-IPAM asks for nothing.
 * `handled`: the Gateways these answers cover (the generic reading in indirectIpRequests skips them).
 */
function readGatewayRequests(g: ClusterGroup): { handled: ReadonlySet<YamlDocument>; requests: readonly IpRequest[] } {
  return perGroup(GATEWAY_REQUESTS, g, () => gatewayRequestsOf(g));
}

function gatewayRequestsOf(g: ClusterGroup): { handled: ReadonlySet<YamlDocument>; requests: readonly IpRequest[] } {
  const handled = new Set<YamlDocument>();
  const requests: IpRequest[] = [];
  const version = ciliumVersion(g);
  const addresses = !version || atLeast(version, GATEWAY_ADDRESSES_SINCE);
  for (const d of docsOfKind(g.docs, 'Gateway')) {
    if (!isGateway(d) || d.docClass !== 'k8s') continue;
    const how = ciliumGatewayClass(g, d.get(['spec', 'gatewayClassName']));
    if (!how) continue;
    handled.add(d);
    if (how !== 'lbipam') continue;
    // Cilium copies spec.infrastructure.annotations (only those) to the Service, and spec.addresses into its ips
    // annotation only when no ips annotation is there: an infrastructure ips annotation wins over spec.addresses
    const ann = d.get(INFRA_ANNOTATIONS);
    const base = { ...gatewayService(d), doc: d, annotations: isObj(ann) ? ann : {}, annotationsPath: INFRA_ANNOTATIONS };
    const infra = annotationMapRequests(base, base.annotations, INFRA_ANNOTATIONS);
    if (addresses && !infra.length) requests.push(...gatewayAddressRequests(d, base));
    requests.push(...infra);
  }
  return { handled, requests };
}

/** The LB-IPAM requests of the Gateways Cilium runs in the group (each with its Service's identity). */
export function ciliumGatewayIpRequests(g: ClusterGroup): readonly IpRequest[] {
  return readGatewayRequests(g).requests;
}

/**
 * IP requests in objects that create LoadBalancer Services indirectly: Cilium's Gateways (ciliumGatewayIpRequests),
 * the Services Helm releases render as plan/helm-services.ts reads them (app-template: with their namespace and
 * labels), and any other annotation map holding an LB-IPAM ips key in HelmRelease/Argo values, other Gateways'
 * `spec.infrastructure.annotations` and EnvoyProxy objects, whose Service name, namespace and labels are unknown
 * (selector matching answers "unknown").
 */
export function indirectIpRequests(g: ClusterGroup): IpRequest[] {
  const { handled, requests } = readGatewayRequests(g);
  const out: IpRequest[] = [...requests];
  const rendered = helmServicesByDoc(g.docs);
  // the Services Helm releases render (kustomize helmCharts too), then every other annotation map of the consumers
  out.push(...helmServiceIpRequests(g.docs));
  for (const d of docsOfKinds(g.docs, CONSUMER_KINDS)) {
    if (d.docClass !== 'k8s' || handled.has(d)) continue;
    out.push(...annotationRequests(d, rendered.get(d)));
  }
  // the values files of Argo CD sources and kustomize helmCharts (`$values/apps/ingress-nginx/values.yaml`), whose
  // chart renders Services talium cannot see: as the release's inline values
  for (const d of releaseValueFiles(g.docs)) out.push(...annotationRequests(d));
  return out;
}

const HELM_REQUESTS = new WeakMap<readonly YamlDocument[], readonly IpRequest[]>();

/**
 * The LB-IPAM requests of the Services Helm releases in `docs` render (plan/helm-services.ts: app-template), each with
 * its release namespace, labels and sharing key: compared with Services by network/service-ip-conflict and
 * network/sharing-cross-namespace. Computed once per list.
 */
export function helmServiceIpRequests(docs: readonly YamlDocument[]): readonly IpRequest[] {
  let reqs = HELM_REQUESTS.get(docs);
  if (!reqs) HELM_REQUESTS.set(docs, (reqs = [...helmServicesByDoc(docs).values()].flat().flatMap(helmServiceRequests)));
  return reqs;
}

/** True when a fact was written by the user as a plan fact (cluster.yaml or talium.config.yaml), not inferred. */
export function explicitFact(f: { from: { doc?: YamlDocument; file?: string } } | undefined): boolean {
  if (!f) return false;
  const c = f.from.doc?.docClass;
  return c === 'cluster-spec' || c === 'talium-config' || (!f.from.doc && !!f.from.file);
}

/**
 * True when two files look like variants of one object for different environments: same depth, same file name,
 * exactly one differing directory (`apps/prod/x/svc.yaml` vs `apps/qa/x/svc.yaml`). When that directory is the files'
 * own folder and the two objects have different stated names (`names`), they are two objects side by side, not
 * variants: `apps/jellyfin/service.yaml` and `apps/adguard/service.yaml` (an ApplicationSet over `apps/*`), or
 * `talos/cp-1/machine.yaml` and `talos/cp-2/machine.yaml` with hostnames cp-1 and cp-2.
 */
export function pathVariants(a: string, b: string, names?: readonly [string | undefined, string | undefined]): boolean {
  const x = a.split('/');
  const y = b.split('/');
  if (x.length !== y.length || x.length < 2 || x[x.length - 1] !== y[y.length - 1]) return false;
  let diff = 0;
  for (let i = 0; i < x.length - 1; i++) if (x[i] !== y[i]) diff++;
  if (diff !== 1) return false;
  const ownFolder = x[x.length - 2] !== y[y.length - 2];
  return !(ownFolder && names?.[0] !== undefined && names[1] !== undefined && names[0] !== names[1]);
}

/** True unless a Cilium release hands class-less LoadBalancer Services to another IPAM (`defaultLBServiceIPAM`). */
export function lbIpamIsDefault(g: ClusterGroup): boolean {
  return !g.ciliumReleases.some((r) => {
    const v = valueAt(r, 'defaultLBServiceIPAM')?.value;
    return typeof v === 'string' && v !== 'lbipam';
  });
}

