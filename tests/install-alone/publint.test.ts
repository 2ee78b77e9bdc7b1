import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';
import { publicPackages } from '../workspace.js';

const REPOSITORY = 'git+https://github.com/gen-toolkit/gen.git';
const published = publicPackages();

// Every published package passes publint (exports map, types first, files present) in strict mode.
describe('publint', () => {
  for (const pkg of published) {
    it(`${pkg.name} is publint clean`, async () => {
      expect(existsSync(join(pkg.dir, 'dist')), `${pkg.name} must be built first`).toBe(true);
      const { messages, pkg: json } = await publint({
        pkgDir: pkg.dir,
        strict: true,
        level: 'suggestion',
      });
      const text = messages.map((m) => `${m.type}: ${formatMessage(m, json) ?? m.code}`);
      expect(text).toEqual([]);
    });
  }
});

// What npm shows users and what npx needs: where the code lives, where to report bugs, which
// Node versions it runs on, public access under the @gen scope.
describe('published package.json fields', () => {
  it('cover the libraries and the CLI', () => {
    expect(published.map((p) => p.name)).toEqual(
      expect.arrayContaining(['@gen/core', '@gen/vae', '@gen/cli']),
    );
  });

  for (const pkg of published) {
    it(`${pkg.name} names its repository, homepage, bugs, engines and access`, () => {
      const json = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8'));
      expect(json.repository).toEqual({ type: 'git', url: REPOSITORY, directory: pkg.path });
      expect(json.homepage).toBe(`https://github.com/gen-toolkit/gen/tree/main/${pkg.path}#readme`);
      expect(json.bugs).toBe('https://github.com/gen-toolkit/gen/issues');
      expect(json.engines).toEqual({ node: '>=20.11' });
      expect(json.publishConfig).toEqual({ access: 'public' });
      expect(json.license).toBe('MIT');
      expect(json.files).toEqual(['dist', 'README.md', 'CHANGELOG.md']);
      expect(existsSync(join(pkg.dir, 'LICENSE')), `${pkg.path}/LICENSE`).toBe(true);
    });
  }

  it('@gen/cli installs a `gen` command', () => {
    const cli = published.find((p) => p.name === '@gen/cli')!;
    const json = JSON.parse(readFileSync(join(cli.dir, 'package.json'), 'utf8'));
    expect(json.bin).toEqual({ gen: './dist/index.js' });
  });
});
