// npm run bench: speed and memory figures, each against a named peer measured in the same run.
// Usage: node scripts/bench.mjs [--runs N] [--sizes 1000,10000,100000] [--kmsdb PATH] [--baseline PATH]
//   [--only startup,import,scan,floor,reset,module,remoting]
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeBinary, pinnedNodeVersion } from './lib/node-dist.mjs';
import { ensurePwsh } from './lib/tools.mjs';
import { recordFileName, recordText } from './lib/synth.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    sizes: { type: 'string', default: '100000' },
    only: { type: 'string' },
    kmsdb: { type: 'string' },
    // Another kmsdb (say, built from an earlier commit) that the start-up, scan and reset benches run alternately with this one.
    baseline: { type: 'string' },
  },
});
const RUNS = Number(opts.runs);
// A median of fewer runs says little on a shared machine: start-up and the scan always take at least this many.
const MIN_RUNS = 5;
/**
 * A copy made with cp, which each executable is measured from. A binary as the build writes it
 * shows some 17 MiB more peak RSS than a cp of the same bytes (the kernel maps a freshly written
 * file's page cache in larger blocks): copied the same way, two executables compare.
 */
function benchCopy(path, name) {
  const dir = join(ROOT, '.bench', 'bin');
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, name);
  const r = spawnSync('cp', [path, copy]);
  if (r.status !== 0) throw new Error(`cp ${path} ${copy} exited ${r.status}: ${r.stderr}`);
  return copy;
}

const BASELINE = (() => {
  if (opts.baseline === undefined) return null;
  const path = resolve(opts.baseline);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`--baseline ${path} is not an executable kmsdb`);
  }
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`--baseline ${path} --version exited ${r.status}: ${r.stderr}`);
  return benchCopy(path, 'baseline-kmsdb');
})();
// The standalone executable by default; --kmsdb dist/kmsdb.cjs measures the bundle under this node.
const KMSDB = (() => {
  const chosen = resolve(opts.kmsdb ?? join(ROOT, 'dist/KmsEnrollment/bin/linux-x64/kmsdb'));
  if (chosen.endsWith('.cjs')) return [process.execPath, chosen];
  return [existsSync(chosen) ? benchCopy(chosen, 'kmsdb') : chosen];
})();
const BENCH_DIR = join(ROOT, '.bench');

/** A folder of `count` realistic records (about 4 KB, certificate-like lines, 1% affected), made once and reused. */
export function database(count) {
  const dir = join(BENCH_DIR, `clients-${count}`);
  const marker = join(BENCH_DIR, `clients-${count}.done`);
  if (existsSync(marker)) return dir;
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const affected = i % 100 === 7;
    const recovered = i % 100 === 8;
    const text = recordText({
      alias: `user${i}`,
      displayName: `User ${i}`,
      state: affected || recovered ? 4 : 1 + (i % 3),
      numSCerts: affected ? null : 1 + (i % 2),
      certLength: affected ? 3900 : i % 2 ? 1200 : 1750,
    });
    writeFileSync(join(dir, recordFileName(i)), text, 'latin1');
  }
  writeFileSync(marker, '');
  return dir;
}

/** Runs a command with stdout to /dev/null; returns wall seconds and peak RSS in MiB (GNU time). */
function measure(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && !(argv[0] === 'grep' && r.status === 1)) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  const lines = r.stderr.toString().trim().split('\n');
  return { wall, rssMiB: Number(lines.at(-1)) / 1024 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The load averages over 1, 5 and 15 minutes: figures taken under a high load are to be measured again. */
function load() {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** Alternates the commands run by run, so drift on a noisy machine hits each alike. */
function race(commands, runs = RUNS) {
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, { wall: [], rss: [] }]));
  for (const argv of Object.values(commands)) measure(argv); // warm the page cache
  for (let i = 0; i < runs; i++) {
    for (const [name, argv] of Object.entries(commands)) {
      const m = measure(argv);
      samples[name].wall.push(m.wall);
      samples[name].rss.push(m.rssMiB);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { wall: median(v.wall), rss: Math.max(...v.rss) }]));
}

function row(cells) {
  console.log(`| ${cells.join(' | ')} |`);
}

/**
 * `get --affected` and `get` beside the least work each could do in Node (scripts/scan-floor.ts):
 * the files read, diagnosed and (for `get`) made records, on two threads with nothing else; and
 * grep. Shows how much of the scan's time is kmsdb's own, and how much is reading and parsing
 * records in Node at all.
 */
async function benchFloor() {
  const runs = Math.max(RUNS, MIN_RUNS);
  const size = Number(opts.sizes.split(',').at(-1));
  const dir = database(size);
  const floor = join(BENCH_DIR, 'scan-floor.mjs');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(ROOT, 'scripts/scan-floor.ts')],
    outfile: floor,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  const node = nodeBinary('linux-x64');
  const affected = (argv) => {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  };
  // The floor counts what kmsdb lists: both read the same records the same way.
  const counted = Number(affected([node, floor, dir, 'diagnose']).split(' ')[0]);
  const listed = affected([...KMSDB, 'get', '--path', dir, '--affected', '--format', 'ndjson'])
    .split('\n')
    .filter(Boolean).length;
  if (counted !== listed) throw new Error(`the floor counts ${counted} affected records, kmsdb lists ${listed}`);
  const results = race(
    {
      grep: ['grep', '-rlE', '^State = 4', dir],
      'kmsdb get --affected': [...KMSDB, 'get', '--path', dir, '--affected', '--format', 'ndjson'],
      'floor: read and diagnose, 2 threads': [node, floor, dir, 'diagnose'],
      'floor: read only, 2 threads': [node, floor, dir, 'read'],
      'kmsdb get (all)': [...KMSDB, 'get', '--path', dir, '--format', 'ndjson'],
      'floor: read, diagnose, build and serialise every record, 2 threads': [node, floor, dir, 'record'],
    },
    runs,
  );
  console.log(`\n## Scan floor: ${size} records (median of ${runs} alternating runs, warm cache; load ${load()})\n`);
  row(['command', 'wall s', 'ratio to grep']);
  row(['---', '---:', '---:']);
  for (const [name, r] of Object.entries(results)) row([name, r.wall.toFixed(3), (r.wall / results.grep.wall).toFixed(2)]);
}

const NOBODY = Array.from({ length: 500 }, (_, i) => ['--mailbox', `nobody${String(i).padStart(3, '0')}`]).flat();

function benchScan() {
  const runs = Math.max(RUNS, MIN_RUNS);
  console.log(`\n## Scan: kmsdb get vs grep -rlE '^State = 4' (median of ${runs} alternating runs, warm cache; load ${load()})\n`);
  console.log('`--threads 1` is the first implementation: one thread, files read one after another.');
  if (BASELINE) console.log(`"baseline" rows run ${BASELINE}; the last column is kmsdb's wall time over the baseline's.`);
  console.log('');
  row(['records', 'command', 'wall s', 'ratio to grep', 'peak RSS MiB', ...(BASELINE ? ['over baseline'] : [])]);
  row(['---:', '---', '---:', '---:', '---:', ...(BASELINE ? ['---:'] : [])]);
  const peak = {};
  for (const size of opts.sizes.split(',').map(Number)) {
    const dir = database(size);
    const files = readdirSync(dir).length;
    if (files !== size) throw new Error(`${dir} holds ${files} files, not ${size}`);
    const gets = {
      'get --affected': ['get', '--path', dir, '--affected', '--format', 'ndjson'],
      'get --affected --threads 1': ['get', '--path', dir, '--affected', '--format', 'ndjson', '--threads', '1'],
      'get (all)': ['get', '--path', dir, '--format', 'ndjson'],
      'get (all) --threads 1': ['get', '--path', dir, '--format', 'ndjson', '--threads', '1'],
      // A pasted list of 500 names that no record has (each is then named on stderr): every record is tested against each.
      'get --mailbox, 500 names of nobody': ['get', '--path', dir, '--format', 'ndjson', ...NOBODY],
    };
    const commands = { grep: ['grep', '-rlE', '^State = 4', dir] };
    for (const [name, args] of Object.entries(gets)) {
      commands[`kmsdb ${name}`] = [...KMSDB, ...args];
      if (BASELINE) commands[`baseline ${name}`] = [BASELINE, ...args];
    }
    const results = race(commands, runs);
    for (const [name, r] of Object.entries(results)) {
      const overBaseline =
        name.startsWith('kmsdb ') && BASELINE ? [(r.wall / results[name.replace(/^kmsdb/, 'baseline')].wall).toFixed(2)] : [];
      row([
        size,
        name,
        r.wall.toFixed(3),
        (r.wall / results.grep.wall).toFixed(2),
        r.rss.toFixed(1),
        ...(BASELINE ? [overBaseline[0] ?? ''] : []),
      ]);
      (peak[name] ??= {})[size] = r.rss;
    }
  }
  console.log(`\nLoad after the scan: ${load()}`);
  if (peak.grep[10000] && peak.grep[100000]) {
    console.log('\nPeak RSS at 100,000 records over peak RSS at 10,000:\n');
    for (const [name, bySize] of Object.entries(peak)) console.log(`- ${name}: ${(bySize[100000] / bySize[10000]).toFixed(2)}`);
  }
}

/** A folder of `count` records that are all stuck, made once; runs work on fresh copies. */
function stuckDatabase(count) {
  const dir = join(BENCH_DIR, `stuck-${count}`);
  const marker = `${dir}.done`;
  if (existsSync(marker)) return dir;
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    writeFileSync(join(dir, recordFileName(i)), recordText({ alias: `user${i}`, state: 4, numSCerts: null, certLength: 3900 }), 'latin1');
  }
  writeFileSync(marker, '');
  return dir;
}

function benchReset() {
  const count = 10_000;
  const template = stuckDatabase(count);
  const work = join(BENCH_DIR, 'reset-work');
  const clients = join(work, 'Clients');
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const pipeline = (argv) => {
    const kmsdb = argv.map(q).join(' ');
    return `${kmsdb} get --path ${q(clients)} --affected --format ndjson | ${kmsdb} reset --path ${q(clients)} --stdin --format ndjson`;
  };
  const commands = { kmsdb: pipeline(KMSDB) };
  if (BASELINE) commands.baseline = pipeline([BASELINE]);
  const walls = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, command] of Object.entries(commands)) {
      spawnSync('rm', ['-rf', work]);
      mkdirSync(work, { recursive: true });
      spawnSync('cp', ['-a', template, clients]);
      spawnSync('sync');
      const t0 = process.hrtime.bigint();
      const r = spawnSync('sh', ['-c', `${command} | grep -c '"status":"reset"'`], { encoding: 'utf8' });
      walls[name].push(Number(process.hrtime.bigint() - t0) / 1e9);
      if (Number(r.stdout.trim()) !== count) throw new Error(`${name}: reset ${r.stdout.trim()} of ${count} records: ${r.stderr}`);
    }
  }
  spawnSync('rm', ['-rf', work]);
  console.log(
    `\n## Reset: get --affected | reset --stdin on ${count} stuck records ` +
      `(median of ${RUNS} runs, each on a fresh copy${BASELINE ? ', alternating with the baseline' : ''}; load ${load()})\n`,
  );
  row(['kmsdb', 'records', 'wall s', 'records/s']);
  row(['---', '---:', '---:', '---:']);
  for (const [name, w] of Object.entries(walls)) {
    const wall = median(w);
    row([name === 'baseline' ? `baseline ${BASELINE}` : KMSDB.at(-1), count, wall.toFixed(2), Math.round(count / wall)]);
  }
}

function benchStartup() {
  const exe = benchCopy(join(ROOT, 'dist/KmsEnrollment/bin/linux-x64/kmsdb'), 'kmsdb-startup');
  const node = nodeBinary('linux-x64');
  const runs = Math.max(RUNS, 21);
  const commands = { node: [node, '-e', '0'], kmsdb: [exe, '--version'] };
  if (BASELINE) commands.baseline = [BASELINE, '--version'];
  const walls = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (const argv of Object.values(commands)) measure(argv); // page in each binary once
  for (let i = 0; i < runs; i++) for (const [name, argv] of Object.entries(commands)) walls[name].push(measure(argv).wall);
  const n = median(walls.node);
  console.log(
    `\n## Start-up: kmsdb --version vs the same pinned Node running node -e 0 (median of ${runs} alternating runs; load ${load()})\n`,
  );
  row(['command', 'wall ms', 'ratio to node -e 0']);
  row(['---', '---:', '---:']);
  row([`node ${pinnedNodeVersion()} -e 0`, (n * 1000).toFixed(1), '1.00']);
  row(['kmsdb --version', (median(walls.kmsdb) * 1000).toFixed(1), (median(walls.kmsdb) / n).toFixed(2)]);
  if (BASELINE) {
    const b = median(walls.baseline);
    row([`baseline --version (${BASELINE})`, (b * 1000).toFixed(1), (b / n).toFixed(2)]);
    console.log(`\nkmsdb over the baseline: ${(median(walls.kmsdb) / b).toFixed(2)}`);
  }
  const size = (p) => `${(statSync(p).size / 1024 / 1024).toFixed(1)} MiB`;
  console.log(`\nSizes: linux-x64/kmsdb ${size(exe)}, win-x64/kmsdb.exe ${size(join(ROOT, 'dist/KmsEnrollment/bin/win-x64/kmsdb.exe'))}`);
}

function benchModule() {
  const count = 2_000;
  const template = stuckDatabase(count);
  const r = spawnSync(
    ensurePwsh(),
    [
      '-NoProfile',
      '-NonInteractive',
      '-File',
      join(ROOT, 'scripts/bench-module.ps1'),
      '-Template',
      template,
      '-Work',
      join(BENCH_DIR, 'module-work'),
      '-Kmsdb',
      KMSDB.at(-1),
      '-Runs',
      String(RUNS),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`bench-module.ps1 failed: ${r.stderr}${r.stdout}`);
  const m = JSON.parse(r.stdout.trim().split('\n').at(-1));
  console.log(
    `\n## Module: Get-KmsRecord -Affected | Reset-KmsEnrollment -Confirm:$false vs kmsdb get | kmsdb reset --stdin ` +
      `(${m.records} stuck records, median of ${RUNS} runs in one pwsh session after an untimed round, each on a fresh copy, ` +
      `alternating which goes first; load ${m.load} at the end)\n`,
  );
  row(['pipeline', 'wall s', 'ratio']);
  row(['---', '---:', '---:']);
  row(['kmsdb get --affected \\| kmsdb reset --stdin', m.cli.toFixed(2), '1.00']);
  row(['Get-KmsRecord -Affected \\| Reset-KmsEnrollment', m.module.toFixed(2), (m.module / m.cli).toFixed(2)]);
}

function benchRemoting() {
  // Needs root and sshd, as the remoting tests do: N servers on 127.0.0.1, each with its own database.
  const servers = [1, 6];
  const r = spawnSync(
    ensurePwsh(),
    [
      '-NoProfile',
      '-NonInteractive',
      '-File',
      join(ROOT, 'scripts/bench-remoting.ps1'),
      '-Work',
      join(BENCH_DIR, `remoting-${process.pid}`),
      '-ServerCounts',
      servers.join(','),
      '-Records',
      '100',
      '-Runs',
      String(RUNS),
    ],
    { encoding: 'utf8', env: { ...process.env, KMSDB_TEST_PWSH: ensurePwsh() } },
  );
  if (r.status !== 0) throw new Error(`bench-remoting.ps1 failed: ${r.stderr}${r.stdout}`);
  const rows = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  const one = rows.find((x) => x.servers === 1);
  console.log(
    `\n## Remoting: N loopback SSH servers with 100 stuck records each, against one server ` +
      `(median of ${RUNS} alternating rounds after a warm-up round, one pwsh session)\n`,
  );
  row(['servers', 'Get-KmsRecord -Session -Affected s', 'get × 1 server', '... \\| Reset-KmsEnrollment s', 'reset × 1 server']);
  row(['---:', '---:', '---:', '---:', '---:']);
  for (const x of rows)
    row([x.servers, x.get.toFixed(2), (x.get / one.get).toFixed(2), x.reset.toFixed(2), (x.reset / one.reset).toFixed(2)]);
}

/**
 * A module of one .psm1 with `functions` advanced functions, padded with comment lines to `bytes`:
 * what the built KmsEnrollment would cost to import if its own code cost nothing more than its size.
 */
function oneFileModule(dir, name, functions, bytes) {
  mkdirSync(dir, { recursive: true });
  const parts = [];
  for (let i = 0; i < functions; i++)
    parts.push(`function Get-Peer${i} {\n    [CmdletBinding()]\n    param([string] $Name)\n    $Name\n}\n`);
  let text = parts.join('');
  while (Buffer.byteLength(text) < bytes) text += '# padding to the size of the module measured beside this one\n';
  writeFileSync(join(dir, `${name}.psm1`), text);
  writeFileSync(
    join(dir, `${name}.psd1`),
    `@{ RootModule = '${name}.psm1'; ModuleVersion = '1.0.0'; GUID = '0b5a8a52-3f57-4d1e-9a43-1d2c3e4f5a6b'; FunctionsToExport = @('Get-Peer0') }\n`,
  );
  return join(dir, `${name}.psd1`);
}

/**
 * A module unrelated to the ones measured that uses the same PowerShell machinery: an advanced function
 * with attributes, a param block, try/catch, switch and hashtables, a format file and an argument completer.
 * Imported first in each process, it pays PowerShell's first use of that machinery (code that runs once per
 * process for every module, the first of which would be charged with it), so that what is timed after it is
 * the measured module's own cost.
 */
function warmupModule(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'Warmup.psm1'),
    `Set-StrictMode -Version 3.0
function Get-WarmupItem {
    <#
    .SYNOPSIS
    Makes PowerShell load and compile its module machinery before a module is timed.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Name')]
    [OutputType('Warmup.Item')]
    param(
        [Parameter(Position = 0, ParameterSetName = 'Name', ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [Alias('N')]
        [string[]] $Name = @('a'),

        [ValidateRange(1, 10)]
        [int] $Count = 1,

        [switch] $Force
    )
    begin { $list = New-Object System.Collections.Generic.List[string] }
    process {
        foreach ($n in $Name) {
            try { $list.Add([string]$n) } catch { $null = $_ }
            switch ($n) { 'a' { $x = @{ Key = 1; Other = [ordered]@{} } } default { $x = $null } }
            if ($n -match '^(?<v>[a-z]+)$' -and -not $Force) { $x = "$($Matches['v'])" }
        }
    }
    end { [PSCustomObject]@{ PSTypeName = 'Warmup.Item'; Names = $list.ToArray(); Count = $Count; Value = $x } }
}
Register-ArgumentCompleter -CommandName 'Get-WarmupItem' -ParameterName 'Name' -ScriptBlock { param($c, $p, $w) 'a' }
Export-ModuleMember -Function 'Get-WarmupItem'
`,
  );
  writeFileSync(
    join(dir, 'Warmup.Format.ps1xml'),
    `<?xml version="1.0" encoding="utf-8"?>
<Configuration><ViewDefinitions><View><Name>Warmup.Item</Name><ViewSelectedBy><TypeName>Warmup.Item</TypeName></ViewSelectedBy>
<TableControl><TableHeaders><TableColumnHeader><Label>Names</Label></TableColumnHeader></TableHeaders>
<TableRowEntries><TableRowEntry><TableColumnItems>
<TableColumnItem><PropertyName>Names</PropertyName></TableColumnItem>
</TableColumnItems></TableRowEntry></TableRowEntries>
</TableControl></View></ViewDefinitions></Configuration>
`,
  );
  writeFileSync(
    join(dir, 'Warmup.psd1'),
    `@{ RootModule = 'Warmup.psm1'; ModuleVersion = '1.0.0'; GUID = '2c6b9b63-4a68-4e2f-8b54-2e3d4f5a6b7c'\n` +
      `   FunctionsToExport = @('Get-WarmupItem'); FormatsToProcess = @('Warmup.Format.ps1xml') }\n`,
  );
  return join(dir, 'Warmup.psd1');
}

function benchImport() {
  const built = join(ROOT, 'dist/KmsEnrollment/KmsEnrollment.psd1');
  const psm1 = readFileSync(join(ROOT, 'dist/KmsEnrollment/KmsEnrollment.psm1'), 'utf8');
  const functions = (psm1.match(/^function /gm) ?? []).length;
  const modules = {
    'one function': oneFileModule(join(BENCH_DIR, 'import', 'OneFunction'), 'OneFunction', 1, 0),
    [`one file of the same size (${functions} functions, ${Math.round(Buffer.byteLength(psm1) / 1024)} KiB)`]: oneFileModule(
      join(BENCH_DIR, 'import', 'SameSize'),
      'SameSize',
      functions,
      Buffer.byteLength(psm1),
    ),
    'KmsEnrollment, built (one .psm1)': built,
    'KmsEnrollment, source (dot-sources each file)': join(ROOT, 'ps-wrapper/KmsEnrollment.psd1'),
  };
  const warmup = warmupModule(join(BENCH_DIR, 'import', 'Warmup'));
  const pwsh = ensurePwsh();
  const runs = Math.max(RUNS, 11);
  const q = (s) => `'${s.replace(/'/g, "''")}'`;
  /** Milliseconds of Import-Module, timed inside a fresh process; warm: after the warm-up module. */
  const once = (manifest, warm) => {
    const script =
      (warm ? `Import-Module ${q(warmup)} -ErrorAction Stop; ` : '') +
      `$s = [Diagnostics.Stopwatch]::StartNew(); Import-Module ${q(manifest)} -ErrorAction Stop; $s.Elapsed.TotalMilliseconds`;
    const r = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-Command', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`Import-Module ${manifest} failed: ${r.stderr}${r.stdout}`);
    return Number(r.stdout.trim().split('\n').at(-1));
  };
  const ms = Object.fromEntries(Object.keys(modules).map((k) => [k, { cold: [], warm: [] }]));
  const before = load();
  for (const manifest of Object.values(modules)) once(manifest, true); // warm the page cache
  for (let i = 0; i < runs; i++)
    for (const [name, manifest] of Object.entries(modules)) {
      ms[name].warm.push(once(manifest, true));
      ms[name].cold.push(once(manifest, false));
    }
  console.log(
    `\n## Import: Import-Module timed inside a fresh pwsh process (median of ${runs} alternating runs; load ${before} before, ${load()} after)\n`,
  );
  console.log(
    'Each run starts pwsh twice per module. "Own cost": the process first imports an unrelated warm-up module that uses the same',
  );
  console.log(
    'PowerShell machinery (an advanced function, a format file, an argument completer), which pays what PowerShell does once per',
  );
  console.log('process for whichever module comes first; then the module is timed. "First import": the module is the first one in the');
  console.log('process and pays that as well, as a scheduled task that imports only it does.\n');
  row(['module', 'own cost ms', 'ratio to one file of the same size', 'first import ms']);
  row(['---', '---:', '---:', '---:']);
  const base = median(Object.values(ms)[1].warm);
  for (const [name, x] of Object.entries(ms))
    row([name, median(x.warm).toFixed(1), (median(x.warm) / base).toFixed(2), median(x.cold).toFixed(1)]);
}

const benches = {
  startup: benchStartup,
  import: benchImport,
  scan: benchScan,
  floor: benchFloor,
  reset: benchReset,
  module: benchModule,
  remoting: benchRemoting,
};
for (const [name, fn] of Object.entries(benches)) if (!opts.only || opts.only.split(',').includes(name)) await fn();
