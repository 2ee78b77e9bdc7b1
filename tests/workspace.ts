import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface WorkspacePackage {
  /** Absolute path of the package's folder. */
  dir: string;
  /** Its folder relative to the repository root (`packages/core`, `apps/cli`). */
  path: string;
  name: string;
  version: string;
  private: boolean;
  /** Names of the @gen packages it depends on directly. */
  genDependencies: string[];
}

function packagesUnder(folder: string): WorkspacePackage[] {
  const base = join(repoRoot, folder);
  return readdirSync(base)
    .filter((dir) => existsSync(join(base, dir, 'package.json')))
    .map((dir) => {
      const json = JSON.parse(readFileSync(join(base, dir, 'package.json'), 'utf8'));
      const deps = Object.keys(json.dependencies ?? {}).filter((d) => d.startsWith('@gen/'));
      return {
        dir: join(base, dir),
        path: `${folder}/${dir}`,
        name: json.name as string,
        version: json.version as string,
        private: json.private === true,
        genDependencies: deps,
      };
    });
}

/** Every library package under packages/, read from its package.json. */
export function libraryPackages(): WorkspacePackage[] {
  return packagesUnder('packages');
}

/** Every package that is published: the public libraries and the public apps (`@gen/cli`). */
export function publicPackages(): WorkspacePackage[] {
  return [...packagesUnder('packages'), ...packagesUnder('apps')].filter((p) => !p.private);
}

/** The package and its @gen dependencies, transitively, in dependency order. */
export function withGenDependencies(name: string, all: WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  const out: WorkspacePackage[] = [];
  const visit = (n: string) => {
    if (out.some((p) => p.name === n)) return;
    const pkg = byName.get(n);
    if (!pkg) throw new Error(`unknown workspace package ${n}`);
    for (const d of pkg.genDependencies) visit(d);
    out.push(pkg);
  };
  visit(name);
  return out;
}

/** The first ```js (or ```mjs) block of a README: the example users copy. */
export function firstJsBlock(markdown: string): string | undefined {
  const match = /```(?:js|mjs|javascript)\n([\s\S]*?)```/.exec(markdown);
  return match?.[1];
}
