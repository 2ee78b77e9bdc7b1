import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packRelease } from '../release/scratch.js';
import { libraryPackages, repoRoot } from '../workspace.js';

// "Are the types wrong?" on each library's tarball as a release packs it, with the ESM-only
// profile: every entry point of the exports map must resolve to its types under TypeScript's
// node16 (from ESM) and bundler resolution. Node10 and require() from CommonJS are out of scope
// for ESM-only packages. The CLI has no entry points to import, so nothing to check there.
const attw = join(repoRoot, 'tests', 'node_modules', '.bin', 'attw');
const IGNORED_RESOLUTIONS = ['node10', 'node16-cjs'];
const libraries = libraryPackages().filter((p) => !p.private);
const work = mkdtempSync(join(tmpdir(), 'gen-attw-'));
let tarballs = new Map<string, string>();

interface Problem {
  kind: string;
  entrypoint?: string;
  resolutionKind?: string;
}

beforeAll(() => {
  tarballs = packRelease(
    libraries.map((p) => p.path),
    work,
  );
}, 180_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('attw --profile esm-only', () => {
  for (const pkg of libraries) {
    it(`${pkg.name} has correct types for every entry point`, () => {
      const run = spawnSync(
        attw,
        [tarballs.get(pkg.name)!, '--profile', 'esm-only', '--format', 'json'],
        { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
      );
      expect(run.stderr).toBe('');
      const result = JSON.parse(run.stdout) as {
        analysis: { types: { kind: string } | false; entrypoints: Record<string, unknown> };
        problems?: Record<string, Problem[]>;
      };
      expect(result.analysis.types, 'the package ships its own types').toMatchObject({
        kind: 'included',
      });
      expect(Object.keys(result.analysis.entrypoints)).toContain('.');
      const problems = Object.values(result.problems ?? {})
        .flat()
        .filter((p) => !IGNORED_RESOLUTIONS.includes(p.resolutionKind ?? ''))
        .map((p) => `${p.kind} at ${p.entrypoint ?? '?'} (${p.resolutionKind ?? 'any'})`);
      expect(problems).toEqual([]);
      expect(run.status, 'attw exit code').toBe(0);
    });
  }
});
