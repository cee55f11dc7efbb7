/**
 * What validators precompiled at build time (scripts/precompile-schemas.ts) call at run time: the RE2-aware regex
 * constructor and our string formats. Bundled to CommonJS next to them (they are loaded synchronously).
 */
export { compileRe2 } from './re2.js';
export { FORMATS } from './formats.js';
