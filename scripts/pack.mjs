// npm run pack: what an admin installs, from the module folder that the build made.
//   dist/KmsEnrollment-<version>-win-x64.zip     the module with bin/win-x64 only, to expand into a PSModulePath folder
//   dist/KmsEnrollment-<version>-linux-x64.zip   the module with bin/linux-x64 only
//   dist/KmsEnrollment.<version>.nupkg           the module for a PowerShell repository (Install-PSResource,
//                                                Install-Module): both executables, as one module serves both
// Signing (Authenticode, with osslsigncode): kmsdb.exe and every module script, when a certificate is named.
//   --cert FILE            certificate (PEM or DER, chain included), or a .pfx/.p12 holding certificate and key
//   --key FILE             private key (PEM or DER) that goes with a --cert certificate file
//   --password-file FILE   passphrase of the key or .pfx, first line of FILE
//   --timestamp URL        RFC 3161 timestamp server; no timestamp unless given
// Each option falls back on KMSDB_SIGN_CERT, KMSDB_SIGN_KEY, KMSDB_SIGN_PASSWORD_FILE, KMSDB_SIGN_TIMESTAMP.
// --out DIR writes the packages to DIR instead of dist/.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { sourceDate, zip } from './lib/zip.mjs';

// ZIP's DOS times are local times; the packages are written in UTC so that they are the same
// bytes wherever they are built (see lib/zip.mjs).
process.env.TZ = 'UTC';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const MODULE = join(DIST, 'KmsEnrollment');
const PLATFORMS = ['win-x64', 'linux-x64'];
const SCRIPT = /\.(ps1|psm1|psd1|ps1xml)$/i;
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const { values: opts } = parseArgs({
  options: {
    cert: { type: 'string', default: process.env.KMSDB_SIGN_CERT || undefined },
    key: { type: 'string', default: process.env.KMSDB_SIGN_KEY || undefined },
    'password-file': { type: 'string', default: process.env.KMSDB_SIGN_PASSWORD_FILE || undefined },
    timestamp: { type: 'string', default: process.env.KMSDB_SIGN_TIMESTAMP || undefined },
    out: { type: 'string', default: DIST },
  },
});
const OUT = resolve(opts.out);
const WORK = join(OUT, '.pack');
const STAGE = join(WORK, 'KmsEnrollment');

function* files(dir) {
  // By UTF-16 code units, not localeCompare, whose order follows the build machine's locale.
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* files(path);
    else yield path;
  }
}

/** The staged module's files as archive entries, under `prefix`, leaving out `skip` (paths relative to the module). */
function entries(prefix, skip = () => false) {
  const out = [];
  for (const path of files(STAGE)) {
    const rel = relative(STAGE, path).split(sep).join('/');
    if (skip(rel)) continue;
    out.push({ name: `${prefix}${rel}`, data: readFileSync(path), executable: (statSync(path).mode & 0o111) !== 0 });
  }
  return out;
}

/** Signs one file in place with osslsigncode, which signs PE files and PowerShell scripts alike. */
function sign(path) {
  const pfx = /\.(pfx|p12)$/i.test(opts.cert);
  if (!pfx && !opts.key) throw new Error('--cert names a certificate file: --key must name its private key (or give a .pfx)');
  const signed = join(WORK, 'signed', basename(path));
  mkdirSync(join(WORK, 'signed'), { recursive: true });
  const args = ['sign', ...(pfx ? ['-pkcs12', opts.cert] : ['-certs', opts.cert, '-key', opts.key]), '-h', 'sha256', '-n', 'KmsEnrollment'];
  if (opts['password-file']) args.push('-readpass', opts['password-file']);
  if (opts.timestamp) args.push('-ts', opts.timestamp);
  args.push('-in', path, '-out', signed);
  try {
    execFileSync('osslsigncode', args, { stdio: 'pipe', timeout: 300_000 });
  } catch (err) {
    if (err.code === 'ENOENT') throw new Error('signing needs osslsigncode (apt-get install -y osslsigncode)', { cause: err });
    throw new Error(`osslsigncode could not sign ${relative(ROOT, path)}: ${String(err.stderr || err.message).trim()}`, { cause: err });
  }
  renameSync(signed, path);
}

/** The .nuspec of the module, from its manifest, as PowerShellGet and PSResourceGet publish one. */
function nuspec(manifest) {
  const value = (key) => {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*'((?:[^']|'')*)'`, 'm').exec(manifest);
    if (!m) throw new Error(`KmsEnrollment.psd1 has no ${key} = '...'`);
    return m[1].replace(/''/g, "'");
  };
  const list = (key) => {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*@\\(([^)]*)\\)`, 'm').exec(manifest);
    if (!m) throw new Error(`KmsEnrollment.psd1 has no ${key} = @(...)`);
    return [...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1]);
  };
  const functions = list('FunctionsToExport');
  const editions = list('CompatiblePSEditions').map((e) => `PSEdition_${e}`);
  const tags = [
    ...new Set([
      'PSModule',
      ...list('Tags'),
      ...editions,
      'PSIncludes_Function',
      ...functions.flatMap((f) => [`PSFunction_${f}`, `PSCommand_${f}`]),
    ]),
  ];
  const xml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const optional = (key, element) =>
    new RegExp(`^\\s*${key}\\s*=`, 'm').test(manifest) ? `    <${element}>${xml(value(key))}</${element}>\n` : '';
  return `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>KmsEnrollment</id>
    <version>${xml(value('ModuleVersion'))}</version>
    <authors>${xml(value('Author'))}</authors>
    <owners>${xml(value('CompanyName'))}</owners>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>
    <licenseUrl>${xml(value('LicenseUri'))}</licenseUrl>
${optional('ProjectUri', 'projectUrl')}    <description>${xml(value('Description'))}</description>
    <releaseNotes>${xml(value('ReleaseNotes'))}</releaseNotes>
    <copyright>${xml(value('Copyright'))}</copyright>
    <tags>${xml(tags.join(' '))}</tags>
  </metadata>
</package>
`;
}

/** The parts of the Open Packaging Conventions that NuGet writes into every package. */
function nupkgParts() {
  const part = (name, text) => ({ name, data: Buffer.from(text, 'utf8') });
  return [
    part(
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />' +
        '<Default Extension="nuspec" ContentType="application/octet" />' +
        '<Default Extension="psmdcp" ContentType="application/vnd.openxmlformats-package.core-properties+xml" />' +
        '<Default ContentType="application/octet" /></Types>',
    ),
    part(
      '_rels/.rels',
      '<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/KmsEnrollment.nuspec" Id="R0" /></Relationships>',
    ),
  ];
}

rmSync(WORK, { recursive: true, force: true });
cpSync(MODULE, STAGE, { recursive: true });
try {
  if (opts.cert) {
    const signed = [...files(STAGE)].filter((p) => SCRIPT.test(p) || p.endsWith('.exe'));
    for (const path of signed) sign(path);
    console.log(`signed ${signed.length} files${opts.timestamp ? `, timestamped by ${opts.timestamp}` : ''}`);
  }
  const written = [];
  const mtime = sourceDate();
  for (const platform of PLATFORMS) {
    const out = join(OUT, `KmsEnrollment-${version}-${platform}.zip`);
    writeFileSync(
      out,
      await zip(
        entries('KmsEnrollment/', (rel) => rel.startsWith('bin/') && !rel.startsWith(`bin/${platform}/`)),
        mtime,
      ),
    );
    written.push(out);
  }
  const manifest = readFileSync(join(STAGE, 'KmsEnrollment.psd1'), 'utf8');
  const nupkg = join(OUT, `KmsEnrollment.${version}.nupkg`);
  writeFileSync(
    nupkg,
    await zip([...nupkgParts(), { name: 'KmsEnrollment.nuspec', data: Buffer.from(nuspec(manifest), 'utf8') }, ...entries('')], mtime),
  );
  written.push(nupkg);
  for (const out of written) console.log(`${relative(process.cwd(), out)}: ${(statSync(out).size / 1024 / 1024).toFixed(1)} MiB`);
} finally {
  rmSync(WORK, { recursive: true, force: true });
}
