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
  // ASCII names, the usual ones, are encoded all at once: name by name, 100,000
  // names took 20 to 30 ms, while the reader threads waited. Every character
  // beyond ASCII takes more than one byte in UTF-8: then each name is encoded on its own.
  const joined = names.join('');
  const encoded = Buffer.from(joined, 'utf8');
  const ascii = encoded.length === joined.length;
  let total = encoded.length;
  if (!ascii) {
    total = 0;
    for (const n of names) total += Buffer.byteLength(n, 'utf8');
  }
  const bytes = new SharedArrayBuffer(total);
  const starts = new SharedArrayBuffer((names.length + 1) * Int32Array.BYTES_PER_ELEMENT);
  const view = Buffer.from(bytes);
  const offsets = new Int32Array(starts);
  if (ascii) view.set(encoded);
  let at = 0;
  names.forEach((n, i) => {
    offsets[i] = at;
    at += ascii ? n.length : view.write(n, at, 'utf8');
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
