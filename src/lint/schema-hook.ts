/**
 * The seam to schema validation (src/schema/validate.ts): one validator per cluster group, warmed up with the
 * documents it will check. Kept apart so the engine and the worker threads share one way of building it.
 */
import type { YamlDocument } from '../core/document.js';
import { loadSchemaValidator, type SchemaOptions, type SchemaValidator } from '../schema/validate.js';

export type SchemaValidatorLike = SchemaValidator;

export interface SchemaModule {
  createValidator(opts: SchemaOptions, docs: readonly YamlDocument[]): Promise<SchemaValidator>;
}

const MODULE: SchemaModule = { createValidator: (opts, docs) => loadSchemaValidator(opts, docs) };

export async function loadSchemaModule(): Promise<SchemaModule> {
  return MODULE;
}
