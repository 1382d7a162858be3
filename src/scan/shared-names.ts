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
