import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../workspace.js';

/** The changesets CLI the workspace pins (2.x: 3.x needs Node 22.11, above our floor). */
export const changesetBin = join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js');

/**
 * Copies what a fresh clone plus the uncommitted work would hold (tracked files and untracked
 * files git does not ignore; no node_modules, no dist) into a new folder under `parent` and
 * returns it. The root node_modules is linked in, so the changelog generator named in
 * .changeset/config.json resolves as it does in the workspace.
 */
export function copyWorkingTree(parent: string = tmpdir()): string {
  const dest = mkdtempSync(join(parent, 'gen-scratch-'));
  const listed = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of listed.split('\0')) {
    // A tracked file deleted in the working tree is still listed by `-c`.
    if (file === '' || !existsSync(join(repoRoot, file))) continue;
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(dest, file));
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(dest, 'node_modules'), 'dir');
  return dest;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the changesets CLI with the given Node binary; never throws, the caller asserts. */
export function changeset(node: string, cwd: string, args: string[]): RunResult {
  const run = spawnSync(node, [changesetBin, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    // Colour codes would end up in the captured output the tests compare.
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', CI: '1' },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A scratch copy of the working tree after `changeset version` (run with `node`). */
export function versionedCopy(node: string = process.execPath, parent?: string): string {
  const dir = copyWorkingTree(parent);
  const run = changeset(node, dir, ['version']);
  if (run.status !== 0) {
    throw new Error(`changeset version failed with ${node}:\n${run.stdout}\n${run.stderr}`);
  }
  return dir;
}

/** Copies the workspace's built dist/ of each package folder into the same folder of a copy. */
export function copyBuilds(scratch: string, packagePaths: string[]): void {
  for (const path of packagePaths) {
    const dist = join(repoRoot, path, 'dist');
    if (!existsSync(dist)) {
      throw new Error(`${path} is not built: run \`pnpm build\` before the packing tests`);
    }
    cpSync(dist, join(scratch, path, 'dist'), { recursive: true });
  }
}

const DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
] as const;

/**
 * Links, in each package folder of a scratch copy, its `workspace:` dependencies to their folders
 * in that copy: `pnpm pack` reads the versions it writes in place of `workspace:^` from the
 * installed dependencies, and those must be the scratch copy's, not the workspace's.
 */
export function linkWorkspaceDependencies(scratch: string, packagePaths: string[]): void {
  const folders = new Map<string, string>();
  for (const path of packagePaths) {
    const json = JSON.parse(readFileSync(join(scratch, path, 'package.json'), 'utf8'));
    folders.set(json.name, path);
  }
  for (const path of packagePaths) {
    const json = JSON.parse(readFileSync(join(scratch, path, 'package.json'), 'utf8'));
    for (const field of DEPENDENCY_FIELDS) {
      for (const [name, range] of Object.entries<string>(json[field] ?? {})) {
        if (!range.startsWith('workspace:')) continue;
        const target = folders.get(name);
        if (!target) throw new Error(`${json.name} depends on ${name}, which is not in the copy`);
        const link = join(scratch, path, 'node_modules', name);
        if (existsSync(link)) continue;
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(join(scratch, target), link, 'dir');
      }
    }
  }
}

/**
 * `pnpm pack` of a package folder into `destination`; returns the tarball's path. pnpm rewrites
 * the `workspace:` ranges to the versions the scratch copy holds, as `pnpm publish` would.
 */
export function pack(packageDir: string, destination: string): string {
  const before = new Set(readdirSync(destination));
  execFileSync('pnpm', ['pack', '--pack-destination', destination], {
    cwd: packageDir,
    stdio: 'pipe',
  });
  const created = readdirSync(destination).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (created.length !== 1) {
    throw new Error(`pnpm pack in ${packageDir} made ${created.length} tarballs`);
  }
  return join(destination, created[0]!);
}

/**
 * What a release would publish: `changeset version` in a scratch copy of the working tree, the
 * workspace's builds copied in, then `pnpm pack` of each package (given by its folder relative to
 * the repository root, e.g. `packages/core`). Returns package name → tarball, under `parent`.
 */
export function packRelease(packagePaths: string[], parent: string): Map<string, string> {
  const scratch = versionedCopy(process.execPath, parent);
  const everyPackage = ['packages', 'apps'].flatMap((folder) =>
    readdirSync(join(scratch, folder))
      .filter((d) => existsSync(join(scratch, folder, d, 'package.json')))
      .map((d) => `${folder}/${d}`),
  );
  copyBuilds(scratch, packagePaths);
  linkWorkspaceDependencies(scratch, everyPackage);
  const destination = mkdtempSync(join(parent, 'tarballs-'));
  const tarballs = new Map<string, string>();
  for (const path of packagePaths) {
    const { name } = JSON.parse(readFileSync(join(scratch, path, 'package.json'), 'utf8'));
    tarballs.set(name, pack(join(scratch, path), destination));
  }
  return tarballs;
}

/** Moves a finished download into place only once complete, so a killed run leaves no half. */
export function publishAtomically(tmp: string, final: string): void {
  mkdirSync(dirname(final), { recursive: true });
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
}
