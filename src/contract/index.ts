import type { ErrorObject, ValidateFunction } from 'ajv';
import { compile, type SchemaName } from './ajv.js';

export type { SchemaName } from './ajv.js';

/** The validators the CLI itself uses; the build precompiles exactly these. */
export const CLI_VALIDATORS: SchemaName[] = ['resetRequest#/$defs/item', 'resetRequest#/$defs/document', 'request', 'settings', 'auditEntry'];

const compiled = new Map<SchemaName, ValidateFunction>();

/** The validator for one of the schemas in schemas/, compiled on first use. */
export function validator(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    validate = compile(name);
    compiled.set(name, validate);
  }
  return validate;
}

/** Turns ajv's first error into one plain sentence, naming where in the input it is. */
export function explain(errors: ErrorObject[] | null | undefined, what: string): string {
  const e = errors?.[0];
  if (!e) return `${what} is not valid.`;
  const where = e.instancePath ? `${what} at ${e.instancePath}` : what;
  switch (e.keyword) {
    case 'required':
      return `${where} lacks the required property '${String(e.params.missingProperty)}'.`;
    case 'additionalProperties':
      return `${where} has an unknown property '${String(e.params.additionalProperty)}'.`;
    case 'type':
      return `${where} must be of type ${String(e.params.type)}.`;
    case 'enum':
      return `${where} must be one of: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
    default:
      return `${where} ${e.message ?? 'is not valid'}.`;
  }
}
