/** k8s/plaintext-secret: Kubernetes Secrets and Talos secrets committed without encryption. */
import type { Path, YamlDocument } from '../../core/document.js';
import { isSopsDocument } from '../../core/sops.js';
import { defineRule, type RuleFinding } from '../types.js';
import { docsOf, type DocSelection } from '../../core/kind-index.js';

/** The documents the rule reads (the check's first test keeps only these). */
const SECRET_HOLDERS: DocSelection = { kinds: ['Secret'], noApiVersion: true, classes: ['talos-config'] };

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Values that are references or encrypted, not secrets: SOPS, Flux/talhelper `${VAR}`, 1Password, AVP, vals, templates. */
const NOT_A_SECRET = /^\s*$|^ENC\[|\$\{[^}]*\}|^op:\/\/|<path:|^ref\+|\{\{|^vault:|^\(\(.*\)\)$/;

/** Talos machine-config paths that hold key material. */
const TALOS_SECRET_PATHS: Path[] = [
  ['machine', 'token'], ['machine', 'ca', 'key'], ['cluster', 'secret'], ['cluster', 'token'], ['cluster', 'ca', 'key'],
  ['cluster', 'aggregatorCA', 'key'], ['cluster', 'serviceAccount', 'key'], ['cluster', 'etcd', 'ca', 'key'],
  ['cluster', 'secretboxEncryptionSecret'], ['cluster', 'aescbcEncryptionSecret'],
];
/** Talos secrets bundle (`talosctl gen secrets`, talhelper talsecret.yaml) paths. */
const BUNDLE_SECRET_PATHS: Path[] = [
  ['cluster', 'secret'], ['secrets', 'bootstraptoken'], ['secrets', 'secretboxencryptionsecret'], ['secrets', 'aescbcencryptionsecret'], ['trustdinfo', 'token'],
  ['certs', 'etcd', 'key'], ['certs', 'k8s', 'key'], ['certs', 'k8saggregator', 'key'], ['certs', 'k8sserviceaccount', 'key'], ['certs', 'os', 'key'],
];

/** Keys that hold no secret material (Argo CD repository/cluster secrets: url, type, name, project, ...). */
const BENIGN_KEYS = new Set(['url', 'type', 'name', 'project', 'enableOCI', 'insecure', 'enableLfs', 'proxy', 'noProxy', 'server', 'namespace', 'namespaces', 'clusterResources', 'username', 'forceHttpBasicAuth', 'githubAppEnterpriseBaseUrl', 'host', 'port', 'user', 'database', 'email']);

const SECRET = (data: string): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\n${data}`;

function sopsEncrypted(doc: YamlDocument): boolean {
  return isSopsDocument(doc.value);
}

/**
 * Which keys a SOPS file says are encrypted (its `sops:` creation rules, stored in the file): every value unless
 * `encrypted_regex` / `encrypted_suffix` narrow it or `unencrypted_regex` / `unencrypted_suffix` (default
 * `_unencrypted`) exempt it; a rule matching any key on the path covers the value. Undefined when unreadable.
 */
function sopsCovers(doc: YamlDocument): ((path: string[]) => boolean) | undefined {
  const meta = doc.get(['sops']) as Record<string, unknown>;
  const re = (k: string): RegExp | null | undefined => {
    const v = meta[k];
    if (typeof v !== 'string' || !v) return null;
    try {
      return new RegExp(v);
    } catch {
      return undefined;
    }
  };
  const enc = re('encrypted_regex');
  const unenc = re('unencrypted_regex');
  if (enc === undefined || unenc === undefined) return undefined;
  const encSuffix = typeof meta['encrypted_suffix'] === 'string' ? meta['encrypted_suffix'] : '';
  const unencSuffix = typeof meta['unencrypted_suffix'] === 'string' ? meta['unencrypted_suffix'] : '_unencrypted';
  return (path) => {
    if (enc) return path.some((k) => enc.test(k));
    if (encSuffix) return path.some((k) => k.endsWith(encSuffix));
    if (unenc) return !path.some((k) => unenc.test(k));
    return !path.some((k) => k.endsWith(unencSuffix));
  };
}

export default defineRule({
  meta: {
    id: 'k8s/plaintext-secret',
    description: 'A Secret or Talos secret is committed in plain text.',
    severity: 'error',
    messages: {
      secret: 'Secret "{{name}}" holds {{field}} in plain text.',
      sopsPlain: 'Secret "{{name}}" is SOPS-encrypted but {{field}} is plain text although the file\'s own SOPS rules encrypt it (edited after encryption?).',
      talos: 'Talos {{what}} holds {{field}} in plain text.',
    },
    help: 'Encrypt the file with SOPS (or use SealedSecrets / External Secrets / 1Password references) and rotate the exposed secret.',
    docs: {
      what: 'Finds `kind: Secret` objects with `data`/`stringData` values that are not SOPS-encrypted, and Talos machine configs or secrets bundles with key material (`machine.token`, `cluster.secret`, CA keys, encryption secrets). Values that are references (`${VAR}`, `op://`, `<path:...>`, `ref+...`), templates or SOPS `ENC[...]` are not secrets, and neither are plainly descriptive keys (`url`, `type`, `name`, `project`, `username`, `host`, ... as in Argo CD repository secrets).',
      why: 'Anything committed to Git is effectively public forever (forks, clones, CI logs); Talos keys give full control of the nodes and the cluster.',
      fix: 'Encrypt with `sops --encrypt --in-place` (Flux decrypts it), or replace the object with an ExternalSecret/SealedSecret; rotate what leaked.',
      sources: ['https://fluxcd.io/flux/guides/mozilla-sops/', 'https://github.com/budimanjojo/talhelper'],
    },
    examples: {
      valid: [
        { files: { 'secret.yaml': SECRET('stringData:\n  password: ENC[AES256_GCM,data:abc=,iv:x=,tag:y=,type:str]\nsops:\n  version: 3.9.0\n') } },
        { files: { 'secret.yaml': SECRET('stringData:\n  password: ${DB_PASSWORD}\n') } },
      ],
      invalid: [
        { files: { 'secret.yaml': SECRET('stringData:\n  password: hunter2\n') } },
        { files: { 'secret.yaml': SECRET('stringData:\n  token: ENC[AES256_GCM,data:abc=,iv:x=,tag:y=,type:str]\n  password: hunter2\nsops:\n  encrypted_regex: ^(data|stringData)$\n  version: 3.9.0\n') }, note: 'edited after encryption' },
        { files: { 'talos/controlplane.yaml': 'version: v1alpha1\nmachine:\n  type: controlplane\n  token: 2dn1xq.3pplaaa2xl5ahdzu\n' } },
      ],
    },
  },
  check({ cluster }) {
    const out: RuleFinding[] = [];
    // only Secrets, Talos machine configs and secrets bundles (no apiVersion) can hold what this rule looks for: those
    // documents alone (kind index), not every document
    for (const d of docsOf(cluster.docs, SECRET_HOLDERS)) {
      if (d.kind !== 'Secret' && d.apiVersion !== undefined && d.docClass !== 'talos-config') continue;
      if (sopsEncrypted(d)) {
        const covers = d.kind === 'Secret' ? sopsCovers(d) : undefined;
        if (!covers) continue;
        for (const field of ['stringData', 'data'] as const) {
          const m = d.get([field]);
          if (!isObj(m)) continue;
          const key = Object.keys(m).find((k) => typeof m[k] === 'string' && !NOT_A_SECRET.test(m[k] as string) && covers([field, k]));
          if (key !== undefined) {
            out.push({ doc: d, path: [field, key], key: true, messageId: 'sopsPlain', data: { name: d.name ?? '', field: `${field}.${key}` } });
            break;
          }
        }
        continue;
      }
      if (d.kind === 'Secret' && d.apiVersion === 'v1') {
        for (const field of ['stringData', 'data'] as const) {
          const m = d.get([field]);
          if (!isObj(m)) continue;
          const key = Object.keys(m).find((k) => {
            if (BENIGN_KEYS.has(k)) return false;
            const v = m[k];
            return (typeof v === 'string' && !NOT_A_SECRET.test(v)) || typeof v === 'number';
          });
          if (key !== undefined) {
            out.push({ doc: d, path: [field, key], key: true, messageId: 'secret', data: { name: d.name ?? '', field: `${field}.${key}` } });
            break;
          }
        }
        continue;
      }
      const bundle = !d.apiVersion && isObj(d.get(['certs'])) && (isObj(d.get(['secrets'])) || isObj(d.get(['trustdinfo'])));
      if (d.docClass !== 'talos-config' && !bundle) continue;
      for (const p of bundle ? BUNDLE_SECRET_PATHS : TALOS_SECRET_PATHS) {
        const v = d.get(p);
        if (typeof v !== 'string' || NOT_A_SECRET.test(v)) continue;
        out.push({ doc: d, path: p, messageId: 'talos', data: { what: bundle ? 'secrets bundle' : 'machine config', field: p.join('.') } });
        break;
      }
    }
    return out;
  },
});
