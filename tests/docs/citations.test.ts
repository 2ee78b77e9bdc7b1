import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../workspace.js';
import { headingAnchors } from './code-blocks.js';

// Comments, tests, READMEs and benchmarks cite the project's references as
// `docs/<page>.md#<anchor>`. A citation must lead somewhere a user can follow: the page exists in
// the repository and the anchor is one of its headings. Citations of the notes the project was
// designed from (which never shipped) must not come back.

const SCANNED = ['packages', 'apps', 'tests', 'bench', 'scripts', 'docs', '.ci'];
const ROOT_FILES = ['README.md', 'CONTRIBUTING.md'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.turbo', 'coverage', 'test-results']);
const EXTENSIONS = /\.(ts|tsx|mts|cts|js|mjs|cjs|md|py|sh|html|json|ya?ml)$|^run$/;
const MAX_BYTES = 2_000_000;

// Built from pieces so that this file does not match itself.
const RETIRED = [
  ['reference', 'papers.md'].join('/'),
  ['papers', 'md'].join('.'),
  ['toolchain', 'facts'].join('-'),
  ['papers', '§'].join(' '),
  ['toolchain', 'notes'].join(' '),
];
const CITATION = /(?<![\w./-])(?:\.\.\/)*docs\/([\w./-]+?\.md)(?:#([\w-]+))?/g;
const SELF = fileURLToPath(import.meta.url);

function sourceFiles(): string[] {
  const out: string[] = ROOT_FILES.map((f) => join(repoRoot, f)).filter((f) => existsSync(f));
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && relative(repoRoot, path) !== join('docs', 'api')) {
          walk(path);
        }
      } else if (entry.isFile() && EXTENSIONS.test(entry.name) && path !== SELF) {
        if (statSync(path).size <= MAX_BYTES) out.push(path);
      }
    }
  };
  for (const dir of SCANNED) if (existsSync(join(repoRoot, dir))) walk(join(repoRoot, dir));
  return out;
}

interface Citation {
  file: string;
  line: number;
  page: string;
  anchor: string | undefined;
}

function citationsIn(file: string, text: string): Citation[] {
  const found: Citation[] = [];
  text.split('\n').forEach((lineText, i) => {
    for (const m of lineText.matchAll(CITATION)) {
      found.push({ file, line: i + 1, page: `docs/${m[1]}`, anchor: m[2] });
    }
  });
  return found;
}

/** The citations that lead nowhere, as `file:line → target (why)`. */
function brokenCitations(citations: readonly Citation[]): string[] {
  const slugCache = new Map<string, Set<string> | null>();
  const slugsOf = (page: string) => {
    if (!slugCache.has(page)) {
      const path = join(repoRoot, page);
      slugCache.set(page, existsSync(path) ? headingAnchors(readFileSync(path, 'utf8')) : null);
    }
    return slugCache.get(page)!;
  };
  const broken: string[] = [];
  for (const c of citations) {
    const target = `${c.page}${c.anchor === undefined ? '' : `#${c.anchor}`}`;
    const where = `${relative(repoRoot, c.file)}:${c.line} → ${target}`;
    if (c.page.startsWith('docs/api/')) continue;
    const slugs = slugsOf(c.page);
    if (slugs === null) broken.push(`${where} (no such file)`);
    else if (c.anchor !== undefined && !slugs.has(c.anchor))
      broken.push(`${where} (no such heading)`);
  }
  return broken;
}

describe('citations of the docs', () => {
  const files = sourceFiles().map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const citations = files.flatMap(({ file, text }) => citationsIn(file, text));

  it('makes GitHub anchors of headings', () => {
    const page = '# A\n## KL divergences in closed form\n### Flows on 2-D toy densities\n## A\n';
    expect([...headingAnchors(page)]).toEqual([
      'a',
      'kl-divergences-in-closed-form',
      'flows-on-2-d-toy-densities',
      'a-1',
    ]);
    expect(headingAnchors('```sh\n# not a heading\n```\n').size).toBe(0);
  });

  it('finds the citations of the sources (the scan reads what it should)', () => {
    const cited = new Set(citations.map((c) => relative(repoRoot, c.file)));
    for (const file of [
      'packages/distributions/src/kl/gaussian.ts',
      'packages/gan/src/mode-coverage.ts',
      'apps/cli/src/commands/info.ts',
      'bench/flows-toy.mjs',
    ]) {
      expect(cited, file).toContain(file);
    }
    expect(citations.filter((c) => c.page === 'docs/references.md').length).toBeGreaterThan(20);
    expect(citations.filter((c) => c.page === 'docs/toolchain.md').length).toBeGreaterThan(2);
  });

  it('reports a citation of a missing page or heading', () => {
    const fake = [
      { file: SELF, line: 1, page: 'docs/references.md', anchor: 'no-such-heading' },
      { file: SELF, line: 2, page: 'docs/no-such-page.md', anchor: undefined },
      { file: SELF, line: 3, page: 'docs/references.md', anchor: 'bibliography' },
    ];
    expect(brokenCitations(fake)).toEqual([
      'tests/docs/citations.test.ts:1 → docs/references.md#no-such-heading (no such heading)',
      'tests/docs/citations.test.ts:2 → docs/no-such-page.md (no such file)',
    ]);
  });

  it('every docs/…md#anchor citation leads to an existing page and heading', () => {
    expect(brokenCitations(citations)).toEqual([]);
  });

  it('no file cites the design notes that are not in the repository', () => {
    const stale = files.flatMap(({ file, text }) =>
      RETIRED.filter((needle) => text.includes(needle)).map(
        (needle) => `${relative(repoRoot, file)}: ${needle}`,
      ),
    );
    expect(stale).toEqual([]);
  });
});
