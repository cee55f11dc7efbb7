/**
 * talhelper variable substitution: `${VAR}` in a talconfig.yaml takes its value from the plain-text `talenv.yaml`
 * beside it, as `talhelper genconfig` does (budimanjojo/talhelper pkg/substitute: the env file is loaded, then
 * a8m/envsubst runs over talconfig.yaml with unset and empty variables as errors). A name that only an encrypted
 * `talenv.sops.yaml` or the shell environment can define stays a placeholder.
 */
import type { Substitution, YamlDocument } from '../core/document.js';
import { docsOfClass } from '../core/kind-index.js';
import { isSopsValue } from '../core/sops.js';
import { dirOf, isObj } from './util.js';
import { substituteValue, TEMPLATE, type Lookup, type VarDef } from './substitute-values.js';

const TALENV = /^talenv(\.sops)?\.ya?ml$/;

/** The variables of the talenv files in `dir`: plain values defined, encrypted ones unknown (null). */
function talenvVars(dir: string, envDocs: readonly YamlDocument[]): Map<string, VarDef | null> {
  const vars = new Map<string, VarDef | null>();
  for (const e of envDocs) {
    if (dirOf(e.file.path) !== dir) continue;
    const v = e.parsed;
    if (!isObj(v)) continue;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'sops') continue;
      // talhelper reads talenv with godotenv: every value is its raw text. A YAML string is that text; a number or
      // boolean (`1.30`, `yes`) may not be (`1.30` would read back as 1.3), so it counts as unknown
      const plain = typeof x === 'string' && !isSopsValue(x) && !TEMPLATE.test(x);
      // a name defined twice (talenv.yaml and talenv.sops.yaml): the plain value is not certain to win
      if (vars.has(k) || !plain) vars.set(k, null);
      else vars.set(k, { value: String(x), from: { doc: e, path: [k], source: e.file.path, by: 'talhelper' } });
    }
  }
  return vars;
}

/** Applies talenv variables to every templated talhelper document. */
export function applyTalhelperSubstitution(docs: readonly YamlDocument[]): void {
  const targets = docsOfClass(docs, 'talhelper').filter((d) => d.templated);
  if (!targets.length) return;
  const envDocs = docs.filter((d) => TALENV.test(d.file.path.slice(d.file.path.lastIndexOf('/') + 1)));
  for (const d of targets) {
    const vars = talenvVars(dirOf(d.file.path), envDocs);
    if (!vars.size) continue;
    // not in talenv: the shell environment may define it
    const lookup: Lookup = (name) => (vars.has(name) ? vars.get(name)! : null);
    const subs: Substitution[] = [];
    const r = substituteValue(d.parsed, lookup, subs);
    if (!r) continue;
    d.substitute(r.value, subs, r.templated);
  }
}
