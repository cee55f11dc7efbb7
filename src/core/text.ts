/**
 * Small English helpers for diagnostic text (articles). Pure; knows nothing of Cilium, Talos or schemas.
 */

/**
 * A type or noun with its indefinite article: `an integer`, `an object`, `a string`; `null` stays bare. A
 * comma-separated list (ajv's union `type`, "string,number") becomes `a string or a number`.
 */
export function withArticle(noun: string): string {
  const parts = noun.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length > 1) return parts.map(withArticle).join(' or ');
  const word = parts[0] ?? noun;
  if (word === 'null') return word;
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
