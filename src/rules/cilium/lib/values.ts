/**
 * Reading Cilium Helm values from the releases the plan found (plan/cilium-release.ts): the effective value of
 * a key, the layer (document + path) that sets it, and the place a finding about that key points at; which releases
 * govern the running Cilium, whether a release is pinned below a Cilium minor, agent options set directly
 * (`extraConfig`, CiliumNodeConfig `defaults`), and whether a default-off feature is off in every release.
 */
import type { Range } from '../../../core/diagnostic.js';
import { docsOfKind } from '../../../core/kind-index.js';
import { placeKey } from '../../../core/finding.js';
import type { Path, YamlDocument } from '../../../core/document.js';
import { CILIUM_GROUP } from '../../../data/cilium.js';
import { atLeast } from '../../../data/versions.js';
import { layerPath, modelledParameter } from '../../../plan/cilium-release.js';
import type { CiliumRelease, ClusterGroup, ValuesLayer } from '../../../plan/types.js';
import { anchoredMatch, argoSourcePaths, chartOwnValuesFile, normalizePath } from '../../../plan/util.js';
import { isObject, isTemplated, pinnedMinor } from './objects.js';

export interface Place {
  doc: YamlDocument;
  path: Path;
  key?: boolean;
  /** Inside a values string (Argo CD `helm.values: |`): the key's own line and column. */
  range?: Range;
}

function has(values: unknown, key: readonly string[]): boolean {
  let cur: unknown = values;
  for (const k of key) {
    if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, k)) return false;
    cur = cur[k];
  }
  return true;
}

function at(values: unknown, key: readonly string[]): unknown {
  let cur: unknown = values;
  for (const k of key) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** The effective (merged) value of a key, undefined when unset. */
export function valueOf(release: CiliumRelease, key: readonly string[]): unknown {
  return at(release.values, key);
}

/** True when any layer sets the key. */
export function isSet(release: CiliumRelease, key: readonly string[]): boolean {
  return has(release.values, key) || release.layers.some((l) => has(l.values, key));
}

/** The last layer (Helm merge order) that sets the key, or undefined. */
export function layerSetting(release: CiliumRelease, key: readonly string[]): ValuesLayer | undefined {
  for (let i = release.layers.length - 1; i >= 0; i--) {
    const l = release.layers[i]!;
    if (has(l.values, key)) return l;
  }
  return undefined;
}

/**
 * Where a finding about `key` points: the key in the layer that sets it (`suffix` goes deeper, e.g. a list item),
 * else the release's values. Inside a values string the range of the key itself when it can be mapped.
 */
export function placeOf(release: CiliumRelease, key: readonly string[], opts: { key?: boolean; suffix?: Path } = {}): Place {
  const layer = layerSetting(release, key);
  return layer ? placeInLayer(layer, [...key, ...(opts.suffix ?? [])], opts) : releasePlace(release);
}

/**
 * Where `inner` of one values layer is: its key or value, inside a values string when that can be mapped; else a
 * values string itself (one that cannot be mapped: where the schema's findings on that text are, so one mistake is one
 * finding, RuleMeta.supersedes), or a parameter's `value` key.
 */
export function placeInLayer(layer: ValuesLayer, inner: Path, opts: { key?: boolean } = {}): Place {
  const at = layerPath(layer, inner);
  if (layer.inString) {
    // a parameter's value is one string set by name, not YAML text: its finding stays on the `value` key
    const range = layer.parameter ? undefined : layer.doc.locateInString(layer.valuesPath, at.inner ?? inner, opts.key ? { key: true } : {});
    if (range) return { doc: layer.doc, path: layer.valuesPath, key: true, range };
    return { doc: layer.doc, path: layer.valuesPath, ...(layer.parameter ? { key: true } : {}) };
  }
  return { doc: layer.doc, path: at.path, ...(opts.key ? { key: true } : {}) };
}

/** The release's own values (or its document when it has none): for findings about a missing key. */
export function releasePlace(release: CiliumRelease): Place {
  return { doc: release.doc, path: release.valuesPath, key: release.valuesPath.length > 0 };
}

/** `true`/`"true"` → true, `false`/`"false"` → false, anything else (unset, templated) → undefined. */
export function asBool(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

/** A value that is still a template placeholder cannot be judged. */
export function unknowable(v: unknown): boolean {
  return isTemplated(v);
}

/** KPR is on (`kubeProxyReplacement: true`, or the pre-1.16 `strict`). */
export function kprOn(release: CiliumRelease): boolean | undefined {
  const v = valueOf(release, ['kubeProxyReplacement']);
  if (v === undefined) return false;
  if (v === 'strict') return true;
  return asBool(v);
}

export function releases(cluster: ClusterGroup): readonly CiliumRelease[] {
  return cluster.ciliumReleases ?? [];
}

/** A chart switch that defaults to off (`<feature>.enabled`), in the release's effective values; undefined when unreadable. */
export function switchOn(release: CiliumRelease, key: readonly string[]): boolean | undefined {
  const v = valueOf(release, key);
  return v === undefined ? false : asBool(v);
}

/** L2 announcements on in the release's effective values. */
export function l2On(release: CiliumRelease): boolean | undefined {
  return switchOn(release, ['l2announcements', 'enabled']);
}

/** A cilium-config (agent) option and the values of it that turn a feature on. */
export interface AgentOption {
  key: RegExp;
  on: (value: unknown) => boolean;
}

/**
 * A mapping of agent options (a release's `extraConfig`, a CiliumNodeConfig's `defaults`: keys written into the
 * agent's configuration as they are) turns `option` on, or may (templated).
 */
export function agentOptionSets(options: unknown, option: AgentOption): boolean {
  return isObject(options) && Object.entries(options).some(([k, v]) => option.key.test(k) && (option.on(v) || unknowable(v)));
}

/** The release's `extraConfig` turns the agent option on (or may): what the chart's own switch says then does not decide. */
export function extraConfigSets(release: CiliumRelease, option: AgentOption): boolean {
  return agentOptionSets(valueOf(release, ['extraConfig']), option);
}

/**
 * Some release's `extraConfig` or some CiliumNodeConfig's `defaults` turns `option` on through the cilium-config
 * key itself (or may: templated); precedence between these and the chart's own switch is not modelled.
 */
export function agentConfigSets(cluster: ClusterGroup, option: AgentOption): boolean {
  if (releases(cluster).some((r) => extraConfigSets(r, option))) return true;
  return docsOfKind(cluster.docs, 'CiliumNodeConfig').some((d) => d.group === CILIUM_GROUP && agentOptionSets(d.get(['spec', 'defaults']), option));
}

/** Version of a release: its own pinned version, else the group's Cilium version. */
export function releaseVersion(cluster: ClusterGroup, release: CiliumRelease): string | undefined {
  return pinnedMinor(release.version?.value) ?? pinnedMinor(cluster.plan.versions.cilium?.value);
}

/** The release is pinned (itself or through the group's version) to a Cilium older than `minor`. */
export function releaseBefore(cluster: ClusterGroup, release: CiliumRelease, minor: string): boolean {
  const v = releaseVersion(cluster, release);
  return v !== undefined && !atLeast(v, minor);
}

/** The group has Cilium releases and every one of them is pinned to a Cilium older than `minor` (a feature that came in `minor` is absent). */
export function everyReleaseBefore(cluster: ClusterGroup, minor: string): boolean {
  const rels = releases(cluster);
  return rels.length > 0 && rels.every((r) => releaseBefore(cluster, r, minor));
}

/** Human label of a release for messages: `file` (or `file#kind/name`). */
export function releaseLabel(release: CiliumRelease): string {
  const d = release.releaseDoc ?? release.doc;
  return d.file.path;
}

/**
 * Every values layer of the cluster's releases once: two releases may share one (a helmfile bootstrap and the
 * Flux release reading the same values.yaml). String layers count too: a YAML values string (Argo CD
 * `helm.values`) is a values file to Helm; `--set`-style layers were split on dots when they were read.
 */
export function distinctLayers(cluster: ClusterGroup): ValuesLayer[] {
  const out: ValuesLayer[] = [];
  const seen = new Set<string>();
  for (const r of releases(cluster)) {
    for (const layer of r.layers) {
      const id = `${layer.doc.file.path}#${layer.doc.index}#${layer.valuesPath.join('\u0000')}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(layer);
    }
  }
  return out;
}

/**
 * True when the release may get values this repository does not show: a referenced values source that did not
 * resolve (Flux `valuesFrom`, Argo CD `valueFiles`/`parameters`, helmfile `values`/`set`, Kustomize `valuesFile`/`additionalValuesFiles`), a Kustomize patch on the
 * same HelmRelease (unless this is the overlay that applies it), or no values at all. Rules must not judge a key's absence on such a release.
 */
export function incomplete(release: CiliumRelease, docs: readonly YamlDocument[]): boolean {
  return unseenValues(release, docs) !== undefined;
}

/**
 * True when a values source this repository does not show may take precedence over `layer`, so what `layer` sets
 * may not be the effective value. Unresolved Flux `valuesFrom` and Argo CD `valueFiles` rank below the release's
 * own values (Flux merges `spec.values` last; Argo CD: parameters > valuesObject > values > valueFiles) and so only
 * override layers of their own kind; a Kustomize patch of the same HelmRelease, Argo CD `parameters` and the other
 * unknowns may override anything.
 */
export function overridable(release: CiliumRelease, layer: ValuesLayer, docs: readonly YamlDocument[]): boolean {
  const unseen = unseenValues(release, docs);
  if (unseen === undefined) return false;
  if (unseen === 'any') return true;
  // 'files': only sources below the release's own values are unknown; `layer` is one of those when it is not
  // the release document itself (an overlay's base layers other than its HelmRelease are its valuesFrom)
  const own = release.overlay?.base ?? release;
  const ownDoc = own.releaseDoc ?? own.doc;
  if (release.engine === 'flux') return own.layers.some((l) => l === layer && l.doc !== ownDoc);
  if (release.engine === 'argocd') return argoFileLayer(release, layer);
  return layer.doc !== (release.releaseDoc ?? release.doc);
}

/**
 * A layer of an Argo CD release read from a values file (`helm.valueFiles`), not from the Application or a patch of
 * it (an overlay's `valuesObject` lives in the kustomization or a patch file).
 */
function argoFileLayer(release: CiliumRelease, layer: ValuesLayer): boolean {
  return layer.doc !== (release.releaseDoc ?? release.doc) && !layer.inString && layer.valuesPath.length === 0;
}

/** The sources of an Argo CD release's Application: as a Kustomize overlay renders it, else as committed. */
function argoSources(release: CiliumRelease): unknown[] {
  const app = release.overlay?.app;
  if (app !== undefined) {
    const spec = isObject(app) ? app['spec'] : undefined;
    const list = isObject(spec) ? spec['sources'] : undefined;
    return Array.isArray(list) && list.length ? list : isObject(spec) && isObject(spec['source']) ? [spec['source']] : [];
  }
  const rd = release.releaseDoc ?? release.doc;
  return argoSourcePaths(rd).map((sp) => rd.get(sp));
}

/**
 * What the repository does not show of a release's values: undefined (nothing), 'files' (only Flux `valuesFrom` or
 * Argo CD `valueFiles` that did not resolve, which rank below the release's own values) or 'any'.
 */
function unseenValues(release: CiliumRelease, docs: readonly YamlDocument[]): 'files' | 'any' | undefined {
  if (!release.layers.length || !Object.keys(release.values).length) return 'any';
  const rd = release.releaseDoc ?? release.doc;
  if (release.engine === 'flux') {
    // an overlay rendering (plan/kustomize-overlays.ts) knows its patches; its valuesFrom are its base's
    if (release.overlay?.skipped || release.valuesUnknown) return 'any';
    // a HelmRelease patch with the same name adds values
    if (!release.overlay && docs.some((d) => d !== rd && d.kind === 'HelmRelease' && d.name === rd.name && d.get(['spec', 'values']) !== undefined && d.namespace === rd.namespace)) return 'any';
    // a Flux Kustomization's own `spec.patches` may set values on this HelmRelease
    if (docs.some((d) => d.kind === 'Kustomization' && d.group === 'kustomize.toolkit.fluxcd.io' && patchesHelmRelease(d, rd))) return 'any';
    const own = release.overlay?.base ?? release;
    const vf = rd.get(['spec', 'valuesFrom']);
    if (Array.isArray(vf) && vf.length > own.layers.filter((l) => l.doc !== rd).length) return 'files';
    // the chart's own values files (`chart.spec.valuesFiles`) live in the chart source and rank below the release's values
    const cvf = rd.get(['spec', 'chart', 'spec', 'valuesFiles']);
    if (Array.isArray(cvf) && cvf.length) return 'files';
  } else if (release.engine === 'argocd') {
    // an overlay rendering whose patch could not be followed, or overlays not rendered at all
    if (release.overlay?.skipped || release.valuesUnknown) return 'any';
    let files = false;
    for (const s of argoSources(release)) {
      if (!isObject(s) || !isObject(s['helm'])) continue;
      const h = s['helm'];
      // parameters are values the repository shows (layers of the release); only a name talium does not model
      // (`--set` list indexes `a[0]`, escaped dots `a\.b`) or a missing value may set something unseen
      if (Array.isArray(h['parameters']) && h['parameters'].some((p) => !modelledParameter(p))) return 'any';
      // (the chart's own values.yaml is its defaults: nothing unseen)
      if (Array.isArray(h['valueFiles']) && h['valueFiles'].filter((f) => !chartOwnValuesFile(f)).length > release.layers.filter((l) => argoFileLayer(release, l)).length) files = true;
    }
    if (files) return 'files';
  } else if (release.engine === 'helmfile') {
    if (rd.templated) return 'any';
    const entry = release.releasePath ? rd.get(release.releasePath) : undefined;
    if (isObject(entry)) {
      // `set`/`setString`, secrets and values templates are not modelled as layers, and rank above `values`
      for (const k of ['set', 'setString', 'setTemplate', 'secrets', 'valuesTemplate']) if (Array.isArray(entry[k]) && entry[k].length) return 'any';
      if (entry['inherit'] !== undefined) return 'any';
      // a values file the repository does not show (a .gotmpl, a path outside it) may come after the inline values
      const vals = entry['values'];
      if (Array.isArray(vals) && vals.filter((v) => typeof v === 'string').length > fileLayerCount(release)) return 'any';
    }
  }
  if (release.engine === 'kustomize') {
    const entry = release.releasePath ? rd.get(release.releasePath) : undefined;
    if (isObject(entry)) {
      // a values file the repository does not show: a URL, outside it, or not found
      const dir = rd.file.path.includes('/') ? rd.file.path.slice(0, rd.file.path.lastIndexOf('/')) : '';
      const read = new Set(release.layers.filter((l) => l.doc !== rd).map((l) => l.doc.file.path));
      const unseen = (f: unknown): boolean => {
        if (typeof f !== 'string') return false;
        const p = /^[a-z][a-z0-9+.-]*:\/\//i.test(f) ? undefined : normalizePath(f.startsWith('/') ? f : dir ? `${dir}/${f}` : f);
        return p === undefined || !read.has(p);
      };
      // additional values files come after the valuesFile and the inline values (helm template -f)
      const extra = entry['additionalValuesFiles'];
      if (Array.isArray(extra) && extra.some(unseen)) return 'any';
      // the valuesFile ranks below valuesInline (valuesMerge override, the default), above it with merge, and is
      // not read with replace
      const merge = entry['valuesMerge'];
      if (merge !== 'replace' && unseen(entry['valuesFile'])) return merge === 'merge' || entry['valuesInline'] === undefined ? 'any' : 'files';
    }
  }
  if (release.engine === 'talos') {
    // `cilium install --values FILE` in the install job: a file the plan does not read
    // (an argument list, or the text of a Talos inline manifest holding the Job)
    const argv = rd.get(release.releasePath ?? []);
    if (Array.isArray(argv) && argv.some((w) => typeof w === 'string' && /^(--values|-f)(=|$)/.test(w))) return 'any';
    if (typeof argv === 'string' && /(^|[\s"',[])(--values|-f)([=\s"',\]]|$)/m.test(argv)) return 'any';
  }
  return undefined;
}

/**
 * A Flux Kustomization `ks` whose `spec.patches` may set values on the HelmRelease `rd`: the Kustomization applies
 * `rd`'s folder (its `spec.path`, relative to the repository root, contains `rd`'s file), and a patch targets it
 * (kind HelmRelease or unset, name unset or matching as Flux's regex does) or, without a target, names it
 * (`kind: HelmRelease`, `name: <rd>`); and the patch touches values.
 */
function patchesHelmRelease(ks: YamlDocument, rd: YamlDocument): boolean {
  const patches = ks.get(['spec', 'patches']);
  if (!Array.isArray(patches) || !rd.name) return false;
  const path = ks.get(['spec', 'path']);
  const dir = typeof path === 'string' ? normalizePath(path) : undefined;
  if (dir === undefined || (dir !== '' && !rd.file.path.startsWith(`${dir}/`))) return false;
  // a pattern not run (anchoredMatch) may match: the values stay unseen
  const matches = (re: unknown, value: string): boolean => (typeof re === 'string' ? (anchoredMatch(re, value) ?? true) : true);
  return patches.some((p) => {
    if (!isObject(p)) return false;
    const text = typeof p['patch'] === 'string' ? p['patch'] : '';
    if (!/values/.test(text)) return false;
    const t = p['target'];
    // kustomize selector fields are anchored regular expressions (`kind: Helm.*` selects HelmReleases)
    if (isObject(t)) return matches(t['kind'], 'HelmRelease') && matches(t['name'], rd.name!);
    return /kind:\s*["']?HelmRelease/.test(text) && new RegExp(`name:\\s*["']?${rd.name!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*$`, 'm').test(text);
  });
}

/** How many values files of a release resolved to files of the repository (layers outside the release document). */
function fileLayerCount(release: CiliumRelease): number {
  const rd = release.releaseDoc ?? release.doc;
  return new Set(release.layers.filter((l) => l.doc !== rd).map((l) => l.doc.file.path)).size;
}

/** The value names an Argo CD release sets from files (`helm.fileParameters[].name`), which the plan does not read. */
function fileParameterNames(release: CiliumRelease): string[] {
  if (release.engine !== 'argocd') return [];
  const out: string[] = [];
  for (const s of argoSources(release)) {
    const fp = isObject(s) && isObject(s['helm']) ? s['helm']['fileParameters'] : undefined;
    if (Array.isArray(fp)) for (const p of fp) if (isObject(p) && typeof p['name'] === 'string') out.push(p['name']);
  }
  return out;
}

/**
 * Drop repeated findings: two releases that share a values layer (a helmfile bootstrap and the Flux release
 * reading the same values.yaml) would otherwise report the same key twice. `ignoreData`: data that differs per
 * release (its target version) and does not make the finding another one.
 */
export function dedupe<T extends { doc: YamlDocument; path: Path; range?: Range; messageId: string; data?: Record<string, unknown> }>(list: T[], ignoreData: readonly string[] = []): T[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const data = Object.fromEntries(Object.entries(f.data ?? {}).filter(([k]) => !ignoreData.includes(k)));
    const at = f.range ? `${f.range.start.line}:${f.range.start.column}` : '';
    const k = `${f.doc.file.path}#${f.doc.index}#${f.path.join('\u0000')}#${at}#${f.messageId}#${JSON.stringify(data)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Values keys to read on a release: the same for every release, or as each release's chart reads them (by version). */
export type ReleaseKeys = ReadonlyArray<readonly string[]> | ((r: CiliumRelease) => ReadonlyArray<readonly string[]>);

/** The keys `keys` names for `release`. */
function keysOf(keys: ReleaseKeys, release: CiliumRelease): ReadonlyArray<readonly string[]> {
  return typeof keys === 'function' ? keys(release) : keys;
}

/**
 * A values source the repository does not show may set `key` on the release: an Argo CD file parameter naming it
 * (`fileParameters`, `--set-file`), a source ranking above the layer that sets it, or, when no layer sets it, any
 * unseen source.
 */
export function unseenMaySet(release: CiliumRelease, key: readonly string[], docs: readonly YamlDocument[]): boolean {
  const dotted = key.join('.');
  if (fileParameterNames(release).some((n) => n === dotted || n.startsWith(`${dotted}.`) || dotted.startsWith(`${n}.`))) return true;
  const layer = layerSetting(release, key);
  return layer ? overridable(release, layer, docs) : incomplete(release, docs);
}

/**
 * The releases whose values the running Cilium has: the Flux / Argo CD releases when the group has any (the GitOps
 * engine upgrades the same Helm release with its own values), unless a Flux release keeps the installed values
 * (`upgrade.preserveValues`); otherwise every release (bootstrap installs, loose values files). A base the group
 * deploys only through an overlay rendering is that rendering, not a release of its own.
 */
export function governingReleases(cluster: ClusterGroup): readonly CiliumRelease[] {
  const bases = new Set(releases(cluster).map((r) => r.overlay?.base));
  const all = releases(cluster).filter((r) => !bases.has(r));
  const gitops = all.filter((r) => r.purpose === 'gitops');
  const preserved = gitops.some((r) => (r.releaseDoc ?? r.doc).get(['spec', 'upgrade', 'preserveValues']) === true);
  return gitops.length && !preserved ? gitops : all;
}

/**
 * A default-off feature judged across the group's Cilium releases: undefined unless every release that governs
 * the running configuration leaves it off, each for a reason the repository shows. Bootstrap installs and loose
 * values files are judged only when the group has no Flux / Argo CD release (the GitOps engine upgrades the same
 * Helm release with its own values), or when a Flux release keeps the installed values (`upgrade.preserveValues`).
 * A release is off when its effective value is off (not on, not templated) and, for every switch in `keys`
 * (several when any of them turns the feature on) and every value in `shownKeys`, a layer no unseen values source
 * can override sets it, or no layer sets it and the release's values are complete. `shownKeys`: other values that
 * may turn the feature on but whose off setting is not the feature turned off (another feature's switch, a
 * value set to its default, such as `loadBalancer.l7.backend: disabled` for Envoy configs); they are only checked
 * for being shown. `explicit`: the places that set a switch in `keys` (each once).
 */
export function offInEveryRelease(
  cluster: ClusterGroup,
  on: (r: CiliumRelease) => boolean | undefined,
  keys: ReleaseKeys,
  shownKeys: ReleaseKeys = [],
): { explicit: Place[] } | undefined {
  const rels = governingReleases(cluster);
  if (!rels.length) return undefined;
  const explicit = new Map<string, Place>();
  for (const r of rels) {
    if (on(r) !== false) return undefined; // on, or unknowable
    const switches = keysOf(keys, r);
    if ([...switches, ...keysOf(shownKeys, r)].some((k) => unseenMaySet(r, k, cluster.docs))) return undefined;
    for (const k of switches) {
      if (!layerSetting(r, k)) continue;
      const p = placeOf(r, k);
      explicit.set(placeKey(p), p);
    }
  }
  return { explicit: [...explicit.values()] };
}
