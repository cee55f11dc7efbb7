/**
 * The static table of reporters (no dynamic loading): name → pure `(result, options) → string`.
 */
import { github } from './github.js';
import { json } from './json.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';
import type { Reporter } from './types.js';

export const REPORTERS: Record<string, Reporter> = { github, json, sarif, stylish };
