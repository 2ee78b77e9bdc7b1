import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstJsBlock, libraryPackages, withGenDependencies } from '../workspace.js';

// Packs every library package, then for each one installs into an empty project only its own
// tarball, the tarballs of its @gen dependencies, tfjs-core and the wasm backend, and runs the
// first JavaScript example of its README with plain `node` (no bundler, no vitest).
const TFJS = ['@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'];
const packages = libraryPackages().filter((p) => !p.private);
// GEN_PACKAGES=core,nn limits the run to those packages (and packs their @gen dependencies).
const only = process.env.GEN_PACKAGES?.split(',').map((n) =>
  n.startsWith('@gen/') ? n : `@gen/${n}`,
);
const selected = only ? packages.filter((p) => only.includes(p.name)) : packages;
const needed = [...new Set(selected.flatMap((p) => withGenDependencies(p.name, packages)))];
const work = mkdtempSync(join(tmpdir(), 'gen-install-alone-'));
const tarballs = new Map<string, string>();

beforeAll(() => {
  for (const pkg of needed) {
    if (!existsSync(join(pkg.dir, 'dist'))) {
      throw new Error(
        `${pkg.name} is not built: run \`pnpm build\` before the install-alone tests`,
      );
    }
    const before = new Set(readdirSync(work));
    execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: pkg.dir, stdio: 'pipe' });
    const created = readdirSync(work).filter((f) => f.endsWith('.tgz') && !before.has(f));
    expect(created, `pnpm pack of ${pkg.name}`).toHaveLength(1);
    tarballs.set(pkg.name, join(work, created[0]!));
  }
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('each package installs alone and runs its README example', () => {
  it('finds the library packages', () => {
    expect(packages.map((p) => p.name)).toContain('@gen/core');
    expect(selected.length).toBeGreaterThan(0);
  });

  for (const pkg of selected) {
    it(`${pkg.name}`, () => {
      const example = firstJsBlock(readFileSync(join(pkg.dir, 'README.md'), 'utf8'));
      expect(example, `${pkg.name}/README.md has no js example`).toBeDefined();

      const project = mkdtempSync(join(work, 'project-'));
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'try-gen', private: true, type: 'module' }, null, 2),
      );
      const own = withGenDependencies(pkg.name, packages).map((p) => tarballs.get(p.name)!);
      const install = spawnSync(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          '--loglevel=error',
          ...own,
          ...TFJS,
        ],
        { cwd: project, encoding: 'utf8' },
      );
      expect(install.status, `npm install failed:\n${install.stderr}`).toBe(0);

      // Nothing from @gen beyond the package and its declared dependencies was installed.
      const installed = readdirSync(join(project, 'node_modules', '@gen')).map((d) => `@gen/${d}`);
      expect(installed.sort()).toEqual(
        withGenDependencies(pkg.name, packages)
          .map((p) => p.name)
          .sort(),
      );

      writeFileSync(join(project, 'example.mjs'), example!);
      const run = spawnSync(process.execPath, ['example.mjs'], {
        cwd: project,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(
        run.status,
        `README example of ${pkg.name} failed:\n${run.stdout}\n${run.stderr}`,
      ).toBe(0);
      expect(run.stdout.trim(), 'the example prints its results').not.toBe('');
    }, 300_000);
  }
});
