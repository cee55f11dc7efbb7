/**
 * YAML 1.1 booleans as Go's sigs.k8s.io/yaml (go-yaml v2) reads them: an unquoted `No`, `yes`, `on`, `Y`...
 * is a boolean to kubectl, Flux and Argo CD even though a YAML 1.2 parser keeps it a string.
 */
const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

/** The boolean Go would read for this plain scalar text, or undefined when it is no YAML 1.1 boolean. */
export function yaml11Boolean(text: string): boolean | undefined {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return undefined;
}

/** Paths of string leaves whose text is a YAML 1.1 boolean (candidates; plain-ness is checked later). */
export function yaml11Candidates(value: unknown, limit = 64): Array<{ path: Array<string | number>; bool: boolean; text: string }> {
  const out: Array<{ path: Array<string | number>; bool: boolean; text: string }> = [];
  const walk = (v: unknown, path: Array<string | number>, depth: number): void => {
    if (out.length >= limit || depth > 64) return;
    if (typeof v === 'string') {
      if (v.length <= 3) {
        const b = yaml11Boolean(v);
        if (b !== undefined) out.push({ path, bool: b, text: v });
      }
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) v.forEach((c, i) => walk(c, [...path, i], depth + 1));
    else for (const [k, c] of Object.entries(v)) walk(c, [...path, k], depth + 1);
  };
  walk(value, [], 0);
  return out;
}

/** A deep copy of `value` with the leaf at `path` replaced. */
export function replaceAt(value: unknown, path: ReadonlyArray<string | number>, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = value.slice();
    copy[head as number] = replaceAt(copy[head as number], rest, leaf);
    return copy;
  }
  const obj = { ...(value as Record<string, unknown>) };
  obj[head as string] = replaceAt(obj[head as string], rest, leaf);
  return obj;
}
