import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicPackages } from '../workspace.js';
import { NODE24_VERSION, node24 } from './node24.js';
import { changeset, copyWorkingTree } from './scratch.js';

// The release path as a maintainer runs it, on the Node floor (20, the one running vitest) and on
// the current LTS (24): in a scratch copy of the working tree, `changeset status` and then
// `changeset version`. Both must give the first release, 0.1.0, for every public package at once.

const FIRST_RELEASE = '0.1.0';
const published = publicPackages();
// Changesets writes the changelogs at the first release; until then every package is at 0.0.0.
const firstRelease = !published.some((p) => existsSync(join(p.dir, 'CHANGELOG.md')));
const BUMPS = ['patch', 'minor', 'major'] as const;

/** The version a fixed group at `current` gets from the given bumps (semver increments). */
function nextVersion(current: string, bumps: string[]): string {
  const highest = Math.max(...bumps.map((b) => BUMPS.indexOf(b as (typeof BUMPS)[number])));
  const [major, minor, patch] = current.split('.').map(Number) as [number, number, number];
  if (highest === 2) return `${major + 1}.0.0`;
  if (highest === 1) return `${major}.${minor + 1}.0`;
  if (highest === 0) return `${major}.${minor}.${patch + 1}`;
  return current;
}

interface Changeset {
  id: string;
  packages: Record<string, string>;
  summary: string;
}

/** The pending changesets of a checkout (their frontmatter is `"name": bump` lines). */
function pendingChangesets(root: string): Changeset[] {
  const dir = join(root, '.changeset');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
      if (!match) throw new Error(`.changeset/${f} has no frontmatter`);
      const packages: Record<string, string> = {};
      for (const line of match[1]!.split('\n')) {
        const entry = /^\s*["']([^"']+)["']\s*:\s*(\w+)\s*$/.exec(line);
        if (entry) packages[entry[1]!] = entry[2]!;
      }
      return { id: f.slice(0, -3), packages, summary: match[2]!.trim() };
    });
}

/** Markdown text without escapes and with single spaces, for comparing prose. */
function plain(markdown: string): string {
  return markdown.replaceAll('\\', '').replace(/\s+/g, ' ');
}

interface Outcome {
  /** `changeset status --output` before versioning. */
  status: { changesets: unknown[]; releases: { name: string; newVersion: string }[] };
  /** Every package.json and CHANGELOG.md of the workspace packages after `changeset version`. */
  files: Map<string, string>;
  /** What is left in .changeset/. */
  changesetDir: string[];
}

/**
 * A scratch copy of the working tree as a one-commit repository (`changeset status` compares
 * against the base branch). Copied once and duplicated per Node version, so both runs start from
 * the same files even while the working tree changes.
 */
function committedCopy(parent: string): string {
  const dir = copyWorkingTree(parent);
  // The changelog cites the commit that added each changeset: fixed dates keep it reproducible.
  const when = '2026-01-01T00:00:00Z';
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=release', '-c', 'user.email=release@localhost', ...args],
      {
        cwd: dir,
        stdio: 'pipe',
        env: { ...process.env, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
      },
    );
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'scratch');
  return dir;
}

function releaseWith(node: string, base: string, dir: string): Outcome {
  cpSync(base, dir, { recursive: true, verbatimSymlinks: true });
  const status = changeset(node, dir, ['status', '--output', 'status.json']);
  if (status.status !== 0) {
    throw new Error(`changeset status failed with ${node}:\n${status.stdout}\n${status.stderr}`);
  }
  const version = changeset(node, dir, ['version']);
  if (version.status !== 0) {
    throw new Error(`changeset version failed with ${node}:\n${version.stdout}\n${version.stderr}`);
  }

  const files = new Map<string, string>();
  for (const folder of ['packages', 'apps', 'tests', 'bench']) {
    const base = join(dir, folder);
    const leaves = existsSync(join(base, 'package.json')) ? [''] : readdirSync(base);
    for (const leaf of leaves) {
      for (const name of ['package.json', 'CHANGELOG.md']) {
        const file = join(base, leaf, name);
        if (existsSync(file)) files.set(join(folder, leaf, name), readFileSync(file, 'utf8'));
      }
    }
  }
  return {
    status: JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')),
    files,
    changesetDir: readdirSync(join(dir, '.changeset')).sort(),
  };
}

let changesets: Changeset[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'gen-release-'));
const runs = [
  {
    node: `Node ${process.version} (the floor, running this test)`,
    binary: () => process.execPath,
  },
  { node: `Node ${NODE24_VERSION} (current LTS)`, binary: node24 },
];
const outcomes = new Map<string, Outcome>();

beforeAll(() => {
  const base = committedCopy(scratch);
  changesets = pendingChangesets(base);
  runs.forEach((run, i) => {
    outcomes.set(run.node, releaseWith(run.binary(), base, join(scratch, `run-${i}`)));
  });
}, 240_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the pending changesets', () => {
  it('exist and name only workspace packages', () => {
    expect(changesets.length).toBeGreaterThan(0);
    const names = new Set([...published.map((p) => p.name), '@gen/demo']);
    for (const c of changesets) {
      expect(
        Object.keys(c.packages).length,
        `.changeset/${c.id}.md names no package`,
      ).toBeGreaterThan(0);
      for (const name of Object.keys(c.packages)) {
        expect(names.has(name), `.changeset/${c.id}.md names ${name}`).toBe(true);
      }
    }
  });

  it('hold no major bump before 1.0', () => {
    const majors = changesets.filter((c) => Object.values(c.packages).includes('major'));
    if (Number(published[0]!.version.split('.')[0]) === 0) {
      expect(majors.map((c) => c.id)).toEqual([]);
    }
  });

  it('start from one version shared by every public package', () => {
    expect(published.map((p) => p.version)).toEqual(published.map(() => published[0]!.version));
  });
});

// Registered until the first release is cut (after it, the packages are at 0.1.0 or later).
if (firstRelease) {
  describe('the first release', () => {
    it('goes from 0.0.0 to 0.1.0', () => {
      for (const pkg of published) expect(pkg.version, pkg.name).toBe('0.0.0');
      expect(expectedVersion()).toBe(FIRST_RELEASE);
    });
  });
}

/** What `changeset version` must write into every public package. */
function expectedVersion(): string {
  return nextVersion(
    published[0]!.version,
    changesets.flatMap((c) => Object.values(c.packages)),
  );
}

describe.each(runs.map((r) => r.node))('changesets on %s', (node) => {
  const get = () => ({ node, outcome: outcomes.get(node)! });

  it('changeset status plans the next version for every public package', () => {
    const { node, outcome } = get();
    const planned = Object.fromEntries(outcome.status.releases.map((r) => [r.name, r.newVersion]));
    for (const pkg of published)
      expect(planned[pkg.name], `${pkg.name} on ${node}`).toBe(expectedVersion());
    expect(outcome.status.changesets).toHaveLength(changesets.length);
  });

  it('changeset version writes the next version with consistent internal ranges', () => {
    const { node, outcome } = get();
    for (const pkg of published) {
      const json = JSON.parse(outcome.files.get(join(pkg.path, 'package.json'))!);
      expect(json.version, `${pkg.name} on ${node}`).toBe(expectedVersion());
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
        for (const [dep, range] of Object.entries<string>(json[field] ?? {})) {
          // `workspace:` ranges stay; pnpm turns them into the released version when packing.
          if (dep.startsWith('@gen/')) {
            expect(range, `${pkg.name} ${field} ${dep} on ${node}`).toMatch(/^workspace:[\^*]$/);
          }
        }
      }
    }
  });

  it('writes a CHANGELOG.md per public package with every changeset that names it', () => {
    const { node, outcome } = get();
    for (const pkg of published) {
      const log = outcome.files.get(join(pkg.path, 'CHANGELOG.md'));
      expect(log, `${pkg.path}/CHANGELOG.md on ${node}`).toBeDefined();
      expect(log!.startsWith(`# ${pkg.name}\n\n## ${expectedVersion()}\n`), pkg.name).toBe(true);
      // The changelog formats the prose as Markdown list items (re-indented, escaped).
      const text = plain(log!);
      for (const c of changesets.filter((c) => pkg.name in c.packages)) {
        const lead = plain(c.summary.split('\n')[0]!);
        expect(text.includes(lead), `${pkg.name} lacks .changeset/${c.id}.md`).toBe(true);
      }
    }
  });

  it('consumes the changesets', () => {
    expect(get().outcome.changesetDir).toEqual(['README.md', 'config.json']);
  });

  it('leaves the test and benchmark workspaces alone', () => {
    const { outcome } = get();
    expect(JSON.parse(outcome.files.get('tests/package.json')!).version).toBe('0.0.0');
    expect(JSON.parse(outcome.files.get('bench/package.json')!).version).toBe('0.0.0');
  });
});

describe('Node 20 and Node 24', () => {
  it('give the same release, file for file', () => {
    const [twenty, twentyFour] = runs.map((r) => outcomes.get(r.node)!);
    expect([...twentyFour!.files.keys()].sort()).toEqual([...twenty!.files.keys()].sort());
    for (const [file, text] of twenty!.files) {
      expect(twentyFour!.files.get(file), file).toBe(text);
    }
    expect(twentyFour!.status).toEqual(twenty!.status);
  });
});
