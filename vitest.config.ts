import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Tests that compare the processor time of two input sizes: they run after the rest, alone, since
// another test file on the other core slows the larger input more (cache and memory bandwidth). They
// collect garbage between timings, and V8 runs on their thread alone (test/unit/linear-parsers.test.ts says why).
const ALONE = ['test/unit/linear-parsers.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Most of the suite's time is spent waiting on the kmsdb, pwsh and wine processes that the tests
    // start. vitest's default (one worker fewer than cores) runs the files one at a time on CI's 2 cores.
    maxWorkers: Math.max(2, availableParallelism()),
    tags: [{ name: 'slow', description: 'Packs, signs or installs the built module: minutes. --tags-filter "!slow" leaves them out.' }],
    projects: [
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: ALONE, sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, execArgv: ['--expose-gc', '--single-threaded'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
