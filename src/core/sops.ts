/**
 * SOPS-encrypted YAML (Mozilla sops, decrypted by Flux or talhelper): the file keeps its metadata under a
 * top-level `sops:` mapping and every encrypted value as an `ENC[AES256_GCM,data:...,type:...]` string.
 */

/** A document value with SOPS metadata (`sops:` mapping at the top level). */
export function isSopsDocument(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const s = (v as Record<string, unknown>)['sops'];
  return !!s && typeof s === 'object' && !Array.isArray(s);
}

/** An encrypted value: unknown content, never judged as the value it hides. */
export function isSopsValue(v: unknown): boolean {
  return typeof v === 'string' && v.startsWith('ENC[') && v.endsWith(']');
}
