import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Most of the suite's time is spent waiting on the kmsdb, pwsh and wine processes that the tests
    // start. vitest's default (one worker fewer than cores) runs the files one at a time on CI's 2 cores.
    maxWorkers: Math.max(2, availableParallelism()),
    tags: [{ name: 'slow', description: 'Packs, signs or installs the built module: minutes. --tags-filter "!slow" leaves them out.' }],
  },
});
