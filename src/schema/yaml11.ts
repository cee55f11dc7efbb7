/**
 * YAML 1.1 booleans as Go's sigs.k8s.io/yaml (go-yaml v2) reads them: an unquoted `No`, `yes`, `on`, `Y`...
 * is a boolean to kubectl, Flux and Argo CD even though a YAML 1.2 parser keeps it a string.
 */
const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
/** Every YAML 1.1 boolean spelling other than true/false. */
export const YAML11_WORDS: ReadonlySet<string> = new Set([...TRUE, ...FALSE]);

/** The boolean Go would read for this plain scalar text, or undefined when it is no YAML 1.1 boolean. */
export function yaml11Boolean(text: string): boolean | undefined {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return undefined;
}

/** Paths of string leaves whose text is a YAML 1.1 boolean (candidates; plain-ness is checked later). */
export function yaml11Candidates(value: unknown, limit = 64): Array<{ path: Array<string | number>; bool: boolean; text: string }> {
  let out: Array<{ path: Array<string | number>; bool: boolean; text: string }> | undefined;
  const stack: Array<string | number> = [];
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === 'string') {
      if (v.length <= 3) {
        const b = yaml11Boolean(v);
        if (b !== undefined && (out ??= []).length < limit) out.push({ path: stack.slice(), bool: b, text: v });
      }
      return;
    }
    if (v === null || typeof v !== 'object' || depth > 64) return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        stack.push(i);
        walk(v[i], depth + 1);
        stack.pop();
      }
    } else {
      for (const k in v) {
        stack.push(k);
        walk((v as Record<string, unknown>)[k], depth + 1);
        stack.pop();
      }
    }
  };
  walk(value, 0);
  return out ?? [];
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
