import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryPackages, withGenDependencies } from '../workspace.js';

// Two copies of @gen/core (and of @gen/nn, @gen/distributions) side by side, for real: the
// packed tarballs are installed with npm into one project, each of the three a second time under
// an npm alias, and a plain-node script passes objects and errors of one copy to the other.
const TFJS = { '@tensorflow/tfjs-core': '4.22.0', '@tensorflow/tfjs-backend-wasm': '4.22.0' };
const USED = [
  '@gen/core',
  '@gen/nn',
  '@gen/distributions',
  '@gen/divergences',
  '@gen/estimators',
  '@gen/gan',
];
const COPIES: Record<string, string> = {
  'gen-core-copy': '@gen/core',
  'gen-nn-copy': '@gen/nn',
  'gen-distributions-copy': '@gen/distributions',
};
const SCRIPT = fileURLToPath(new URL('./two-copies-script.mjs', import.meta.url));

const all = libraryPackages();
const needed = [...new Set(USED.flatMap((name) => withGenDependencies(name, all)))];
const work = mkdtempSync(join(tmpdir(), 'gen-two-copies-'));
const project = join(work, 'project');
let install: ReturnType<typeof spawnSync> | undefined;

beforeAll(() => {
  const tarballs = new Map<string, string>();
  for (const pkg of needed) {
    if (!existsSync(join(pkg.dir, 'dist'))) {
      throw new Error(`${pkg.name} is not built: run \`pnpm build\` before the two-copies test`);
    }
    const before = new Set(readdirSync(work));
    execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: pkg.dir, stdio: 'pipe' });
    const created = readdirSync(work).filter((f) => f.endsWith('.tgz') && !before.has(f));
    if (created.length !== 1) throw new Error(`pnpm pack of ${pkg.name} made ${created.length}`);
    tarballs.set(pkg.name, join(work, created[0]!));
  }
  const dependencies: Record<string, string> = { ...TFJS };
  for (const [name, tarball] of tarballs) dependencies[name] = `file:${tarball}`;
  for (const [alias, name] of Object.entries(COPIES)) {
    dependencies[alias] = `file:${tarballs.get(name)}`;
  }
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'two-copies', private: true, type: 'module', dependencies }, null, 2),
  );
  copyFileSync(SCRIPT, join(project, 'two-copies.mjs'));
  install = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    { cwd: project, encoding: 'utf8' },
  );
}, 300_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('two installed copies of @gen/core, @gen/nn and @gen/distributions', () => {
  it('installs each aliased copy as a package of its own beside the original', () => {
    expect(install?.status, `npm install failed:\n${install?.stderr}`).toBe(0);
    for (const [alias, name] of Object.entries(COPIES)) {
      const copyDir = join(project, 'node_modules', alias);
      const json = JSON.parse(readFileSync(join(copyDir, 'package.json'), 'utf8'));
      expect(json.name).toBe(name);
      expect(realpathSync(copyDir)).not.toBe(realpathSync(join(project, 'node_modules', name)));
    }
  });

  it('work together: Rngs, modules, distributions and errors of one copy in the other', () => {
    expect(install?.status).toBe(0);
    const run = spawnSync(process.execPath, ['two-copies.mjs'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 240_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, `two-copies.mjs failed:\n${output}`).toBe(0);
    expect(output).not.toMatch(/^FAIL /m);
    // Every check ran (a script that stopped early cannot pass).
    expect(run.stdout.match(/^ok /gm)).toHaveLength(21);
    expect(run.stdout).toContain('all checks passed');
  }, 300_000);
});
