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
    path: { type: 'string' },
    mailbox: { type: 'string', multiple: true },
    affected: { type: 'boolean' },
    format: { type: 'string' },
    progress: { type: 'boolean' },
  });
  const format = parseFormat('get', args.format);
  const selection = selectRecords({ path: requirePath('get', args.path), mailbox: args.mailbox ?? [], affected: args.affected ?? false });

  const sink = new TextSink(io.stdout);
  const out = new ItemWriter(sink, format, 'records');
  const progress = args.progress ? new ProgressReporter(io.stderr, selection.files.names.length, 'Reading KMS records') : null;
  progress?.update(0);

  await out.begin();
  for (const record of selection.records((done) => progress?.update(done))) {
    await out.item(record);
    if (!sink.open) break;
  }
  await out.end();
  return EXIT.OK;
}
