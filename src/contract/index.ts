import type { ErrorObject, ValidateFunction } from 'ajv';
import { compile, type SchemaName } from './ajv.js';

export type { SchemaName } from './ajv.js';

/** The validators the CLI itself uses; the build precompiles exactly these. */
export const CLI_VALIDATORS: SchemaName[] = [
  'resetRequest#/$defs/item',
  'resetRequest#/$defs/document',
  'restoreRequest#/$defs/item',
  'restoreRequest#/$defs/document',
  'request',
  'settings',
  'auditEntry',
];

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

/** The schemas' pattern for a path or name: no NUL, which the file system API cannot take. */
const NO_NUL = '^[^\\u0000]*$';

/** The most levels of arrays and objects an input may nest; what kmsdb reads needs three. */
export const MAX_DEPTH = 64;

/** True when a parsed JSON value nests deeper than `limit`; iterative, so any depth is safe to ask about. */
export function nestsDeeperThan(value: unknown, limit = MAX_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v as object)) stack.push([child, depth + 1]);
  }
  return false;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The first lone surrogate in any string of a value (JSON's "\ud800", or a
 * Windows command line), as U+XXXX, or null. No file name holds one: the file
 * system API would turn it into U+FFFD and so name another file.
 */
export function loneSurrogate(value: unknown): string | null {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      const m = LONE_SURROGATE.exec(v);
      if (m) return `U+${m[0].charCodeAt(0).toString(16).toUpperCase()}`;
    } else if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v as object)) stack.push(key, child);
    }
  }
  return null;
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
    case 'pattern':
      if (e.params.pattern === NO_NUL) return `${where} holds a NUL character, which no path or name can.`;
      return `${where} ${e.message ?? 'is not valid'}.`;
    case 'enum':
      return `${where} must be one of: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
    default:
      return `${where} ${e.message ?? 'is not valid'}.`;
  }
}
