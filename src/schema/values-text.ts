/**
 * Cilium Helm values written as YAML text inside a string, checked against the Cilium values schema like inline
 * values: an Argo CD Application(Set) `helm.values: |` of the `cilium` chart (per document, validate.ts), and the
 * ConfigMap/Secret values file a Flux HelmRelease of the `cilium` chart takes through `spec.valuesFrom` (needs the
 * cluster group, so the engine runs it outside the cached per-file checks: lint/engine.ts).
 *
 * Findings carry the rule ids and data the same values get inline, placed at the key/value inside a literal
 * block scalar (`|`), else at the string itself. The text is read as Helm reads it (sigs.k8s.io/yaml, YAML 1.1):
 * a plain `yes`/`off` is a boolean, so in a string field it is a `schema/yaml11-boolean` error and in a boolean
 * field the `schema/yaml11-boolean` warning a values file gets (helmValuesBoolean: YAML 1.2 tools read a string). Text that does not parse is skipped (gitops/argocd-helm-values-yaml reports Argo CD's;
 * nothing is double-reported), as is Go-templated text and SOPS-encrypted Secrets.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { get, type Path, type YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import { isSopsDocument, isSopsValue } from '../core/sops.js';
import { parseValuesText } from '../lint/parse.js';
import { argoSourcePaths, isObj } from '../plan/util.js';
import { pathText, unknownFieldHelp, type RawIssue } from './errors.js';
import { replaceAt, yaml11Candidates } from './yaml11.js';

/** A schema check of a values mapping (Helm nulls already dropped by the caller's check). */
export type ValuesCheck = (value: unknown) => RawIssue[];

/** A Flux HelmRelease of the `cilium` chart (the test ciliumValuesPaths uses for its inline `spec.values`). */
export function isCiliumFluxRelease(doc: YamlDocument): boolean {
  if (doc.kind !== 'HelmRelease' || doc.group !== 'helm.toolkit.fluxcd.io') return false;
  const spec = get(doc.parsed, ['spec']);
  if (!isObj(spec)) return false;
  const ref = spec['chartRef'];
  return get(spec, ['chart', 'spec', 'chart']) === 'cilium' || (isObj(ref) && ref['name'] === 'cilium');
}

/**
 * Argo CD `helm.values` strings of `cilium` chart sources (Application or ApplicationSet template) that Argo CD
 * reads: not when the same source sets `valuesObject` (Argo CD then ignores the string).
 */
export function ciliumValuesTextPaths(doc: YamlDocument): Path[] {
  if ((doc.kind !== 'Application' && doc.kind !== 'ApplicationSet') || doc.group !== 'argoproj.io') return [];
  const out: Path[] = [];
  for (const sp of argoSourcePaths(doc)) {
    const src = get(doc.parsed, sp);
    if (!isObj(src) || src['chart'] !== 'cilium' || !isObj(src['helm'])) continue;
    if (isObj(src['helm']['valuesObject']) || typeof src['helm']['values'] !== 'string') continue;
    out.push([...sp, 'helm', 'values']);
  }
  return out;
}

/** A values file held in a ConfigMap/Secret key: where it is and its text. */
export interface ValuesTextPlace {
  doc: YamlDocument;
  path: Path;
  text: string;
}

/**
 * The ConfigMap/Secret values files the Flux HelmReleases of the `cilium` chart among `docs` take through
 * `spec.valuesFrom`, looked up among `docs` (one cluster group) by kind and name, in the release's namespace when
 * both say one. Each place once, however many releases reference it.
 */
export function valuesFromTexts(docs: readonly YamlDocument[]): ValuesTextPlace[] {
  const out: ValuesTextPlace[] = [];
  const seen = new Set<string>();
  let byName: Map<string, YamlDocument[]> | undefined;
  for (const hr of docs) {
    if (!isCiliumFluxRelease(hr)) continue;
    const refs = get(hr.parsed, ['spec', 'valuesFrom']);
    if (!Array.isArray(refs)) continue;
    for (const ref of refs) {
      if (!isObj(ref) || (ref['kind'] !== 'ConfigMap' && ref['kind'] !== 'Secret') || typeof ref['name'] !== 'string') continue;
      const key = typeof ref['valuesKey'] === 'string' ? ref['valuesKey'] : 'values.yaml';
      // targetPath puts the key's value at one values path: not a values file
      if (ref['targetPath'] !== undefined) continue;
      if (!byName) {
        byName = new Map();
        for (const d of docs) {
          if ((d.kind !== 'ConfigMap' && d.kind !== 'Secret') || d.apiVersion !== 'v1' || !d.name) continue;
          const k = `${d.kind}/${d.name}`;
          const l = byName.get(k);
          if (l) l.push(d);
          else byName.set(k, [d]);
        }
      }
      for (const d of byName.get(`${ref['kind']}/${ref['name']}`) ?? []) {
        if (hr.namespace && d.namespace && hr.namespace !== d.namespace) continue;
        const place = valuesText(d, key);
        if (!place) continue;
        const id = `${d.file.path}#${d.index}#${key}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(place);
      }
    }
  }
  return out;
}

/** The values text at `key` of a ConfigMap (`data`) or Secret (`stringData` wins over base64 `data`). */
function valuesText(d: YamlDocument, key: string): ValuesTextPlace | undefined {
  const v = d.parsed;
  if (d.kind === 'Secret') {
    if (isSopsDocument(v)) return undefined;
    const s = get(v, ['stringData', key]);
    if (typeof s === 'string') return { doc: d, path: ['stringData', key], text: s };
    const b = get(v, ['data', key]);
    if (typeof b !== 'string' || !/^[A-Za-z0-9+/=\s]*$/.test(b)) return undefined;
    return { doc: d, path: ['data', key], text: Buffer.from(b, 'base64').toString('utf8') };
  }
  const s = get(v, ['data', key]);
  return typeof s === 'string' ? { doc: d, path: ['data', key], text: s } : undefined;
}

function hasPlaceholder(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('${') || v.includes('{{'));
}

function valueAt(root: unknown, path: Path): unknown {
  return get(root, path);
}

/**
 * Schema findings of the Cilium values text `text`, the string at `path` of `doc` (`text` differs from the
 * string only for a Secret's base64 `data`). Nothing for Go-templated or unparsable text or text that is not a
 * mapping.
 */
export function checkValuesText(doc: YamlDocument, path: Path, text: string, check: ValuesCheck): Finding[] {
  if (text.includes('{{')) return [];
  // last key wins on duplicates, as the rules read it (a duplicate is gitops/argocd-helm-values-yaml's finding)
  const parsed = parseValuesText(text, { unique: false });
  if (!parsed.ok || !isObj(parsed.value)) return [];
  const written = parsed.value;
  // Helm reads the text with YAML 1.1: a plain yes/no/on/off is a boolean
  const words = yaml11Candidates(written);
  let plain: ((p: Path) => boolean) | undefined;
  let root: unknown = written;
  const asBool = new Map<string, { text: string; bool: boolean }>();
  if (words.length) {
    plain = plainScalars(text);
    for (const c of words) {
      if (!plain(c.path)) continue;
      root = replaceAt(root, c.path, c.bool);
      asBool.set(c.path.join('\0'), { text: c.text, bool: c.bool });
    }
  }
  const encoded = get(doc.parsed, path) !== text;
  const place = (inner: Path, key: boolean): Pick<Finding, 'doc' | 'path' | 'range' | 'key'> => {
    const range = encoded ? undefined : doc.locateInString(path, inner, key ? { key: true } : {});
    return range ? { doc, path, range } : { doc, path };
  };
  const sops = isSopsDocument(doc.parsed);
  const out: Finding[] = [];
  for (const i of check(root)) {
    const v = valueAt(written, i.path);
    if (i.ruleId !== 'schema/unknown-field' && i.ruleId !== 'schema/required' && hasPlaceholder(v)) continue;
    if (i.ruleId === 'schema/unknown-field' && hasPlaceholder(i.data['field'])) continue;
    if (sops && i.ruleId !== 'schema/unknown-field' && isSopsValue(v)) continue;
    const word = asBool.get(i.path.join('\0'));
    if (word !== undefined && i.ruleId === 'schema/type' && String(i.data['expected']).includes('string')) {
      out.push({
        ruleId: 'schema/yaml11-boolean',
        severity: 'error',
        ...place(i.path, false),
        message: `"${pathText(i.path)}" is written as unquoted ${word.text}, which Helm (YAML 1.1) reads as the boolean ${String(word.bool)}, but the field is a string.`,
        help: `Quote it: "${word.text}".`,
        data: { path: pathText(i.path), actual: word.text, readAs: word.bool, expected: 'string' },
      });
      continue;
    }
    const f: Finding = { ruleId: i.ruleId, severity: i.severity ?? 'error', message: i.message, help: i.help, data: i.data, ...place(i.path, i.key === true) };
    if (i.key) f.key = true;
    if (i.messageId) f.messageId = i.messageId;
    if (i.ruleId === 'schema/unknown-field') {
      if (!i.messageId) f.help = unknownFieldHelp(i.data['suggestion'] as string | undefined, 'helm');
      f.data = { ...i.data, consumer: 'helm' };
    }
    out.push(f);
  }
  if (asBool.size) pushBooleanWords(out, written, asBool, check, place);
  return out;
}

/**
 * A plain yes/no/on/off in a boolean field of the text: Helm reads the text as a values file (chartutil.ReadValues,
 * sigs.k8s.io/yaml, go-yaml v2), whoever hands it over: helm-controller reads a `valuesFrom` key with
 * chartutil.ReadValues, Argo CD's repo-server writes `helm.values` to a file it passes `helm template --values`. So
 * the chart gets the boolean, and it is the warning a values file gets (schema/yaml11-boolean, messageId
 * helmValuesBoolean), at the word inside the string. Fixable where the word is placed in the file (the `expect`
 * check keeps the rewrite to the word itself); `true` reads the same to every reader.
 */
function pushBooleanWords(
  out: Finding[],
  written: unknown,
  asBool: ReadonlyMap<string, { text: string; bool: boolean }>,
  check: ValuesCheck,
  place: (inner: Path, key: boolean) => Pick<Finding, 'doc' | 'path' | 'range' | 'key'>,
): void {
  for (const i of check(written)) {
    if (i.ruleId !== 'schema/type' || !String(i.data['expected']).split(/\W+/).includes('boolean')) continue;
    const word = asBool.get(i.path.join('\0'));
    if (!word) continue;
    const at = pathText(i.path);
    const f: Finding = {
      ruleId: 'schema/yaml11-boolean',
      severity: 'warning',
      ...place(i.path, false),
      message: `"${at}" is a boolean field written as unquoted ${word.text}: Helm reads values text as YAML 1.1 and gets ${String(word.bool)}, but YAML 1.2 tools (editors, yq, talium) read the string "${word.text}".`,
      help: `Write ${String(word.bool)}: every reader agrees on it.`,
      data: { path: at, actual: word.text, readAs: word.bool, expected: 'boolean' },
    };
    f.messageId = 'helmValuesBoolean';
    if (f.range) f.fix = { text: String(word.bool), expect: word.text };
    out.push(f);
  }
}

/** Whether the scalar at a path of `text`'s YAML is written plain (eemeli/yaml, parsed once on first use). */
function plainScalars(text: string): (p: Path) => boolean {
  let root: Node | null | undefined;
  return (p) => {
    if (root === undefined) {
      try {
        const d = parseDocument(text, { prettyErrors: false, uniqueKeys: false, logLevel: 'silent' });
        root = d.errors.length ? null : (d.contents as Node | null);
      } catch {
        root = null;
      }
    }
    let cur: unknown = root;
    for (const seg of p) {
      if (isMap(cur)) {
        let next: unknown;
        // the last pair of a repeated key is the one read
        for (const it of cur.items) if (isScalar(it.key) && String(it.key.value) === String(seg)) next = it.value;
        cur = next;
      } else if (isSeq(cur) && typeof seg === 'number') cur = cur.items[seg];
      else return false;
    }
    return isScalar(cur) && (cur.type === 'PLAIN' || cur.type === undefined);
  };
}
