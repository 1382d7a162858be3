import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import getOutputSchema from '../../schemas/get-output.schema.json' with { type: 'json' };
import recordSchema from '../../schemas/record.schema.json' with { type: 'json' };
import resetOutputSchema from '../../schemas/reset-output.schema.json' with { type: 'json' };
import resetRequestSchema from '../../schemas/reset-request.schema.json' with { type: 'json' };
import resetResultSchema from '../../schemas/reset-result.schema.json' with { type: 'json' };

// ajv-formats is CommonJS: under NodeNext its function is the module's `default`.
const addFormats = formats.default;

export const SCHEMAS = {
  record: recordSchema,
  getOutput: getOutputSchema,
  resetRequest: resetRequestSchema,
  resetResult: resetResultSchema,
  resetOutput: resetOutputSchema,
} as const;

/** A schema, or a definition inside one (`resetRequest#/$defs/item`). */
export type SchemaName = keyof typeof SCHEMAS | `${keyof typeof SCHEMAS}#${string}`;

let ajv: Ajv2020 | null = null;
const compiled = new Map<SchemaName, ValidateFunction>();

/** The validator for one of the schemas in schemas/, compiled on first use. */
export function validator(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    if (!ajv) {
      ajv = new Ajv2020({ allErrors: false, strict: true });
      addFormats(ajv);
      for (const schema of Object.values(SCHEMAS)) ajv.addSchema(schema);
    }
    const [base, pointer] = name.split('#') as [keyof typeof SCHEMAS, string | undefined];
    const found = ajv.getSchema(pointer === undefined ? SCHEMAS[base].$id : `${SCHEMAS[base].$id}#${pointer}`);
    if (!found) throw new Error(`no schema ${name}`);
    validate = found;
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
