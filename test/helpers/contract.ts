import { expect } from 'vitest';
import { explain, validator, type SchemaName } from '../../src/contract/index.js';

/** Asserts that a value the CLI printed satisfies its schema, with ajv's reason on failure. */
export function expectValid(name: SchemaName, value: unknown): void {
  const validate = validator(name);
  const ok = validate(value);
  expect(ok, ok ? '' : explain(validate.errors, name)).toBe(true);
}
