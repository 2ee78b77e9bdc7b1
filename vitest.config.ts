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
  entries.push({
    find: new RegExp(`^@gen/${name}$`),
    replacement: `${root}packages/${name}/src/index.ts`,
  });
  return entries;
});

const shared = {
  resolve: { alias },
  test: {
    pool: 'forks' as const,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
};

export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
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
