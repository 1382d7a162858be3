import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone/index.js';
import auditEntrySchema from '../../schemas/audit-entry.schema.json' with { type: 'json' };
import eventSchema from '../../schemas/event.schema.json' with { type: 'json' };
import getOutputSchema from '../../schemas/get-output.schema.json' with { type: 'json' };
import recordSchema from '../../schemas/record.schema.json' with { type: 'json' };
import requestSchema from '../../schemas/request.schema.json' with { type: 'json' };
import resetOutputSchema from '../../schemas/reset-output.schema.json' with { type: 'json' };
import resetRequestSchema from '../../schemas/reset-request.schema.json' with { type: 'json' };
import restoreRequestSchema from '../../schemas/restore-request.schema.json' with { type: 'json' };
import resetResultSchema from '../../schemas/reset-result.schema.json' with { type: 'json' };
import settingsSchema from '../../schemas/settings.schema.json' with { type: 'json' };

// The CLI bundle replaces this module with standaloneModule()'s output, so the
// executables start without compiling schemas (scripts/build.mjs).

export const SCHEMAS = {
  record: recordSchema,
  getOutput: getOutputSchema,
  resetRequest: resetRequestSchema,
  resetResult: resetResultSchema,
  restoreRequest: restoreRequestSchema,
  resetOutput: resetOutputSchema,
  request: requestSchema,
  settings: settingsSchema,
  auditEntry: auditEntrySchema,
  event: eventSchema,
} as const;

/** A schema, or a definition inside one (`resetRequest#/$defs/item`). */
export type SchemaName = keyof typeof SCHEMAS | `${keyof typeof SCHEMAS}#${string}`;

function schemaId(name: SchemaName): string {
  const [base, pointer] = name.split('#') as [keyof typeof SCHEMAS, string | undefined];
  return pointer === undefined ? SCHEMAS[base].$id : `${SCHEMAS[base].$id}#${pointer}`;
}

function newAjv(source: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: false, strict: true, code: { source } });
  // ajv-formats is CommonJS: under NodeNext its function is the module's `default`.
  formats.default(ajv);
  for (const schema of Object.values(SCHEMAS)) ajv.addSchema(schema);
  return ajv;
}

let ajv: Ajv2020 | null = null;

export function compile(name: SchemaName): ValidateFunction {
  ajv ??= newAjv(false);
  const found = ajv.getSchema(schemaId(name));
  if (!found) throw new Error(`no schema ${name}`);
  return found;
}

/** CommonJS source of a module like this one whose compile() returns precompiled validators for `names`. */
export function standaloneModule(names: SchemaName[]): string {
  const exportsByName = Object.fromEntries(names.map((n, i) => [`v${i}`, schemaId(n)]));
  const code = standaloneCode.default(newAjv(true), exportsByName);
  const table = names.map((n, i) => `${JSON.stringify(n)}: exports.v${i}`).join(',\n  ');
  return `${code}
const precompiled = {
  ${table}
};
exports.compile = function compile(name) {
  const v = precompiled[name];
  if (!v) throw new Error("no precompiled validator for " + name);
  return v;
};
`;
}
