// npm run build: the bundle, the standalone executables and the module folder.
//   dist/kmsdb.cjs                               the CLI in one CommonJS file
//   dist/KmsEnrollment/bin/linux-x64/kmsdb       Node SEA executables, built offline
//   dist/KmsEnrollment/bin/win-x64/kmsdb.exe
//   dist/KmsEnrollment/...                       the PowerShell module from ps-wrapper/
// `node scripts/build.mjs --bundle-only` stops after the bundle; `--module-only` remakes only the module's scripts.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { inject } from 'postject';
import { nodeBinary, TARGETS } from './lib/node-dist.mjs';
import { setPeChecksum, withoutSignature } from './lib/pe.mjs';
import { releaseNotes } from './lib/release-notes.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const MODULE = join(DIST, 'KmsEnrollment');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
// Read before anything in dist/ is touched: a CHANGELOG.md that cannot give the release notes stops the build there.
// The bundle alone has no manifest to take them.
const RELEASE_NOTES = process.argv.includes('--bundle-only')
  ? ''
  : (() => {
      try {
        return releaseNotes(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), pkg.version);
      } catch (err) {
        console.error(`build: ${err.message}`);
        process.exit(1);
      }
    })();

/** The CommonJS source of the precompiled validators that stand in for src/contract/ajv.ts in the bundle. */
async function precompiledValidators() {
  const helper = join(DIST, '.build', 'contract.cjs');
  await build({
    stdin: {
      contents: "export { standaloneModule } from './src/contract/ajv.ts'; export { CLI_VALIDATORS } from './src/contract/index.ts';",
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile: helper,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
  const { standaloneModule, CLI_VALIDATORS } = createRequire(import.meta.url)(helper);
  rmSync(join(DIST, '.build'), { recursive: true, force: true });
  return standaloneModule(CLI_VALIDATORS);
}

async function bundle() {
  const validators = await precompiledValidators();
  const precompiled = {
    name: 'precompiled-validators',
    setup(b) {
      b.onResolve({ filter: /^\.\/ajv\.js$/ }, (args) =>
        args.importer.endsWith(join('contract', 'index.ts')) ? { path: 'precompiled', namespace: 'kmsdb-validators' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'kmsdb-validators' }, () => ({ contents: validators, loader: 'js', resolveDir: ROOT }));
    },
  };
  await build({
    plugins: [precompiled],
    entryPoints: { kmsdb: join(ROOT, 'src/index.ts'), 'kmsdb-scan-worker': join(ROOT, 'src/scan/scan-worker.ts') },
    outdir: DIST,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    define: { KMSDB_VERSION: JSON.stringify(pkg.version) },
    legalComments: 'none',
    logLevel: 'warning',
  });
}

/**
 * Makes the SEA blob with the pinned Linux binary itself, so that blob and
 * runtime always match. The code cache only works on the platform that made
 * it, so the Windows blob goes without.
 */
function seaBlob(target) {
  const blob = join(DIST, `sea-${target}.blob`);
  const config = join(DIST, `sea-${target}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      main: join(DIST, 'kmsdb.cjs'),
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: target === 'linux-x64',
      useSnapshot: false,
      // The scan workers run this code: a SEA has no file to start a worker from.
      assets: { 'scan-worker.cjs': join(DIST, 'kmsdb-scan-worker.cjs') },
    }),
  );
  execFileSync(nodeBinary('linux-x64'), ['--experimental-sea-config', config], { stdio: 'pipe' });
  return blob;
}

/**
 * What LIEF (inside postject) prints while it injects into the Linux binary:
 * it adds a section for each note of the PT_NOTE segment it rebuilds, the SEA
 * blob's among them, and cannot name them in the section-name table. Node
 * finds the blob through the PT_NOTE program header, never by section name,
 * so the unnamed sections are harmless. Anything else LIEF says is shown.
 */
const HARMLESS_LIEF = /^warning: Can't find string offset for section name '\.note(\.\d+)?'$/;

async function injectBlob(out, blob) {
  const warn = console.warn;
  const shown = [];
  // postject's WebAssembly LIEF writes its log through console.warn, bound when inject() loads it.
  console.warn = (...args) => {
    const line = args.join(' ');
    if (!HARMLESS_LIEF.test(line)) shown.push(line);
  };
  try {
    await inject(out, 'NODE_SEA_BLOB', blob, { sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2' });
  } finally {
    console.warn = warn;
  }
  for (const line of shown) console.warn(line);
}

async function executable(target) {
  const out = join(MODULE, 'bin', target, TARGETS[target].exe);
  mkdirSync(join(MODULE, 'bin', target), { recursive: true });
  rmSync(out, { force: true });
  const windows = out.endsWith('.exe');
  // Node's Authenticode signature would not survive the injection; it goes first, as Node's SEA documentation says.
  const base = readFileSync(nodeBinary(target));
  writeFileSync(out, windows ? withoutSignature(base) : base, { mode: 0o755 });
  chmodSync(out, 0o755);
  await injectBlob(out, readFileSync(seaBlob(target)));
  if (windows) writeFileSync(out, setPeChecksum(readFileSync(out)));
}

const FUNCTIONS_REGION = /^#region functions\r?\n[\s\S]*?^#endregion functions$/m;

/**
 * The module's .psm1 with every Private and Public function in it: dot-sourcing some 30 files made
 * each import several times slower than one file of the same size (`npm run bench`). The source
 * keeps one file per function, and its .psm1 dot-sources them between the `#region functions`
 * markers, so that the source folder imports as it is while developing.
 */
function mergedModule(source) {
  const psm1 = readFileSync(join(source, 'KmsEnrollment.psm1'), 'utf8');
  if (!FUNCTIONS_REGION.test(psm1))
    throw new Error('KmsEnrollment.psm1 has no #region functions ... #endregion functions block to merge into');
  const parts = [];
  for (const folder of ['Private', 'Public']) {
    const names = readdirSync(join(source, folder))
      .filter((n) => n.toLowerCase().endsWith('.ps1'))
      .sort((a, b) => a.localeCompare(b, 'en'));
    for (const name of names) {
      const text = readFileSync(join(source, folder, name), 'utf8').replace(/^\uFEFF/, '');
      parts.push(`# ${folder}/${name}\n${text.trimEnd()}\n`);
    }
  }
  return psm1.replace(FUNCTIONS_REGION, () => `#region functions\n${parts.join('\n')}#endregion functions`);
}

/** Copies the module source next to bin/, with one merged .psm1, stamping the manifest with the package version and release notes. */
function moduleFiles() {
  const source = join(ROOT, 'ps-wrapper');
  if (!existsSync(source)) return;
  const separate = /^[\\/](Private|Public)([\\/]|$)/;
  cpSync(source, MODULE, {
    recursive: true,
    filter: (src) => !/[\\/]tests?([\\/]|$)/.test(src.slice(source.length)) && !separate.test(src.slice(source.length)),
  });
  writeFileSync(join(MODULE, 'KmsEnrollment.psm1'), mergedModule(source));
  // The scripts that ship with the module (the scheduled task of docs/operations.md), signed with it by npm run pack.
  cpSync(join(ROOT, 'examples', 'Invoke-KmsScheduledReset.ps1'), join(MODULE, 'Examples', 'Invoke-KmsScheduledReset.ps1'));
  const manifest = join(MODULE, 'KmsEnrollment.psd1');
  if (existsSync(manifest)) {
    const text = readFileSync(manifest, 'utf8');
    const stamped = text.replace(/ModuleVersion\s*=\s*'[^']*'/, `ModuleVersion = '${pkg.version}'`);
    if (stamped === text && !text.includes(`ModuleVersion = '${pkg.version}'`))
      throw new Error('KmsEnrollment.psd1 has no ModuleVersion to stamp');
    const placeholder = "ReleaseNotes = 'See CHANGELOG.md.'";
    if (!stamped.includes(placeholder)) throw new Error(`KmsEnrollment.psd1 has no ${placeholder} to fill in`);
    writeFileSync(
      manifest,
      stamped.replace(placeholder, () => `ReleaseNotes = '${RELEASE_NOTES.replace(/'/g, "''")}'`),
    );
  }
}

if (process.argv.includes('--module-only')) {
  // The module's scripts alone, over a dist/ that a full build made: quick while working on ps-wrapper/.
  for (const name of ['KmsEnrollment.psm1', 'KmsEnrollment.psd1', 'KmsEnrollment.Format.ps1xml', 'en-US', 'Examples', 'Private', 'Public'])
    rmSync(join(MODULE, name), { recursive: true, force: true });
  moduleFiles();
} else {
  await bundle();
}
if (!process.argv.includes('--bundle-only') && !process.argv.includes('--module-only')) {
  rmSync(MODULE, { recursive: true, force: true });
  for (const target of Object.keys(TARGETS)) await executable(target);
  for (const f of ['sea-linux-x64.blob', 'sea-win-x64.blob', 'sea-linux-x64.json', 'sea-win-x64.json'])
    rmSync(join(DIST, f), { force: true });
  moduleFiles();
}
