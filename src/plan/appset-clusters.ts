/**
 * The clusters an Argo CD ApplicationSet `clusters` generator sees, as far as the repository tells them: the
 * in-cluster one (`in-cluster`, https://kubernetes.default.svc), which Argo CD always knows, and the cluster Secrets
 * (label `argocd.argoproj.io/secret-type: cluster`) the repository holds; with the generator's parameter sets. Owns
 * that question only (plan/appset-generators.ts renders the sets).
 *
 * Source: argo-cd applicationset/generators/cluster.go (GenerateParams, getClusterParameters: `name`,
 * `nameNormalized`, `server`, `project`, `metadata.labels.<key>` / `metadata.annotations.<key>`, or a `metadata` map
 * with goTemplate; the in-cluster set unless a selector is set or a Secret holds https://kubernetes.default.svc:
 * applicationset/utils/clusterUtils.go SecretsContainInClusterCredentials) and applicationset/utils SanitizeName.
 * Clusters added with `argocd cluster add` are Secrets the repository does not show: talium assumes a repository that
 * holds none has none, as a home lab managing its own cluster does.
 */
import type { YamlDocument } from '../core/document.js';
import { GO_TYPED, labelSelector } from './appset-selector.js';
import { ownTemplated } from './templated.js';
import { isObj, TEMPLATED } from './util.js';

const SECRET_TYPE = 'argocd.argoproj.io/secret-type';
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
export const IN_CLUSTER_NAME = 'in-cluster';

/** An Argo CD cluster Secret of the repository: its decoded `name`, `server`, `project` and its metadata. */
export interface ClusterSecret {
  name: string;
  server: string;
  project: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Argo CD's utils.SanitizeName: lower case, each character but `[-a-z0-9.]` a `-`, at most 253, `-` and `.` trimmed at both ends. */
export function sanitizeName(name: string): string {
  return name.toLowerCase().replace(/[^-a-z0-9.]/g, '-').slice(0, 253).replace(/^[-.]+|[-.]+$/g, '');
}

/** A string map (labels, annotations), undefined when a value is not a plain string. */
function stringMap(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) return undefined;
  for (const x of Object.values(v)) if (typeof x !== 'string' || TEMPLATED.test(x)) return undefined;
  return v as Record<string, string>;
}

/** Base64 as Kubernetes decodes `data` values; undefined when not valid base64 or not UTF-8 text. */
function decode(v: string): string | undefined {
  const s = v.replace(/\s+/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  const text = Buffer.from(s, 'base64').toString('utf8');
  return text.includes('\uFFFD') ? undefined : text;
}

/**
 * A Secret field as the API server stores it (`stringData` written over `data`); '' when absent, as Go reads a
 * missing key; undefined when not known (encrypted by SOPS, templated, not a string, not base64).
 */
function field(d: YamlDocument, key: string): string | undefined | null {
  const sd = d.get(['stringData', key]);
  const raw = sd !== undefined ? sd : d.get(['data', key]);
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') return undefined;
  const v = sd !== undefined ? raw : decode(raw);
  if (v === undefined || /^ENC\[/.test(v) || TEMPLATED.test(v)) return undefined;
  return v;
}

const MEMO = new WeakMap<ReadonlyMap<string, readonly YamlDocument[]>, readonly ClusterSecret[] | undefined>();

/**
 * The repository's Argo CD cluster Secrets; undefined when talium cannot know them: a cluster Secret whose name or
 * server it cannot read (SOPS, templated), one another object makes (an ExternalSecret, SealedSecret or kustomize
 * generator carrying the label, the argo-cd Helm chart's `configs.clusterCredentials`), or an argo-cd setting
 * `cluster.inClusterEnabled` (whether the in-cluster one is listed then depends on the Argo CD version).
 */
export function clusterSecrets(byFile: ReadonlyMap<string, readonly YamlDocument[]>): readonly ClusterSecret[] | undefined {
  if (MEMO.has(byFile)) return MEMO.get(byFile);
  let out: ClusterSecret[] | undefined = [];
  for (const docs of byFile.values()) {
    const text = docs[0]?.file.text ?? '';
    if (!text.includes(SECRET_TYPE) && !text.includes('clusterCredentials') && !text.includes('inClusterEnabled')) continue;
    if (text.includes('clusterCredentials') || text.includes('inClusterEnabled')) {
      out = undefined;
      break;
    }
    for (const d of docs) {
      // an Application or ApplicationSet may name the label (a selector); anything else naming it makes such a Secret
      if (d.group === 'argoproj.io' || !JSON.stringify(d.value ?? null).includes(`"${SECRET_TYPE}":"cluster"`)) continue;
      const labels = stringMap(d.get(['metadata', 'labels']));
      const plain = d.kind === 'Secret' && d.group === '' && !ownTemplated(d) && d.get(['sops']) === undefined;
      if (plain && labels && labels[SECRET_TYPE] !== 'cluster') continue;
      const annotations = stringMap(d.get(['metadata', 'annotations']));
      const name = plain ? field(d, 'name') : undefined;
      const server = plain ? field(d, 'server') : undefined;
      const project = plain ? field(d, 'project') : undefined;
      if (!labels || !annotations || name === undefined || server === undefined || project === undefined) {
        out = undefined;
        break;
      }
      out.push({ name: name ?? '', server: server ?? '', project: project ?? undefined, labels, annotations });
    }
    if (!out) break;
  }
  MEMO.set(byFile, out);
  return out;
}

/**
 * The parameter sets of a `clusters` generator body (`selector`, `values` are the caller's: `values` is rendered
 * with each set); undefined when not known (the clusters are not known, `flatList`, a field talium does not read, a
 * selector that is invalid or names a cluster name twice, which Argo CD resolves by listing order).
 */
export function clusterSets(body: Record<string, unknown>, go: boolean, clusters: readonly ClusterSecret[] | undefined): Array<Record<string, unknown>> | undefined {
  if (!clusters) return undefined;
  for (const k of Object.keys(body)) if (!['selector', 'values', 'template', 'flatList'].includes(k)) return undefined;
  if (body['flatList'] !== undefined && body['flatList'] !== false) return undefined;
  const raw = body['selector'] ?? {};
  const sel = labelSelector(raw);
  if (!sel) return undefined;
  // a non-empty selector leaves the in-cluster one out (it has no Secret, hence no labels)
  const selected = isObj(raw) && ((isObj(raw['matchLabels']) && Object.keys(raw['matchLabels']).length > 0) || (Array.isArray(raw['matchExpressions']) && raw['matchExpressions'].length > 0));
  const matching = clusters.filter((c) => sel.test(new Map(Object.entries(c.labels))));
  // getSecretsByClusterName keys the Secrets by name: one of two of a name is left out, which one depends on the listing
  if (new Set(matching.map((c) => c.name)).size !== matching.length) return undefined;
  const out: Array<Record<string, unknown>> = [];
  if (!selected && !matching.some((c) => c.server === IN_CLUSTER_SERVER)) {
    out.push({ name: IN_CLUSTER_NAME, nameNormalized: IN_CLUSTER_NAME, server: IN_CLUSTER_SERVER, project: '' });
  }
  for (const c of [...matching].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const set: Record<string, unknown> = { name: c.name, nameNormalized: sanitizeName(c.name), server: c.server, project: c.project ?? '' };
    if (go) {
      const meta: Record<string, unknown> = {};
      if (Object.keys(c.annotations).length) meta['annotations'] = typed({ ...c.annotations });
      if (Object.keys(c.labels).length) meta['labels'] = typed({ ...c.labels });
      set['metadata'] = meta;
    } else {
      for (const [k, v] of Object.entries(c.annotations)) set[`metadata.annotations.${k}`] = v;
      for (const [k, v] of Object.entries(c.labels)) set[`metadata.labels.${k}`] = v;
    }
    out.push(set);
  }
  return out;
}

/** `o`, marked as a Go `map[string]string` (appset-selector.ts GO_TYPED). */
function typed<T extends object>(o: T): T {
  GO_TYPED.add(o);
  return o;
}
