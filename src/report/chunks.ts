/**
 * Reporter output in pieces: `JSON.stringify(value, null, 2)` with its long arrays (diagnostics, SARIF results)
 * written an element at a time, each element built only when it is written, and the joining of pieces into writes of
 * a bounded size. A lint with 150,000 findings built its whole JSON object tree and one 150–270 MB string before
 * writing any of it. Pure.
 */

/** An array of `items.map(map)` in a JSON document, whose elements are made and written one at a time. */
export class Each<T> {
  constructor(
    readonly items: readonly T[],
    readonly map: (item: T) => unknown,
  ) {}
}

/** Whether `v` is or holds (in members, at any depth) an Each: such values are written member by member. */
function holdsEach(v: unknown): boolean {
  if (v instanceof Each) return true;
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(holdsEach);
  return Object.values(v).some(holdsEach);
}

/**
 * `JSON.stringify(value, null, 2)` as an element of an array nested `depth` deep: every line, the first too, indented
 * by 2 × depth spaces. Made by JSON.stringify itself (the value wrapped in `depth` arrays, their brackets cut off),
 * with no pass over the text.
 */
function asItem(value: unknown, depth: number): string {
  let wrapped = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // the wrappers' opening lines ('[\n', '  [\n', ...) and closing ones ('\n]', '\n  ]', ...): depth × (depth + 1) characters each
  const cut = depth * (depth + 1);
  return text.slice(cut, text.length - cut);
}

/**
 * The text of `JSON.stringify(value, null, 2)`, byte for byte (an Each standing for its mapped array), as pieces:
 * one per element of an Each (its elements are written whole: they hold no Each). `indent` is the indentation of the
 * line `value` starts on. Values holding an Each are plain objects and arrays without undefined members, functions,
 * symbols or toJSON (the reporters' documents); everything else goes to JSON.stringify whole.
 */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  const inner = `${indent}  `;
  if (value instanceof Each) {
    const { items, map } = value as Each<unknown>;
    if (!items.length) {
      yield '[]';
      return;
    }
    yield '[\n';
    const depth = inner.length / 2;
    for (let i = 0; i < items.length; i++) yield asItem(map(items[i]), depth) + (i < items.length - 1 ? ',\n' : '\n');
    yield `${indent}]`;
    return;
  }
  if (!holdsEach(value)) {
    const text = JSON.stringify(value, null, 2);
    // JSON strings hold no raw line break: every '\n' starts a line of the structure
    yield indent && text.includes('\n') ? text.replace(/\n/g, `\n${indent}`) : text;
    return;
  }
  if (Array.isArray(value)) {
    // (not empty: it holds an Each)
    yield '[\n';
    for (let i = 0; i < value.length; i++) {
      yield inner;
      yield* jsonPieces(value[i], inner);
      yield i < value.length - 1 ? ',\n' : '\n';
    }
    yield `${indent}]`;
    return;
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  yield '{\n';
  for (let i = 0; i < keys.length; i++) {
    yield `${inner}${JSON.stringify(keys[i])}: `;
    yield* jsonPieces(o[keys[i]!], inner);
    yield i < keys.length - 1 ? ',\n' : '\n';
  }
  yield `${indent}}`;
}

/** Pieces joined into strings of at least `size` characters (the last one may be shorter): few writes, none huge. */
export function* batched(pieces: Iterable<string>, size = 1 << 20): Generator<string> {
  let parts: string[] = [];
  let length = 0;
  for (const p of pieces) {
    parts.push(p);
    length += p.length;
    if (length >= size) {
      yield parts.join('');
      parts = [];
      length = 0;
    }
  }
  if (parts.length) yield parts.join('');
}
