import { explain, loneSurrogate, MAX_DEPTH, nestsDeeperThan, validator } from '../contract/index.js';
import type { ChangeRequest } from '../change/reset-restore.js';
import { usage } from './errors.js';
import { checkStdin, forEachTextLine, InputError, readStream } from '../input/bounded.js';

/** The most stdin a request may hold; kmsdb get prints about 500 bytes a record. */
export const STDIN_LIMIT = 128 * 1024 * 1024;

/**
 * All of stdin as text. Standard input must be a pipe, a terminal or a file
 * (not a device like /dev/zero), and hold at most `limit` bytes: more is
 * refused as soon as it arrives.
 */
export async function readAll(stream: NodeJS.ReadableStream, limit = STDIN_LIMIT): Promise<string> {
  const tooLarge = () => usage(`stdin holds more than ${limit / 1024 / 1024} MiB; send the records in smaller batches.`);
  let bytes: Buffer;
  try {
    if (stream === process.stdin) checkStdin(limit);
    bytes = await readStream(stream, limit);
  } catch (err) {
    if (err instanceof InputError && err.reason === 'size') throw tooLarge();
    if (err instanceof InputError) throw usage(`stdin ${err.message}; pipe the input into kmsdb.`);
    throw err;
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
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
    // Not one JSON value: NDJSON, read a line at a time, so that the first bad line ends the work.
    const items: unknown[] = [];
    forEachTextLine(text, (line, number) => {
      const where = `stdin line ${number}`;
      items.push(item(parseLine(line.trim(), where, schema), where, schema));
    });
    return items;
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
  /** The record's hash when the restore was planned (elsewhere): a record changed since is refused, even with --force. */
  sha256?: string | null;
  event?: 'reset' | 'restore' | 'reset-failed' | 'restore-failed';
  id?: string;
  host?: string;
}

/** Parses what `kmsdb reset` prints, or audit-log lines, into what to restore. */
export function parseRestoreItems(text: string): RestoreItem[] {
  return parseItems(text, 'restoreRequest').map((value) => {
    const v = value as RestoreItem;
    const out: RestoreItem = { backupPath: v.backupPath };
    if (v.path !== undefined) out.path = v.path;
    if (v.sha256Before) out.sha256Before = v.sha256Before.toLowerCase();
    if (v.sha256After) out.sha256After = v.sha256After.toLowerCase();
    if (v.sha256) out.sha256 = v.sha256.toLowerCase();
    if (v.event !== undefined) out.event = v.event;
    if (typeof v.id === 'string') out.id = v.id;
    if (typeof v.host === 'string') out.host = v.host;
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
