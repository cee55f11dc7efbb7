/**
 * Positional arguments for ajv's standalone validators (the kubernetes-models `_schemas/*.js` modules). ajv passes
 * each sub-validator its context as an object (`v(data,{instancePath:instancePath+"/x",parentData:data,
 * parentDataProperty:"x",rootData})`) that the callee destructures (`function v(data,{instancePath="",parentData,
 * parentDataProperty,rootData=data}={})`): an allocation and eight property operations per call, on code that runs
 * on a cold JIT for most of a lint. This rewrites both shapes to plain parameters in the same order, with the same
 * defaults, so a call with the value alone (how talium calls a validator) means what it did. Only the exact shapes
 * the generator writes are rewritten; a module with any other use of those names is left as it is (undefined).
 */

const HEADER = 'data,{instancePath="",parentData,parentDataProperty,rootData=data}={}){';
const HEADER_OUT = 'data,instancePath="",parentData,parentDataProperty,rootData=data){';
const PASS = ',{instancePath,parentData,parentDataProperty,rootData})';
const PASS_OUT = ',instancePath,parentData,parentDataProperty,rootData)';
const OPEN = ',{instancePath:';

/** End (exclusive) of the expression starting at `i`: the first `,` or `}` outside brackets and strings. */
function exprEnd(s: string, i: number): number {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'") {
      for (i++; i < s.length && s[i] !== c; i++) if (s[i] === '\\') i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return c === '}' ? i : -1;
      depth--;
    } else if (c === ',' && depth === 0) return i;
  }
  return -1;
}

/** Reads `key:expr` or `key` (shorthand) at `i`; returns the expression and the index after it, or undefined. */
function prop(s: string, i: number, key: string): { expr: string; next: number } | undefined {
  if (!s.startsWith(key, i)) return undefined;
  i += key.length;
  if (s[i] === ',' || s[i] === '}') return { expr: key, next: i };
  if (s[i] !== ':') return undefined;
  const end = exprEnd(s, i + 1);
  if (end < 0) return undefined;
  return { expr: s.slice(i + 1, end), next: end };
}

/** The module body with positional validator contexts, or undefined when it has a shape this does not know. */
export function positionalContexts(body: string): string | undefined {
  let out = body.split(HEADER).join(HEADER_OUT).split(PASS).join(PASS_OUT);
  let res = '';
  let from = 0;
  for (let at = out.indexOf(OPEN); at >= 0; at = out.indexOf(OPEN, at + 1)) {
    // `,{instancePath:` also opens error objects (`{instancePath:...,schemaPath:...}`), never after a comma in
    // ajv's output, but checked: only the four-key context followed by `)` is rewritten
    const a = prop(out, at + 2, 'instancePath');
    if (!a || out[a.next] !== ',') continue;
    const b = prop(out, a.next + 1, 'parentData');
    if (!b || out[b.next] !== ',') continue;
    const c = prop(out, b.next + 1, 'parentDataProperty');
    if (!c || out[c.next] !== ',') continue;
    if (!out.startsWith('rootData})', c.next + 1)) continue;
    res += `${out.slice(from, at)},${a.expr},${b.expr},${c.expr},rootData)`;
    from = c.next + 1 + 'rootData})'.length;
    at = from - 1;
  }
  out = res + out.slice(from);
  // anything left that still speaks of the context object: not a shape this knows
  if (/parentData|rootData/.test(out.split(HEADER_OUT).join('').split(PASS_OUT).join('').replace(/,parentData(?:Property)?|,rootData\)/g, ''))) return undefined;
  return out;
}
