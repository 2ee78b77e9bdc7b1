import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryPackages, repoRoot } from '../workspace.js';
import {
  brokenLinks,
  codeBlocks,
  docPages,
  FENCE_TAGS,
  readPage,
  runnableBlocks,
} from './code-blocks.js';

// Runs every ```js block of docs/ (the architecture, the guides, the index and the gallery) as
// a user would: saved as an .mjs file and run with plain `node` against the built packages (no
// vitest aliases, no bundler), from a scratch folder whose node_modules links the workspace's
// @gen packages and tfjs. A block passes when it exits with 0 and prints something that is not
// NaN.

// Pages that teach must show at least one block that runs.
const MUST_RUN = (page: string) => page === 'architecture.md' || page.startsWith('guides/');
const EXPECTED_GUIDES = [
  'autoregressive.md',
  'custom-pipeline.md',
  'flows.md',
  'gans.md',
  'getting-started.md',
  'mixtures.md',
  'vaes.md',
];

const work = mkdtempSync(join(tmpdir(), 'gen-docs-'));
const testsModules = join(repoRoot, 'tests', 'node_modules');
// @tensorflow/tfjs-layers is a devDependency of @gen/nn, not of tests/: the custom-pipeline
// guide's fromLayersModel blocks need it, so it is linked from there.
const layers = join(repoRoot, 'packages', 'nn', 'node_modules', '@tensorflow', 'tfjs-layers');

beforeAll(() => {
  for (const pkg of libraryPackages()) {
    if (!existsSync(join(pkg.dir, 'dist'))) {
      throw new Error(`${pkg.name} is not built: run \`pnpm build\` before the docs tests`);
    }
  }
  const modules = join(work, 'node_modules');
  mkdirSync(join(modules, '@tensorflow'), { recursive: true });
  symlinkSync(realpathSync(join(testsModules, '@gen')), join(modules, '@gen'), 'dir');
  for (const name of readdirSync(join(testsModules, '@tensorflow'))) {
    const target = realpathSync(join(testsModules, '@tensorflow', name));
    symlinkSync(target, join(modules, '@tensorflow', name), 'dir');
  }
  symlinkSync(realpathSync(layers), join(modules, '@tensorflow', 'tfjs-layers'), 'dir');
  writeFileSync(join(work, 'package.json'), '{ "private": true, "type": "module" }\n');
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const pages = docPages();

describe('docs pages', () => {
  it('has the index, the architecture and every guide', () => {
    expect(pages).toContain('README.md');
    expect(pages).toContain('architecture.md');
    expect(pages.filter((p) => p.startsWith('guides/')).map((p) => p.slice(7))).toEqual(
      EXPECTED_GUIDES,
    );
  });

  it('shows the package graph of the package.json files', () => {
    const rows = [...readPage('architecture.md').matchAll(/^\| `(@gen\/[a-z-]+)` \| (.+?) \|$/gm)];
    const documented = Object.fromEntries(
      rows.map(([, name, deps]) => [
        name,
        deps === '—' ? [] : deps!.split(', ').map((d) => d.replace(/`/g, '')),
      ]),
    );
    const actual = Object.fromEntries(
      libraryPackages().map((p) => [p.name, [...p.genDependencies].sort()]),
    );
    expect(documented).toEqual(actual);
  });

  for (const page of pages) {
    describe(page, () => {
      const markdown = readPage(page);

      it('tags every code block with a known tag', () => {
        const unknown = codeBlocks(markdown)
          .filter((b) => !(FENCE_TAGS as readonly string[]).includes(b.tag))
          .map((b) => `line ${b.line}: \`\`\`${b.tag}`);
        expect(unknown, `allowed: ${FENCE_TAGS.join(', ')}`).toEqual([]);
      });

      it('links only to files and headings that exist', () => {
        expect(brokenLinks(page, markdown)).toEqual([]);
      });

      if (MUST_RUN(page)) {
        it('has runnable blocks', () => {
          expect(runnableBlocks(markdown).length).toBeGreaterThan(0);
        });
      }

      runnableBlocks(markdown).forEach((block, index) => {
        it(`runs the block at line ${block.line}`, () => {
          const dir = join(work, `${page.replace(/[/.]/g, '-')}-${index}`);
          mkdirSync(dir);
          writeFileSync(join(dir, 'example.mjs'), block.code);
          const run = spawnSync(process.execPath, ['example.mjs'], {
            cwd: dir,
            encoding: 'utf8',
            timeout: 120_000,
          });
          const where = `docs/${page}:${block.line}`;
          expect(run.status, `${where} failed:\n${run.stdout}\n${run.stderr}`).toBe(0);
          expect(run.stdout.trim(), `${where} prints its results`).not.toBe('');
          expect(run.stdout, `${where} printed NaN`).not.toMatch(/\bNaN\b/);
        }, 150_000);
      });
    });
  }
});
