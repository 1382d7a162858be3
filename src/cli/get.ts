import { selectRecords } from '../records/query.js';
import { parseCommandArgs, parseFormat, requirePath } from './args.js';
import { EXIT } from './errors.js';
import { ItemWriter, ProgressReporter, TextSink } from './output.js';

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runGet(argv: string[], io: Io): Promise<number> {
  const args = parseCommandArgs('get', argv, {
    path: { type: 'string', multiple: true },
    mailbox: { type: 'string', multiple: true },
    affected: { type: 'boolean' },
    format: { type: 'string' },
    progress: { type: 'boolean' },
  });
  const format = parseFormat('get', args.format);
  const paths = args.path ?? [];
  if (paths.length === 0) requirePath('get', undefined);
  // Every path is checked before any output, so a bad one fails the command cleanly.
  const selections = paths.map((path) => selectRecords({ path: requirePath('get', path), mailbox: args.mailbox ?? [], affected: args.affected ?? false }));
  const total = selections.reduce((n, s) => n + s.files.names.length, 0);

  const sink = new TextSink(io.stdout);
  const out = new ItemWriter(sink, format, 'records');
  const progress = args.progress ? new ProgressReporter(io.stderr, total, 'Reading KMS records') : null;
  progress?.update(0);

  await out.begin();
  let before = 0;
  for (const selection of selections) {
    for (const record of selection.records((done) => progress?.update(before + done))) {
      await out.item(record);
      if (!sink.open) break;
    }
    before += selection.files.names.length;
    if (!sink.open) break;
  }
  await out.end();
  return EXIT.OK;
}
