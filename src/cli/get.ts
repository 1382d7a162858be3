import { defaultThreads, looksLarge, PARALLEL_MIN_FILES, ScanPool } from '../records/parallel.js';
import { selectRecords } from '../records/query.js';
import { loadSettings } from '../settings/index.js';
import { parseCommandArgs, parseFormat, requirePath } from './args.js';
import { EXIT, usage } from './errors.js';
import type { Io } from './io.js';
import { ItemWriter, ProgressReporter, TextSink } from './output.js';

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
  if (paths.length === 0) paths.push(requirePath('get', loadSettings(args.config)?.database));
  const threads = args.threads === undefined ? defaultThreads() : Number(args.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw usage(`get: --threads must be a whole number from 1 to 64, not '${args.threads}'.`);
  // Workers boot while a folder that looks large is listed, else once the listing shows it is.
  let pool = threads > 1 && paths.some(looksLarge) ? new ScanPool(threads) : null;
  try {
    // Every path is checked before any output, so a bad one fails the command cleanly.
    const selections = paths.map((path) => selectRecords({ path: requirePath('get', path), ...query }));
    const total = selections.reduce((n, s) => n + s.files.names.length, 0);
    if (!pool && threads > 1 && selections.some((s) => s.files.names.length >= PARALLEL_MIN_FILES)) pool = new ScanPool(threads);

    const sink = new TextSink(io.stdout);
    const out = new ItemWriter(sink, format, 'records');
    const progress = args.progress ? new ProgressReporter(io.stderr, total, 'Reading KMS records') : null;
    progress?.update(0);

    await out.begin();
    let before = 0;
    for (const selection of selections) {
      const onRead = (done: number) => progress?.update(before + done);
      if (pool && selection.files.names.length >= PARALLEL_MIN_FILES) {
        for await (const run of pool.records(selection.files, query, ItemWriter.separator(format), onRead)) {
          await out.encoded(run.text, run.count);
          if (!sink.open) break;
        }
      } else {
        for (const record of selection.records(onRead)) {
          await out.item(record);
          if (!sink.open) break;
        }
      }
      before += selection.files.names.length;
      if (!sink.open) break;
    }
    await out.end();
  } finally {
    pool?.close();
  }
  return EXIT.OK;
}
