/**
 * `yaml/truthy`: plain yes/no/on/off/y/n values, read as strings by YAML 1.2 (talium, js-yaml) and as booleans
 * by YAML 1.1 readers (Go yaml.v2, PyYAML). A regex pre-check keeps the AST walk to files that need it.
 */
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import type { YamlDocument } from '../core/document.js';
import { toDiagnostic, type Finding } from '../core/finding.js';
import { yaml11Boolean } from '../schema/yaml11.js';

/** Cheap candidate test on the file text: a trap word (maybe anchored) as a block value or sequence item, or in a flow collection. */
const CANDIDATE = /(?:[:\-[,{][ \t]+|[[,{])(?:&[^ \t\r\n,[\]{}]+[ \t]+)?(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)[ \t]*(?:[,\]}]|#|\r?$)/m;

export function mayHaveTruthy(text: string): boolean {
  return CANDIDATE.test(text);
}

/**
 * Findings for one document (walks its eemeli AST; keys are not reported, only values); `under`: only the values
 * below that path (cluster.yaml's `cilium.values`, which talium hands to Helm).
 */
export function truthyFindings(doc: YamlDocument, under: readonly (string | number)[] = []): Finding[] {
  const out: Finding[] = [];
  const ast = doc.ast();
  if (!ast) return out;
  // a List item's values only (its document is the List: document.ts `base`)
  const start = under.length ? ast.getIn([...doc.base, ...under], true) : doc.root();
  const stack: Array<Node | null | undefined> = [start as Node | null];
  while (stack.length) {
    const n = stack.pop();
    if (!n) continue;
    if (isMap(n)) {
      for (const p of n.items) if (isPair(p)) stack.push(p.value as Node | null);
    } else if (isSeq(n)) {
      for (const it of n.items) stack.push(it as Node | null);
    } else if (isScalar(n) && n.type === 'PLAIN' && typeof n.value === 'string' && yaml11Boolean(n.value) !== undefined && n.range) {
      const value = n.value;
      const asBool = yaml11Boolean(value)!;
      out.push({
        ruleId: 'yaml/truthy',
        severity: 'warning',
        message: `Plain "${value}" is the string "${value}" in YAML 1.2 but the boolean ${asBool} in YAML 1.1 (Go yaml.v2, PyYAML).`,
        help: `Quote the value ("${value}") if you mean a string, or write ${asBool} if you mean a boolean.`,
        doc,
        range: doc.file.rangeOf(n.range[0], n.range[1]),
        data: { value, yaml11: asBool },
      });
    }
  }
  return out.sort((a, b) => a.range!.start.line - b.range!.start.line || a.range!.start.column - b.range!.start.column);
}

/** Where cluster.yaml holds the Cilium chart values talium hands to Helm as written. */
export const SPEC_VALUES_PATH: readonly string[] = ['cilium', 'values'];

/**
 * `yaml/truthy` for cluster.yaml, as `talium lint` and `talium generate` both report it: only below `cilium.values`
 * (the rest of the file only talium reads, as YAML 1.2), and not at a value a `schema/type` diagnostic in `reported`
 * already points at (the Cilium values schema says the value has the wrong type: that is the one finding).
 * talium writes such a value into the generated values file as the string it read (quoted: `"on"`).
 */
export function specValuesTruthy(doc: YamlDocument, reported: readonly Diagnostic[]): Diagnostic[] {
  const at = (d: Diagnostic) => `${d.file}:${d.range.start.line}:${d.range.start.column}`;
  const typed = new Set(reported.filter((d) => d.ruleId === 'schema/type').map(at));
  return truthyFindings(doc, SPEC_VALUES_PATH).map(toDiagnostic).filter((d) => !typed.has(at(d)));
}
