/**
 * Pool `serviceSelector`s are Kubernetes label selectors: keys are label keys (optional DNS-subdomain prefix +
 * `/` + a name of at most 63 characters), values are label values (at most 63 characters, alphanumeric at both
 * ends), `In`/`NotIn` need values and `Exists`/`DoesNotExist` take none (the CiliumLoadBalancerIPPool CRD says so;
 * Cilium cannot turn such a selector into one). Reported as spec/label-selector at the offending key or value.
 */
import type { Path, YamlDocument } from '../core/document.js';
import type { Finding } from '../core/finding.js';

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The CRD's pattern for a matchLabels value (empty allowed). */
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `key` is no label key, or undefined when it is one. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return 'its prefix is not a lowercase DNS subdomain';
  if (name.length > 63) return 'its name is longer than 63 characters';
  if (!NAME.test(name)) return 'its name must be letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit';
  return undefined;
}

/** Why `value` is no label value, or undefined when it is one. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return 'it is longer than 63 characters';
  if (!VALUE.test(value)) return 'it must be letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit';
  return undefined;
}

export function checkSelectors(value: unknown, doc: YamlDocument): Finding[] {
  const out: Finding[] = [];
  const report = (path: Path, key: boolean, message: string, help: string, data: Record<string, string>) =>
    out.push({ doc, path, key, ruleId: 'spec/label-selector', severity: 'error', message, help, data });
  arr(obj(value)['pools']).forEach((p, i) => {
    const sel = obj(obj(p)['serviceSelector']);
    const at = (...rest: Path) => ['pools', i, 'serviceSelector', ...rest] as Path;
    const where = `pools[${i}].serviceSelector`;
    const checkValue = (v: unknown, path: Path, shown: string) => {
      if (typeof v !== 'string') return; // the schema reports the type
      const why = labelValueProblem(v);
      if (why) report(path, false, `${shown} "${v}" is not a label value: ${why}.`, 'Write a label value such as `dns` or `web-1` (quote it if YAML would read it as something else).', { path: shown, value: v, problem: 'value' });
    };
    for (const [k, v] of Object.entries(obj(sel['matchLabels']))) {
      const why = labelKeyProblem(k);
      if (why) report(at('matchLabels', k), true, `${where}.matchLabels key "${k}" is not a label key: ${why}.`, 'Write a label key such as `talium.dev/pool` or `app`.', { path: `${where}.matchLabels`, value: k, problem: 'key' });
      checkValue(v, at('matchLabels', k), `${where}.matchLabels["${k}"]`);
    }
    arr(sel['matchExpressions']).forEach((e, j) => {
      const expr = obj(e);
      const shown = `${where}.matchExpressions[${j}]`;
      if (typeof expr['key'] === 'string') {
        const why = labelKeyProblem(expr['key']);
        if (why) report(at('matchExpressions', j, 'key'), false, `${shown}.key "${expr['key']}" is not a label key: ${why}.`, 'Write a label key such as `talium.dev/pool` or `app`.', { path: `${shown}.key`, value: expr['key'], problem: 'key' });
      }
      const op = expr['operator'];
      const values = expr['values'];
      const count = Array.isArray(values) ? values.length : 0;
      if ((op === 'In' || op === 'NotIn') && count === 0) {
        report(at('matchExpressions', j, values === undefined ? 'operator' : 'values'), false, `${shown} uses ${op} with no values; a label selector needs at least one value there.`, `Add \`values: [...]\`, or use ${op === 'In' ? 'Exists' : 'DoesNotExist'}.`, { path: shown, value: op, problem: 'values-required' });
      } else if ((op === 'Exists' || op === 'DoesNotExist') && count > 0) {
        report(at('matchExpressions', j, 'values'), true, `${shown} uses ${op} with values; a label selector allows none there.`, `Remove \`values\`, or use ${op === 'Exists' ? 'In' : 'NotIn'}.`, { path: shown, value: op, problem: 'values-forbidden' });
      }
      arr(values).forEach((v, k) => checkValue(v, at('matchExpressions', j, 'values', k), `${shown}.values[${k}]`));
    });
  });
  return out;
}
