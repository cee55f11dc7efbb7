/**
 * The names the bjw-s app-template chart (bjw-s common library) gives the Services it renders from `service.<id>`,
 * as Kubernetes will see them; undefined wherever the values or the chart version leave the name open. Pure; owns
 * only the naming rules (sources below), not where a release's values come from (plan/helm-services.ts).
 *
 * - Release name: Flux HelmRelease `spec.releaseName`, else `[<targetNamespace>-]<metadata.name>` (helm-controller
 *   shortens one over 53 characters with a hash: unknown here); Argo CD `helm.releaseName`, else the Application's
 *   name; kustomize helmCharts `releaseName` (without it, a generated name: unknown).
 * - fullname (common `chart.names.fullname`): `global.fullnameOverride` or `fullnameOverride`; else the release name
 *   when it contains the chart name, which app-template sets to `global.nameOverride` or, unset, the release name
 *   (templates/common.yaml hardcodedValues); else `<release>-<name>`. At most 63 characters, no trailing `-`.
 * - app-template 4.x and later (common 4.0.0 "standardized resource name logic", determineResourceNameFromValues):
 *   `forceRename` wins; else `<prefix>-` before the fullname (unless equal), `-<id>` after it when more than one
 *   Service is enabled or `global.alwaysAppendIdentifierToResourceName` (unless it already ends so or is the id),
 *   then `-<suffix>` (unless it already ends so); lower-cased. `nameOverride` and `primary` play no part.
 * - app-template 3.x (common 3.x service valuesToObject): `<fullname>-<nameOverride>` with a service
 *   `nameOverride`; else `<fullname>-<id>` for a non-`primary` Service when more than one is enabled; else fullname.
 * - Version unknown (or older than 3): the name both rules agree on, else unknown.
 * Sources: bjw-s-labs/helm-charts charts/library/common templates/lib/chart/_names.tpl,
 * lib/common/_determineResourceNameFromValues.tpl (4.x), lib/service/_valuesToObject.tpl (3.x), Chart.yaml 4.0.0
 * changes; charts/other/app-template/templates/common.yaml; fluxcd/helm-controller api/v2 GetReleaseName.
 */
import { isObj } from './util.js';

const templated = (s: string): boolean => /\$\{|\{\{/.test(s);

/** A plain string value (not templated), or undefined. */
function plain(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' && !templated(v) ? v : undefined;
}

/** Helm's `trunc 63 | trimSuffix "-"`. */
const trunc63 = (s: string): string => s.slice(0, 63).replace(/-$/, '');

/**
 * The chart's major version when the version, tag or range as written fixes it (`4.6.2`, `v3.7.3`, `^4.1`, `~3.7`,
 * `4.x`, `>=4.0.0 <5.0.0`); undefined for a range that spans majors (`>=3.0.0`, `3.7 - 4.2`, `4.x || 3.x`), where
 * Helm and Flux install the newest match.
 */
export function chartMajor(v: unknown): number | undefined {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  // one version, a caret or tilde range, or an X-range: the major is fixed
  const one = /^(?:=|\^|~)?\s*v?(\d+)(?:\.(?:\d+|[xX*])(?:\.(?:\d+|[xX*]))?(?:[-+][0-9A-Za-z.+-]*)?)?$/.exec(s);
  if (one) return Number(one[1]);
  // `>=X.y.z <X.w` or `>=X.y.z <X+1[.0.0]`: nothing that could reach another major
  const span = /^>=?\s*v?(\d+)(?:\.\d+){0,2}\s*,?\s*(<=?)\s*v?(\d+)((?:\.\d+){0,2})$/.exec(s);
  if (span) {
    const [low, high] = [Number(span[1]), Number(span[3])];
    if (high === low || (high === low + 1 && span[2] === '<' && /^(\.0)*$/.test(span[4]!))) return low;
  }
  return undefined;
}

/** The release's fullname (common `chart.names.fullname` under app-template's hardcoded `global.nameOverride`). */
export function appTemplateFullname(release: string, values: Record<string, unknown>): string | undefined {
  const global = isObj(values['global']) ? values['global'] : {};
  for (const v of [global['fullnameOverride'], values['fullnameOverride']]) {
    if (v === undefined || v === null || v === '') continue;
    const s = plain(v);
    return s === undefined ? undefined : trunc63(s);
  }
  const nameRaw = global['nameOverride'];
  const name = nameRaw === undefined || nameRaw === null || nameRaw === '' ? release : plain(nameRaw);
  if (name === undefined) return undefined;
  const n = trunc63(name);
  return trunc63(release.includes(n) ? release : `${release}-${n}`);
}

/** How many Services the chart enables: at least `min`, at most `max` (a templated `enabled` may be either). */
export interface ServiceCount {
  min: number;
  max: number;
}

export function enabledServiceCount(service: Record<string, unknown>): ServiceCount {
  let min = 0;
  let max = 0;
  for (const v of Object.values(service)) {
    if (!isObj(v)) continue;
    const e = v['enabled'];
    if (e === undefined || e === true) {
      min++;
      max++;
    } else if (e !== false && e !== null && e !== '' && e !== 0) max++;
  }
  return { min, max };
}

/** More than one Service enabled: true, false, or undefined when a templated switch decides. */
const several = (c: ServiceCount): boolean | undefined => (c.min > 1 ? true : c.max <= 1 ? false : undefined);

/** 4.x and later (determineResourceNameFromValues). */
function nameV4(fullname: string, id: string, svc: Record<string, unknown>, count: ServiceCount, values: Record<string, unknown>): string | undefined {
  const force = svc['forceRename'];
  if (force !== undefined && force !== null && force !== '') {
    const s = plain(force);
    return s?.toLowerCase();
  }
  let name = fullname;
  const prefix = svc['prefix'];
  if (prefix !== undefined && prefix !== null && prefix !== '') {
    const p = plain(prefix);
    if (p === undefined) return undefined;
    if (p !== name) name = `${p}-${name}`;
  }
  const global = isObj(values['global']) ? values['global'] : {};
  const always = global['alwaysAppendIdentifierToResourceName'];
  const append = always === true ? true : always !== undefined && always !== false && always !== null ? undefined : several(count);
  if (append === undefined) return undefined;
  if (append && !name.endsWith(`-${id}`) && id !== name) name = `${name}-${id}`;
  const suffix = svc['suffix'];
  if (suffix !== undefined && suffix !== null && suffix !== '') {
    const x = plain(suffix);
    if (x === undefined) return undefined;
    if (!name.endsWith(`-${x}`)) name = `${name}-${x}`;
  }
  return name.toLowerCase();
}

/** 3.x (the service valuesToObject of common 3.x). */
function nameV3(fullname: string, id: string, svc: Record<string, unknown>, count: ServiceCount): string | undefined {
  const override = svc['nameOverride'];
  if (override !== undefined && override !== null && override !== '') {
    const o = plain(override);
    return o === undefined ? undefined : `${fullname}-${o}`;
  }
  const primary = svc['primary'];
  if (primary === true) return fullname;
  if (primary !== undefined && primary !== false && primary !== null) return undefined;
  const s = several(count);
  return s === undefined ? undefined : s ? `${fullname}-${id}` : fullname;
}

/**
 * The name of Service `service.<id>` (`svc`: its values) of an app-template release named `release` with `values`,
 * for chart major version `major` (undefined: unknown). Undefined when the name is not certain.
 */
export function appTemplateServiceName(release: string | undefined, values: Record<string, unknown>, id: string, svc: Record<string, unknown>, major: number | undefined): string | undefined {
  if (release === undefined || templated(release)) return undefined;
  const fullname = appTemplateFullname(release, values);
  if (fullname === undefined) return undefined;
  const service = isObj(values['service']) ? values['service'] : {};
  const count = enabledServiceCount(service);
  if (major !== undefined && major >= 4) return nameV4(fullname, id, svc, count, values);
  if (major === 3) return nameV3(fullname, id, svc, count);
  const a = nameV4(fullname, id, svc, count, values);
  return a !== undefined && a === nameV3(fullname, id, svc, count) ? a : undefined;
}
