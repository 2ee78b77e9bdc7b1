import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const packages = readdirSync(`${root}packages`).filter((name) =>
  existsSync(`${root}packages/${name}/package.json`),
);

// Tests import workspace packages from their sources, so no build is needed before `vitest`.
// More specific subpaths (`@gen/core/testing`) come first.
const alias = packages.flatMap((name) => {
  const entries = [];
  const testing = `${root}packages/${name}/src/testing/index.ts`;
  if (existsSync(testing)) entries.push({ find: `@gen/${name}/testing`, replacement: testing });
  // @gen/core/node imports nothing else of @gen/core, so its sources are safe to alias; the other
  // packages' node entries resolve to their builds (see packages/train/src/resolve-store.ts).
  if (name === 'core') {
    entries.push({ find: '@gen/core/node', replacement: `${root}packages/core/src/node.ts` });
  }
  entries.push({
    find: new RegExp(`^@gen/${name}$`),
    replacement: `${root}packages/${name}/src/index.ts`,
  });
  return entries;
});

// Two test files at a time (one per core of a small CI machine): tfjs runs each file on one
// thread. The demo's files drive Chromium (itself several processes, WebGPU on the CPU through
// SwiftShader), so they run afterwards, one at a time, on an otherwise idle machine.
const WORKERS = 2;

const shared = {
  resolve: { alias },
  test: {
    pool: 'forks' as const,
    maxWorkers: WORKERS,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
};

export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    maxWorkers: WORKERS,
    projects: [
      ...packages.map((name) => ({
        ...shared,
        test: {
          ...shared.test,
          name,
          root: `${root}packages/${name}`,
          include: ['src/**/*.test.ts'],
        },
      })),
      // apps/cli and apps/demo are tested through their builds (a spawned `gen` process, a
      // static demo build in Chromium), which `pnpm test` makes before vitest runs.
      ...['cli', 'demo'].map((name) => ({
        ...shared,
        test: {
          ...shared.test,
          name,
          root: `${root}apps/${name}`,
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          ...(name === 'demo' ? { maxWorkers: 1, sequence: { groupOrder: 1 } } : {}),
        },
      })),
      {
        ...shared,
        test: {
          ...shared.test,
          name: 'integration',
          root: `${root}tests`,
          include: ['**/*.test.ts'],
        },
      },
    ],
  },
});
