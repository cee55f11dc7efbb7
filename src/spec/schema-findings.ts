/**
 * Validates a cluster.yaml value against our own JSON Schema (ajv, all errors) and turns ajv errors into
 * `spec/schema` / `spec/unknown-key` findings placed on the offending key or value.
 */
import { suggest } from '../core/suggest.js';
import { withArticle } from '../core/text.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Path, YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';
import { precompiledValidator } from '../schema/precompiled.js';
import { CLUSTER_SCHEMA, DNS_LABEL_PATTERN } from './schema.js';

let compiled: ValidateFunction | undefined;

/** The ajv options of the cluster.yaml validator (the build precompiles it with the same: scripts/precompile-schemas.ts). */
export const CLUSTER_AJV_OPTIONS = { allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true } as const;
/** Its key among the precompiled validators. */
export const CLUSTER_VALIDATOR_KEY = 'spec|cluster';

/** Compiled by the build when it can be (~40 ms saved on every run that reads a cluster.yaml), else here. */
function validator(): ValidateFunction {
  compiled ??= precompiledValidator(CLUSTER_VALIDATOR_KEY) ?? new Ajv({ ...CLUSTER_AJV_OPTIONS }).compile(CLUSTER_SCHEMA as unknown as object);
  return compiled;
}

/** `/nodes/0/name` → ['nodes', 0, 'name'] (JSON pointer unescaping included). */
export function pointerToPath(pointer: string): Path {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** Known property names of the schema object at `path` (for "did you mean"). */
function knownKeys(path: Path): string[] {
  let node: Record<string, unknown> | undefined = CLUSTER_SCHEMA as unknown as Record<string, unknown>;
  for (const seg of path) {
    if (!node) return [];
    if (typeof seg === 'number') node = node['items'] as Record<string, unknown> | undefined;
    else node = (node['properties'] as Record<string, Record<string, unknown>> | undefined)?.[seg];
  }
  const props = node?.['properties'] as Record<string, unknown> | undefined;
  return props ? Object.keys(props).sort() : [];
}


function pathText(path: Path): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s || '(top level)';
}

/** The scalar at `path` as written in the file (`1.10`, where the parsed value is 1.1). */
function sourceText(doc: YamlDocument, path: Path): string | undefined {
  const node = doc.ast()?.getIn(path, true) as { range?: [number, number, number] } | undefined;
  if (!node?.range) return undefined;
  const text = doc.file.text.slice(node.range[0], node.range[1]).trim();
  return /^[0-9][0-9.eE+_-]*$/.test(text) ? text : undefined;
}

function toFinding(e: ErrorObject, doc: YamlDocument): Finding {
  const path = pointerToPath(e.instancePath);
  const where = pathText(path);
  const base = { doc, severity: 'error' as const };
  if (e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    const known = knownKeys(path);
    const suggestion = suggest(key, known);
    const data: Record<string, string> = { key, parent: where, known: known.join(', ') };
    if (suggestion) data['suggestion'] = suggestion;
    return {
      ...base,
      ruleId: 'spec/unknown-key',
      path: [...path, key],
      key: true,
      message: `Unknown key "${key}" in ${where}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}.`,
      help: suggestion ? `Rename it to "${suggestion}", or remove it.` : `Remove it; known keys here: ${known.join(', ') || 'none'}.`,
      data,
    };
  }
  if (e.keyword === 'required') {
    const missing = String((e.params as { missingProperty: string }).missingProperty);
    return {
      ...base,
      ruleId: 'spec/schema',
      messageId: 'required',
      path,
      key: path.length > 0,
      message: `${where} is missing the required key "${missing}".`,
      help: `Add "${missing}" (see schemas/cluster.schema.json for its meaning).`,
      data: { keyword: 'required', path: where, missing },
    };
  }
  const value = doc.get(path);
  const data: Record<string, string> = { keyword: e.keyword, path: where };
  let help = 'Fix the value to match schemas/cluster.schema.json.';
  if (e.keyword === 'type') {
    const expected = String((e.params as { type: string }).type);
    data['expected'] = expected;
    if (expected === 'string' && typeof value === 'number') {
      // as written: `talos: 1.10` reads as the number 1.1, and "1.1" would name the wrong minor version
      const written = sourceText(doc, path) ?? String(value);
      data['written'] = written;
      help =
        path[0] === 'versions'
          ? `Quote the full version ("${written}.0"): unquoted, YAML reads ${written} as the number ${String(value)}.`
          : `Quote the value ("${written}"): unquoted, YAML reads it as a number.`;
    }
    else help = `Use ${withArticle(expected)} here.`;
  } else if (e.keyword === 'enum') {
    const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
    data['allowed'] = allowed.join(', ');
    help = `Use one of: ${allowed.join(', ')}.`;
  } else if (e.keyword === 'pattern' && path[0] === 'versions') {
    help = 'Write the full version, e.g. "1.14.1".';
  } else if (e.keyword === 'pattern' && (e.params as { pattern: string }).pattern === DNS_LABEL_PATTERN) {
    // a regex is no help to someone who wrote `DNS_pool`: say what a DNS label is and offer the nearest one
    const label = typeof value === 'string' ? toDnsLabel(value) : '';
    if (label) data['suggestion'] = label;
    help = `Use a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters${label ? ` (e.g. "${label}")` : ''}.`;
  } else if (e.keyword === 'pattern' && path[0] === 'nodes' && path[2] === 'nic') {
    help = 'Write the NIC\'s Linux link name as `ip link` shows it (e.g. enp1s0): at most 15 characters, letters, digits, _ . and -, no ":" alias suffix, "/" or spaces.';
  } else if (e.keyword === 'pattern' && path.join('.') === 'cluster.endpoint') {
    help = 'Write https://<host>[:<port>] and nothing after it, e.g. https://10.50.0.10:6443.';
  } else if (e.keyword === 'pattern' && path.join('.') === 'gitops.branch') {
    help = 'Write a git branch name: no spaces or ~ ^ : ? * [ \\.';
  } else if (e.keyword === 'pattern' && path.join('.') === 'gitops.repository') {
    help = 'Write the repository URL without spaces.';
  } else if (e.keyword === 'pattern') {
    help = `Use a value matching ${String((e.params as { pattern: string }).pattern)}.`;
  }
  return {
    ...base,
    ruleId: 'spec/schema',
    messageId: e.keyword,
    path,
    message: `${where} ${e.message ?? 'is invalid'}${value !== undefined && typeof value !== 'object' ? ` (got ${JSON.stringify(value)})` : ''}.`,
    help,
    data,
  };
}

/** Schema findings, one per ajv error (deduplicated by path + keyword). */
export function schemaFindings(value: unknown, doc: YamlDocument): Finding[] {
  const validate = validator();
  if (validate(value)) return [];
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const e of validate.errors ?? []) {
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(toFinding(e, doc));
  }
  return out;
}

/** `DNS_pool` → `dns-pool`: lowercased, other characters as dashes, dashes trimmed, at most 63 characters ('' if nothing is left). */
export function toDnsLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
}
