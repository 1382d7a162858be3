// The least work a `get` of a folder can do, for `npm run bench -- --only floor`: the folder's
// names listed and sorted, then each file opened, read and closed, split in two halves between the
// main thread and one worker. `diagnose` also diagnoses its bytes as `get --affected` does;
// `record` also builds and serialises every record as `get` does (with the file's fstat). No
// output, no checks of the kind of file, no listing overlapped with reading: what is left of
// kmsdb's time above this is its own overhead; what is left of this above grep is Node's and the
// record's. Prints how many records are affected, and how many characters of JSON they made.
// Usage (bundled by the bench): node scan-floor.mjs FOLDER read|diagnose|record
import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { buildRecord, diagnose } from '../src/records/record.js';

interface Job {
  dir: string;
  names: string[];
  mode: string;
}

/** How many records are affected, and how many characters of JSON the records made. */
function read(job: Job): [number, number] {
  const scratch = Buffer.allocUnsafe(64 * 1024);
  let affected = 0;
  let bytes = 0;
  for (const name of job.names) {
    const path = `${job.dir}/${name}`;
    const fd = openSync(path, 'r');
    const length = readSync(fd, scratch, 0, scratch.length, null);
    if (job.mode !== 'read') {
      const d = diagnose(scratch.subarray(0, length));
      if (d.affected) affected++;
      if (job.mode === 'record')
        bytes += JSON.stringify(buildRecord(path, name, scratch.subarray(0, length), fstatSync(fd).mtime, d)).length;
    }
    closeSync(fd);
  }
  return [affected, bytes];
}

if (isMainThread) {
  const [dir = '.', mode = 'diagnose'] = process.argv.slice(2);
  if (!['read', 'diagnose', 'record'].includes(mode)) throw new Error(`scan-floor: no mode ${mode}`);
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.ini'))
    .sort();
  const half = names.length >> 1;
  const worker = new Worker(new URL(import.meta.url), { workerData: { dir, names: names.slice(half), mode } });
  const own = read({ dir, names: names.slice(0, half), mode });
  worker.on('message', (theirs: [number, number]) => {
    console.log(`${own[0] + theirs[0]} ${own[1] + theirs[1]}`);
    void worker.terminate();
  });
} else {
  parentPort?.postMessage(read(workerData as Job));
}
