import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../workspace.js';
import { publishAtomically } from './scratch.js';

/** The Node 24 (current LTS) release the release test runs changesets with. */
export const NODE24_VERSION = '24.22.3';

const cache = join(repoRoot, 'node_modules', '.cache', 'gen-release');

/**
 * Path of a Node 24 binary, fetched once from the npm registry (the official builds are published
 * there as `node-<platform>-<arch>`) and kept under node_modules/.cache, so later runs are offline.
 * Throws, saying what to do, when it cannot be fetched: the release must be checked on Node 24.
 */
export function node24(): string {
  const spec = `node-${process.platform}-${process.arch}@${NODE24_VERSION}`;
  const final = join(cache, `node-${process.platform}-${process.arch}-${NODE24_VERSION}`);
  const binary = join(final, 'package', 'bin', 'node');
  if (!existsSync(binary)) {
    mkdirSync(cache, { recursive: true });
    const tmp = mkdtempSync(join(cache, 'download-'));
    try {
      const pack = spawnSync('npm', ['pack', spec, '--silent', '--pack-destination', tmp], {
        cwd: tmp,
        encoding: 'utf8',
        timeout: 300_000,
      });
      const tarball = pack.stdout.trim().split('\n').pop();
      if (pack.status !== 0 || !tarball) {
        throw new Error(
          `could not fetch Node ${NODE24_VERSION} from the npm registry (npm pack ${spec}):\n` +
            `${pack.stderr}\nThe release test needs it to check changesets on Node 24; ` +
            `fetch it once with network access, it is then cached in ${cache}.`,
        );
      }
      execFileSync('tar', ['xzf', join(tmp, tarball), '-C', tmp, 'package/bin/node']);
      rmSync(join(tmp, tarball));
      chmodSync(join(tmp, 'package', 'bin', 'node'), 0o755);
      publishAtomically(tmp, final);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== `v${NODE24_VERSION}`) {
    throw new Error(`${binary} reports ${version}, expected v${NODE24_VERSION}`);
  }
  return binary;
}
