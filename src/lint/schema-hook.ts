/**
 * The seam to schema validation (src/schema/validate.ts): builds one validator per cluster group and exposes
 * the schema rule metadata when that module publishes it (`SCHEMA_RULES`), for the rule catalogue.
 */
import type { Severity } from '../core/diagnostic.js';
import type { YamlDocument } from '../core/document.js';
import * as schema from '../schema/validate.js';
import type { SchemaOptions, SchemaValidator } from '../schema/validate.js';

export type SchemaValidatorLike = SchemaValidator;

export interface SchemaModule {
  createValidator(opts: SchemaOptions, docs: readonly YamlDocument[]): Promise<SchemaValidator>;
  SCHEMA_RULES?: ReadonlyArray<{ id: string; description: string; severity: Severity; help: string; docs?: unknown }>;
}

const MODULE: SchemaModule = {
  createValidator: (opts, docs) => schema.loadSchemaValidator(opts, docs),
  ...((schema as { SCHEMA_RULES?: SchemaModule['SCHEMA_RULES'] }).SCHEMA_RULES
    ? { SCHEMA_RULES: (schema as { SCHEMA_RULES?: SchemaModule['SCHEMA_RULES'] }).SCHEMA_RULES }
    : {}),
};

export async function loadSchemaModule(): Promise<SchemaModule> {
  return MODULE;
}
