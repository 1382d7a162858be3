import { explain, MAX_DEPTH, nestsDeeperThan, validator } from '../contract/index.js';
import type { ChangeRequest } from '../change/reset-restore.js';
import { usage } from './errors.js';

/** The most stdin a request may hold; kmsdb get prints about 500 bytes a record. */
export const STDIN_LIMIT = 128 * 1024 * 1024;

export async function readAll(stream: NodeJS.ReadableStream, limit = STDIN_LIMIT): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > limit) throw usage(`stdin holds more than ${limit / 1024 / 1024} MiB; send the records in smaller batches.`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
}

function item(value: unknown, where: string): ChangeRequest {
  if (nestsDeeperThan(value)) throw usage(`${where} nests more than ${MAX_DEPTH} levels deep: expected what kmsdb get prints.`);
  const validate = validator('resetRequest#/$defs/item');
  if (!validate(value)) throw usage(explain(validate.errors, where));
  const v = value as { path: string; sha256?: string | null };
  return v.sha256 === undefined ? { path: v.path } : { path: v.path, sha256: v.sha256 };
}

/**
 * Parses what `kmsdb get` prints, in either format: one JSON document with
 * `records`, one record, or NDJSON. The whole input is validated before
 * anything is done with it; any fault is a usage error naming where it is.
 */
export function parseRequests(text: string): ChangeRequest[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    // Not one JSON value: NDJSON, read line by line below.
    return trimmed
      .split(/\r?\n/)
      .map((line, i) => ({ line: line.trim(), where: `stdin line ${i + 1}` }))
      .filter(({ line }) => line !== '')
      .map(({ line, where }) => item(parseLine(line, where), where));
  }
  if (whole !== null && typeof whole === 'object' && !Array.isArray(whole) && 'records' in whole) {
    const validate = validator('resetRequest#/$defs/document');
    if (!validate(whole)) throw usage(explain(validate.errors, 'stdin'));
    return (whole as { records: unknown[] }).records.map((r, i) => item(r, `stdin record ${i + 1}`));
  }
  return [item(whole, 'stdin')];
}

function parseLine(line: string, where: string): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    throw usage(`${where} is not JSON${err instanceof RangeError ? ' (nested too deeply)' : ''}: expected what kmsdb get prints.`);
  }
}
