// Synthetic KMS client records, shaped like Security\Mgrent\Clients\*.ini files.
// Used by the sample database, the tests and the benchmarks.
import { createHash } from 'node:crypto';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Deterministic certificate-like base64 text of `length` characters. */
export function certText(seed, length) {
  let out = '';
  let block = createHash('sha256').update(String(seed)).digest();
  while (out.length < length) {
    for (const byte of block) out += B64[byte & 63];
    block = createHash('sha256').update(block).digest();
  }
  return out.slice(0, length);
}

/**
 * The text of one record.
 * @param {{ alias: string, displayName?: string, org?: string, site?: string,
 *           state?: number|null, numSCerts?: number|null, certLength?: number, eol?: string }} r
 */
export function recordText(r) {
  const eol = r.eol ?? '\r\n';
  const org = r.org ?? 'Contoso';
  const site = r.site ?? 'Redmond';
  const lines = [
    '[Client]',
    'Version = 1',
    `DN = /o=${org}/ou=${site}/cn=Recipients/cn=${r.alias}`,
    `Alias = ${r.alias}`,
    `DisplayName = ${r.displayName ?? r.alias}`,
  ];
  if (r.state !== null) lines.push(`State = ${r.state ?? 1}`);
  const certs = r.numSCerts ?? null;
  if (certs !== null) {
    lines.push(`NumSCerts = ${certs}`);
    for (let i = 0; i < certs; i++) lines.push(`SCert${i} = ${certText(`${r.alias}/s${i}`, r.certLength ?? 1200)}`);
  }
  lines.push('[Keys]', `KeyHistory = ${certText(`${r.alias}/k`, r.certLength ?? 1200)}`, 'Created = 19990425103000');
  return lines.join(eol) + eol;
}

/** A record file name like KMS's own (Mxclfr4zqvktn.ini), stable for a given index. */
export function recordFileName(index) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let n = index * 2654435761 + 12345;
  let name = 'M';
  for (let i = 0; i < 12; i++) {
    name += alphabet[n % 36];
    n = Math.floor(n / 36) + (i + 1) * 7919 * (index + 1);
  }
  return `${name}.ini`;
}
