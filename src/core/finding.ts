/**
 * Findings: what producers (rules, schema validation, spec checks) return before positions are resolved.
 * `toDiagnostic` is the one place a finding becomes a positioned Diagnostic.
 */
import type { Diagnostic, Range, Severity } from './diagnostic.js';
import { FILE_START } from './diagnostic.js';
import type { Path, YamlDocument } from './document.js';
import type { SourceFile } from './source.js';

/** A place: a document + path (resolved lazily), or a file + explicit range. */
export interface Place {
  doc?: YamlDocument;
  file?: SourceFile;
  path?: Path;
  /** Point at the key of `path` rather than its value. */
  key?: boolean;
  range?: Range;
}

/** A string naming one place (document, path, exact range) for deduplication. */
export function placeKey(p: Place): string {
  return `${p.doc?.file.path ?? p.file?.path ?? ''}#${p.doc?.index ?? ''}#${(p.path ?? []).join('\u0000')}#${p.key ? 'k' : ''}#${p.range ? `${p.range.start.line}:${p.range.start.column}` : ''}`;
}

/** A finding's correction: replace its own token (value, or key when `key` is set) by `text`, if it reads `expect`. */
export interface FindingFix {
  text: string;
  expect: string;
}

export interface Finding extends Place {
  /** The correction `--fix` applies (the token at the finding's place), when one is safe. */
  fix?: FindingFix;
  ruleId: string;
  messageId?: string;
  severity: Severity;
  message: string;
  help: string;
  data?: Record<string, string | number | boolean>;
  related?: Array<Place & { message: string }>;
  /** The finding told from the other party of a symmetric relation (RuleFinding.mirror), built on demand. */
  mirror?: () => Finding;
}

/** A fix's token still reads what the finding saw: `expect`, bare or quoted, on one line. */
export function tokenReads(token: string | undefined, expect: string): boolean {
  if (token === undefined || token.includes('\n')) return false;
  return token === expect || token === `"${expect}"` || token === `'${expect}'`;
}

export function resolvePlace(p: Place): { file: string; range: Range } {
  const file = p.doc?.file.path ?? p.file?.path ?? '';
  if (p.range) return { file, range: p.range };
  if (p.doc) return { file, range: p.path ? p.doc.locate(p.path, { key: p.key ?? false }) : p.doc.range() };
  return { file, range: FILE_START };
}

/** `outer` is `inner` or one of its ancestors. */
function within(outer: Path, inner: Path): boolean {
  if (outer.length > inner.length) return false;
  for (let i = 0; i < outer.length; i++) if (outer[i] !== inner[i]) return false;
  return true;
}

/**
 * Whether a substitution at `sub` is behind a finding at `at`: the finding's value is (inside) the substituted
 * value, or the finding is about a value whose direct fields were substituted (a pool block's `start`/`stop`). A
 * finding on a key (a missing setting reported at `values:`) is not about the values below it.
 */
function behind(sub: Path, at: Path, onKey: boolean): boolean {
  return within(sub, at) || (!onKey && within(at, sub) && sub.length - at.length <= 1);
}

/**
 * Where the Flux/talhelper variables behind a value are defined (a finding about a value that came from
 * `${LAN_CIDR}` points at the ConfigMap key too): at most `max`, one per variable.
 */
function substitutionRelated(place: Place, ruleId: string, max: number): Array<{ file: string; range: Range; message: string }> {
  const subs = place.doc?.substitutions;
  // schemas validate the value as written (placeholders kept); a whole-document place names no value
  if (!subs?.length || !place.path?.length || ruleId.startsWith('schema/')) return [];
  const out: Array<{ file: string; range: Range; message: string }> = [];
  const seen = new Set<string>();
  for (const s of subs) {
    if (!s.from || seen.has(s.name) || !behind(s.path, place.path, place.key === true)) continue;
    seen.add(s.name);
    // a value that ends up in a Secret is named, never printed
    const value = place.doc!.kind === 'Secret' || ruleId === 'k8s/plaintext-secret' ? '' : ` is "${s.value.length > 200 ? `${s.value.slice(0, 200)}…` : s.value}"`;
    out.push({ ...resolvePlace({ doc: s.from.doc, path: s.from.path }), message: `\${${s.name}}${value} here (${s.from.source}), substituted by ${s.from.by}.` });
    if (out.length === max) break;
  }
  return out;
}

export function toDiagnostic(f: Finding): Diagnostic {
  const { file, range } = resolvePlace(f);
  const d: Diagnostic = { ruleId: f.ruleId, severity: f.severity, message: f.message, help: f.help, file, range };
  if (f.messageId) d.messageId = f.messageId;
  if (f.doc) {
    const ref = f.doc.ref();
    if (ref.kind || ref.name) d.object = ref;
  }
  // the finding's own value, then the values it is compared with (a VIP from talenv.yaml, a node IP from a ConfigMap)
  const related = [...(f.related ?? []).map((r) => ({ ...resolvePlace(r), message: r.message })), ...substitutionRelated(f, f.ruleId, 3)];
  for (const r of f.related ?? []) {
    for (const x of substitutionRelated(r, f.ruleId, 1)) {
      if (!related.some((y) => y.file === x.file && y.range.start.line === x.range.start.line && y.range.start.column === x.range.start.column)) related.push(x);
    }
  }
  if (related.length) d.related = related;
  if (f.data && Object.keys(f.data).length) d.data = f.data;
  // a correction is offered only where the finding's range is its token: not a key standing in for a value (Argo CD
  // helm.parameters), a `${VAR}` the value came from, or a merge key
  const source = f.doc?.file ?? f.file;
  if (f.fix && file && source && tokenReads(source.textAt(range), f.fix.expect)) d.fix = { range, text: f.fix.text, expect: f.fix.expect };
  return d;
}
