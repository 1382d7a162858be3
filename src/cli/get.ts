import { PathKindError } from '../scan/listing.js';
import { notFoundMessage } from '../scan/read-records.js';
import { isEncoded, scanRecords, type Scan } from '../scan/scan-records.js';
import { parseCommandArgs, parseFormat, requirePath, settingsFor } from './args.js';
import { EXIT, usage } from './errors.js';
import type { Io } from './io.js';
import { isTerminal, ItemWriter, ProgressReporter, RecordTable, TextSink } from './output.js';
import { printable } from './terminal.js';

/** Files kmsdb cannot name are not read; say so rather than leave them out in silence. */
function warnUndecodable(io: Io, dir: string, names: readonly string[] | undefined): void {
  for (const name of names ?? []) {
    io.stderr.write(
      `kmsdb: warning: ${printable(`${dir} holds ${name}`)}, whose name is not valid UTF-8; it is not read. Rename it to read it.\n`,
    );
  }
}

export async function runGet(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('get', argv, {
    path: { type: 'string', multiple: true },
    mailbox: { type: 'string', multiple: true },
    affected: { type: 'boolean' },
    format: { type: 'string' },
    progress: { type: 'boolean' },
    threads: { type: 'string' },
    config: { type: 'string' },
  });
  const format = parseFormat('get', args.format);
  // A person at a terminal gets a table; a pipe, a file or --format gets JSON, as programs expect.
  const table = args.format === undefined && isTerminal(io.stdout);
  const query = { mailbox: args.mailbox ?? [], affected: args.affected ?? false };
  const paths = args.path ?? [];
  if (paths.length === 0) paths.push(requirePath('get', (await settingsFor(args.config))?.database));
  const threads = args.threads === undefined ? undefined : Number(args.threads);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64))
    throw usage(`get: --threads must be a whole number from 1 to 64, not '${args.threads}'.`);
  let scan: Scan;
  try {
    scan = await scanRecords(
      paths.map((path) => requirePath('get', path)),
      query,
      { threads, separator: ItemWriter.separator(table ? 'ndjson' : format) },
    );
  } catch (err) {
    if (err instanceof PathKindError) throw usage(`get: --path ${err.message}; give the database folder or one record file.`);
    throw err;
  }
  for (const folder of scan.folders) warnUndecodable(io, folder.dir, folder.undecodable);

  const sink = new TextSink(io.stdout);
  const out = table ? new RecordTable(sink, scan.total, query.mailbox.length > 0) : new ItemWriter(sink, format, 'records');
  const progress = args.progress ? new ProgressReporter(io.stderr, scan.total, 'Reading KMS records') : null;
  progress?.update(0);
  out.begin();
  // Every path is listed by now, so a bad one failed the command before any output.
  for await (const item of scan.records(progress ? (done) => progress.update(done) : undefined)) {
    if (isEncoded(item)) {
      if (item.bytes) await out.encoded(item.bytes, item.count);
    } else {
      for (const record of item) {
        await out.item(record);
        if (!sink.open) break;
      }
    }
    if (!sink.open) break;
  }
  await out.end();
  // A pattern that names no record is a typo, or a user who is not in this database: say so, as reset refuses it.
  if (sink.open) {
    for (const pattern of scan.unmatched()) {
      const message = notFoundMessage(pattern, scan.unread());
      io.stderr.write(
        io.request ? `${JSON.stringify({ type: 'not-found', mailbox: pattern, message })}\n` : `kmsdb: warning: ${printable(message)}\n`,
      );
    }
  }
  return EXIT.OK;
}
