import { explain, loneSurrogate, MAX_DEPTH, nestsDeeperThan, validator } from '../contract/index.js';
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
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}

type ItemSchema = 'resetRequest' | 'restoreRequest';

function item(value: unknown, where: string, schema: ItemSchema): unknown {
  if (nestsDeeperThan(value))
    throw usage(
      `${where} nests more than ${MAX_DEPTH} levels deep: expected what kmsdb ${schema === 'resetRequest' ? 'get' : 'reset'} prints.`,
    );
  const validate = validator(`${schema}#/$defs/item`);
  if (!validate(value)) throw usage(explain(validate.errors, where));
  const lone = loneSurrogate(value);
  if (lone) throw usage(`${where} holds a lone surrogate (${lone}), which no file name can hold; nothing was changed.`);
  return value;
}

/**
 * The items of stdin in either format: one JSON document whose `records`
 * (or, for restore, `results`) holds them, one item, or NDJSON. The whole
 * input is validated before anything is done with it; any fault is a usage
 * error naming where it is.
 */
function parseItems(text: string, schema: ItemSchema): unknown[] {
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
      .map(({ line, where }) => item(parseLine(line, where, schema), where, schema));
  }
  const lists = schema === 'resetRequest' ? ['records'] : ['records', 'results'];
  if (whole !== null && typeof whole === 'object' && !Array.isArray(whole) && lists.some((key) => key in whole)) {
    const validate = validator(`${schema}#/$defs/document`);
    if (!validate(whole)) throw usage(explain(validate.errors, 'stdin'));
    const doc = whole as { records?: unknown[]; results?: unknown[] };
    return (doc.records ?? doc.results ?? []).map((r, i) => item(r, `stdin record ${i + 1}`, schema));
  }
  return [item(whole, 'stdin', schema)];
}

/** Parses what `kmsdb get` prints, in either format, into the records to reset. */
export function parseRequests(text: string): ChangeRequest[] {
  return parseItems(text, 'resetRequest').map((value) => {
    const v = value as { path: string; sha256?: string | null };
    return v.sha256 === undefined ? { path: v.path } : { path: v.path, sha256: v.sha256 };
  });
}

/** One thing to restore (schemas/restore-request.schema.json): a reset's result, or an audit-log line. */
export interface RestoreItem {
  backupPath: string | null;
  path?: string;
  sha256Before?: string | null;
  sha256After?: string | null;
  event?: 'reset' | 'restore' | 'reset-failed' | 'restore-failed';
  id?: string;
}

/** Parses what `kmsdb reset` prints, or audit-log lines, into what to restore. */
export function parseRestoreItems(text: string): RestoreItem[] {
  return parseItems(text, 'restoreRequest').map((value) => {
    const v = value as RestoreItem;
    const out: RestoreItem = { backupPath: v.backupPath };
    if (v.path !== undefined) out.path = v.path;
    if (v.sha256Before) out.sha256Before = v.sha256Before.toLowerCase();
    if (v.sha256After) out.sha256After = v.sha256After.toLowerCase();
    if (v.event !== undefined) out.event = v.event;
    if (typeof v.id === 'string') out.id = v.id;
    return out;
  });
}

function parseLine(line: string, where: string, schema: ItemSchema): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    throw usage(
      `${where} is not JSON${err instanceof RangeError ? ' (nested too deeply)' : ''}: ` +
        `expected what kmsdb ${schema === 'resetRequest' ? 'get' : 'reset'} prints.`,
    );
  }
}
