import { defaultThreads, PARALLEL_MIN_FILES, ScanPool } from '../scan/scan-pool.js';
import { selectRecords, type Selection } from '../scan/read-records.js';
import { PathKindError } from '../scan/listing.js';
import { shareNames } from '../scan/shared-names.js';
import { parseCommandArgs, parseFormat, requirePath, settingsFor } from './args.js';
import { EXIT, usage } from './errors.js';
import type { Io } from './io.js';
import { ItemWriter, ProgressReporter, TextSink } from './output.js';

/** A path's record files and how many there are. */
interface Listing {
  count: number;
  selection: Selection;
}

/** Files kmsdb cannot name are not read; say so rather than leave them out in silence. */
function warnUndecodable(io: Io, dir: string, names: readonly string[] | undefined): void {
  for (const name of names ?? []) {
    io.stderr.write(`kmsdb: warning: ${dir} holds ${name}, whose name is not valid UTF-8; it is not read. Rename it to read it.\n`);
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
  const query = { mailbox: args.mailbox ?? [], affected: args.affected ?? false };
  const paths = args.path ?? [];
  if (paths.length === 0) paths.push(requirePath('get', settingsFor(args.config)?.database));
  const threads = args.threads === undefined ? defaultThreads() : Number(args.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw usage(`get: --threads must be a whole number from 1 to 64, not '${args.threads}'.`);
  let pool: ScanPool | null = null;
  try {
    // Every path is checked before any output, so a bad one fails the command cleanly.
    const listings: Listing[] = paths.map((path) => {
      const checked = requirePath('get', path);
      try {
        const selection = selectRecords({ path: checked, ...query });
        warnUndecodable(io, selection.files.dir, selection.files.undecodable);
        return { count: selection.files.names.length, selection };
      } catch (err) {
        if (err instanceof PathKindError) throw usage(`get: --path ${err.message}; give the database folder or one record file.`);
        throw err;
      }
    });
    const total = listings.reduce((n, l) => n + l.count, 0);
    if (threads > 1 && listings.some((l) => l.count >= PARALLEL_MIN_FILES)) pool = new ScanPool(threads);

    const sink = new TextSink(io.stdout);
    const out = new ItemWriter(sink, format, 'records');
    const progress = args.progress ? new ProgressReporter(io.stderr, total, 'Reading KMS records') : null;
    progress?.update(0);

    await out.begin();
    let before = 0;
    for (const { count, selection } of listings) {
      const onRead = (done: number) => progress?.update(before + done);
      if (pool && count >= PARALLEL_MIN_FILES) {
        const files = { dir: selection.files.dir, names: shareNames(selection.files.names) };
        for await (const run of pool.records(files, query, ItemWriter.separator(format), onRead)) {
          if (run.bytes) await out.encoded(run.bytes, run.count);
          if (!sink.open) break;
        }
      } else {
        for (const record of selection.records(onRead)) {
          await out.item(record);
          if (!sink.open) break;
        }
      }
      before += count;
      if (!sink.open) break;
    }
    await out.end();
  } finally {
    pool?.close();
  }
  return EXIT.OK;
}
