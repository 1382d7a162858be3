// Two edits to a Windows PE executable that the build makes to Node's node.exe:
// its Authenticode signature goes before the SEA blob is injected (the
// injection would break it, and a signature not at the end of the file is one
// that signing tools refuse to replace), and the PE checksum is set after.

function headers(pe) {
  if (pe.readUInt16LE(0) !== 0x5a4d) throw new Error('not a PE file: no MZ header');
  const at = pe.readUInt32LE(0x3c);
  if (pe.readUInt32LE(at) !== 0x4550) throw new Error('not a PE file: no PE signature');
  const optional = at + 24;
  const magic = pe.readUInt16LE(optional);
  const directories = optional + (magic === 0x20b ? 112 : magic === 0x10b ? 96 : NaN);
  if (Number.isNaN(directories)) throw new Error(`not a PE file: optional header magic ${magic.toString(16)}`);
  // Data directory 4 is the certificate table: a file offset and a size, not an RVA.
  return { checksumAt: optional + 64, certificateTable: directories + 4 * 8 };
}

/** Sets the PE checksum field (as ImageHlp's CheckSumMappedFile computes it) of a PE file's bytes, in place. */
export function setPeChecksum(pe) {
  const { checksumAt } = headers(pe);
  let sum = 0;
  for (let i = 0; i < pe.length; i += 2) {
    if (i === checksumAt || i === checksumAt + 2) continue;
    sum += i + 1 < pe.length ? pe.readUInt16LE(i) : pe[i];
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  pe.writeUInt32LE(((sum & 0xffff) + (sum >>> 16) + pe.length) >>> 0, checksumAt);
  return pe;
}

/** The bytes of a PE file without its Authenticode signature, checksum set, as `osslsigncode remove-signature` makes them. */
export function withoutSignature(pe) {
  const { certificateTable } = headers(pe);
  const offset = pe.readUInt32LE(certificateTable);
  const size = pe.readUInt32LE(certificateTable + 4);
  if (size === 0) return pe;
  if (offset + size !== pe.length) throw new Error('the signature is not at the end of the file; refusing to cut it');
  const out = Buffer.from(pe.subarray(0, offset));
  out.writeUInt32LE(0, certificateTable);
  out.writeUInt32LE(0, certificateTable + 4);
  return setPeChecksum(out);
}
