import { opendirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeFsError } from '../fs-errors.js';
import { DatabaseAccessError, isRecordName, recordFiles, undecodableNames } from './listing.js';
import { Utf8Builder } from './utf8-builder.js';

/**
 * Record names in shared memory: UTF-8 bytes, and where each name starts
 * (one more offset marks the end). Workers read the names they claim from it,
 * so a large folder's list is not copied into every worker.
 */
export interface SharedNames {
  bytes: SharedArrayBuffer;
  starts: SharedArrayBuffer;
  count: number;
}

/** A folder and its record names in shared memory, in the order of RecordFiles. */
export interface SharedFiles {
  dir: string;
  names: SharedNames;
  /** As in RecordFiles. */
  undecodable?: string[];
}

export function shareNames(names: readonly string[]): SharedNames {
  let total = 0;
  for (const n of names) total += Buffer.byteLength(n, 'utf8');
  const bytes = new SharedArrayBuffer(total);
  const starts = new SharedArrayBuffer((names.length + 1) * Int32Array.BYTES_PER_ELEMENT);
  const view = Buffer.from(bytes);
  const offsets = new Int32Array(starts);
  let at = 0;
  names.forEach((n, i) => {
    offsets[i] = at;
    at += view.write(n, at, 'utf8');
  });
  offsets[names.length] = at;
  return { bytes, starts, count: names.length };
}

/** Reads names out of shared memory; the views are made once, not per name. */
export function sharedNameReader(shared: SharedNames): (index: number) => string {
  const offsets = new Int32Array(shared.starts);
  const bytes = Buffer.from(shared.bytes);
  return (index) => bytes.toString('utf8', offsets[index], offsets[index + 1]);
}

/** Names packed as UTF-8 while a folder is read. */
class NameList {
  private readonly text = new Utf8Builder(1 << 20);
  starts = new Int32Array(1 << 14);
  count = 0;
  ascii = true;
  private packed: Buffer | null = null;

  /** The packed names; valid until the next add(). */
  get bytes(): Buffer {
    return (this.packed ??= this.text.view());
  }

  add(name: string): void {
    if (this.count + 2 > this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
    }
    const start = this.text.length;
    this.packed = null;
    this.text.append(name);
    // Only ASCII takes one UTF-8 byte per UTF-16 code unit.
    if (this.text.length - start !== name.length) this.ascii = false;
    this.starts[this.count++] = start;
    this.starts[this.count] = this.text.length;
  }

  name(index: number): string {
    return this.bytes.toString('utf8', this.starts[index], this.starts[index + 1]);
  }

  /** Byte order of two ASCII names, which is their string order too. */
  compare(a: number, b: number): number {
    const bytes = this.bytes;
    const starts = this.starts;
    const aEnd = starts[a + 1] as number;
    const bEnd = starts[b + 1] as number;
    let i = starts[a] as number;
    let j = starts[b] as number;
    for (; i < aEnd && j < bEnd; i++, j++) {
      const d = (bytes[i] as number) - (bytes[j] as number);
      if (d !== 0) return d;
    }
    return aEnd - i - (bEnd - j);
  }

  /**
   * The names' indexes in byte order. Names are sorted first by their first
   * four bytes (every record name has them: it ends in .ini), with a native
   * numeric sort of prefix * 2^21 + index, which a double holds exactly; only
   * runs of names that share those bytes are then compared in full.
   */
  order(): Uint32Array {
    const n = this.count;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (n > INDEX_LIMIT) return order.sort((a, b) => this.compare(a, b));
    const keys = new Float64Array(n);
    const bytes = this.bytes;
    for (let i = 0; i < n; i++) keys[i] = this.prefix(bytes, i) * INDEX_LIMIT + i;
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = (keys[i] as number) % INDEX_LIMIT;
    for (let start = 0, end = 1; start < n; start = end++) {
      const prefix = Math.floor((keys[start] as number) / INDEX_LIMIT);
      while (end < n && Math.floor((keys[end] as number) / INDEX_LIMIT) === prefix) end++;
      if (end - start > 1) order.subarray(start, end).sort((a, b) => this.compare(a, b));
    }
    return order;
  }

  /** The first four bytes of a name as a number (bytes past its end count as 0). */
  private prefix(bytes: Buffer, index: number): number {
    const start = this.starts[index] as number;
    const end = this.starts[index + 1] as number;
    let p = 0;
    for (let k = start; k < start + 4; k++) p = p * 256 + (k < end ? (bytes[k] as number) : 0);
    return p;
  }
}

/** Up to this many names, an index fits beside a 32-bit prefix in a double's 53 bits. */
const INDEX_LIMIT = 2 ** 21;

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The record names of a folder, as recordFiles lists them (every `*.ini`
 * name, in string order), but straight into shared memory: a large folder
 * leaves no string per name on the heap. Those strings would all survive
 * young collections, and V8 then grows the young generation for the rest of
 * the scan (npm run bench -- --only scan).
 */
export function listSharedFiles(path: string): SharedFiles {
  const dir = resolve(path);
  if (!isFolder(dir)) {
    // One record file, or a path that fails: recordFiles says which.
    const files = recordFiles(dir);
    return { dir: files.dir, names: shareNames(files.names), ...(files.undecodable ? { undecodable: files.undecodable } : {}) };
  }
  const list = new NameList();
  let folder;
  try {
    folder = opendirSync(dir, { bufferSize: 1024 });
  } catch (err) {
    throw new DatabaseAccessError(dir, `The database folder ${dir} cannot be listed: ${describeFsError(err)}.`);
  }
  try {
    for (let entry = folder.readSync(); entry !== null; entry = folder.readSync()) {
      if (isRecordName(entry.name)) list.add(entry.name);
    }
  } catch (err) {
    throw new DatabaseAccessError(dir, `The database folder ${dir} cannot be listed: ${describeFsError(err)}.`);
  } finally {
    folder.closeSync();
  }

  if (!list.ascii) {
    // UTF-8 byte order is not UTF-16 string order: sort such a folder's names as strings.
    const names = Array.from({ length: list.count }, (_, i) => list.name(i)).sort();
    const shared: SharedFiles = { dir, names: shareNames(names) };
    if (names.some((n) => n.includes('\uFFFD'))) shared.undecodable = undecodableNames(dir);
    return shared;
  }
  const order = list.order();

  const packed = list.bytes;
  const bytes = new SharedArrayBuffer(packed.length);
  const starts = new SharedArrayBuffer((list.count + 1) * Int32Array.BYTES_PER_ELEMENT);
  const out = new Uint8Array(bytes);
  const offsets = new Int32Array(starts);
  let at = 0;
  order.forEach((index, i) => {
    offsets[i] = at;
    const from = list.starts[index] as number;
    const to = list.starts[index + 1] as number;
    out.set(packed.subarray(from, to), at);
    at += to - from;
  });
  offsets[list.count] = at;
  return { dir, names: { bytes, starts, count: list.count } };
}
