import { Readable } from 'node:stream';
import { explain, MAX_DEPTH, nestsDeeperThan, validator } from '../contract/index.js';
import { ExitError, usage } from './errors.js';
import type { Io } from './io.js';
import { checkStdin, InputError } from '../input/bounded.js';
import { LineReader } from './lines.js';
import { STDIN_LIMIT } from './stdin.js';

interface GetRequest {
  command: 'get';
  path?: string[];
  config?: string;
  mailbox?: string[];
  affected?: boolean;
  format?: string;
  progress?: boolean;
}

interface ResetRequest {
  command: 'reset';
  path?: string;
  config?: string;
  records?: unknown[];
  id?: string[];
  mailbox?: string[];
  allowNumSCerts?: boolean;
  allowAmbiguous?: boolean;
  whatIf?: boolean;
  confirm?: boolean;
  backupDir?: string;
  log?: string;
  wait?: number;
  format?: string;
  progress?: boolean;
}

interface RestoreRequest {
  command: 'restore';
  path?: string;
  config?: string;
  records?: unknown[];
  backup?: string[];
  fromLog?: string;
  id?: string[];
  force?: boolean;
  whatIf?: boolean;
  confirm?: boolean;
  backupDir?: string;
  log?: string;
  wait?: number;
  format?: string;
  progress?: boolean;
}

const repeat = (option: string, values: string[] | undefined) => (values ?? []).flatMap((v) => [option, v]);
const flag = (option: string, on: boolean | undefined) => (on ? [option] : []);
const value = (option: string, v: string | number | undefined) => (v === undefined ? [] : [option, String(v)]);

/**
 * Turns a JSON request on stdin (schemas/request.schema.json) into the
 * argument list of the same command. The list never passes through a shell or
 * a command line, so no path or pattern can break quoting. The records of a
 * reset or restore request become that command's stdin.
 */
export async function fromRequest(io: Io): Promise<{ argv: string[]; io: Io }> {
  // The request is the first line, so that a requester can keep stdin open to answer a plan;
  // a request written over several lines is the whole of stdin.
  if (io.stdin === process.stdin) {
    try {
      checkStdin(STDIN_LIMIT);
    } catch (err) {
      if (err instanceof InputError && err.reason === 'size')
        throw usage(`stdin holds more than ${STDIN_LIMIT / 1024 / 1024} MiB; send the records in smaller batches.`);
      if (err instanceof InputError) throw usage(`stdin ${err.message}; pipe the input into kmsdb.`);
      throw err;
    }
  }
  const lines = new LineReader(io.stdin, STDIN_LIMIT);
  let request: unknown;
  try {
    const first = (await lines.next()) ?? '';
    try {
      request = JSON.parse(first.replace(/^\uFEFF/, ''));
    } catch {
      request = JSON.parse(`${first.replace(/^\uFEFF/, '')}\n${await lines.rest()}`);
    }
  } catch (err) {
    if (err instanceof ExitError) throw err;
    throw usage('the request on stdin is not JSON.');
  }
  if (nestsDeeperThan(request)) throw usage(`the request on stdin nests more than ${MAX_DEPTH} levels deep; it is not a kmsdb request.`);
  const validate = validator('request');
  if (!validate(request)) throw usage(explain(validate.errors, 'the request'));
  const r = request as GetRequest | ResetRequest | RestoreRequest;
  // Only a request that asks for a plan's answer has more to say on stdin.
  if (!(r.command !== 'get' && r.confirm) && (await lines.rest()).trim() !== '')
    throw usage('the request on stdin is followed by more input; send one request, on one line or as the whole of stdin.');
  if (r.command === 'get') {
    return {
      io: { ...io, request: {} },
      argv: [
        'get',
        ...repeat('--path', r.path),
        ...value('--config', r.config),
        ...repeat('--mailbox', r.mailbox),
        ...flag('--affected', r.affected),
        ...value('--format', r.format),
        ...flag('--progress', r.progress),
      ],
    };
  }
  const chosen =
    r.command === 'reset'
      ? [
          ...repeat('--id', r.id),
          ...repeat('--mailbox', r.mailbox),
          ...flag('--allow-numscerts', r.allowNumSCerts),
          ...flag('--allow-ambiguous', r.allowAmbiguous),
        ]
      : [...repeat('--backup', r.backup), ...value('--from-log', r.fromLog), ...repeat('--id', r.id), ...flag('--force', r.force)];
  const argv = [
    r.command,
    ...value('--path', r.path),
    ...value('--config', r.config),
    ...chosen,
    ...flag('--stdin', r.records !== undefined),
    ...flag('--what-if', r.whatIf),
    ...value('--backup-dir', r.backupDir),
    ...value('--log', r.log),
    ...value('--wait', r.wait),
    ...value('--format', r.format),
    ...flag('--progress', r.progress),
  ];
  const stdin = Readable.from([JSON.stringify({ schemaVersion: 1, records: r.records ?? [] })]);
  return { argv, io: { ...io, stdin, request: r.confirm ? { reply: (limit: number) => lines.next(limit) } : {} } };
}
