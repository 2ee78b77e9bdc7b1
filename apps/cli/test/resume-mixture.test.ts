import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, readJson, spawnGen, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  // tolerance 0: EM never stops early, so the run is long enough to interrupt.
  await writeFile(
    join(dir, 'endless.json'),
    JSON.stringify({ options: { components: 8, tolerance: 0 } }),
  );
});

const MIXTURE = ['train', 'mixture', '--data', 'moons', '--backend', 'wasm', '--seed', '5'];
const LONG = [...MIXTURE, '--limit', '2000', '--steps', '300', '--checkpoint-every', '20'];

interface Report {
  step: number;
  stopReason: string;
  evaluation: Record<string, number>;
}

describe('gen resume of a Gaussian mixture (EM through fitEm)', () => {
  it('SIGINT saves a @gen/train checkpoint; resume ends with the evaluation of an uninterrupted run', async () => {
    const stopped = join(dir, 'stopped');
    let sent = false;
    const r = await spawnGen(
      [...LONG, '--config', 'endless.json', '--out', stopped],
      dir,
      (text, child) => {
        if (!sent && /^step \d+\/300/m.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('gen resume');
    const partial = await readJson<{ status: string; step: number }>(join(stopped, 'metrics.json'));
    expect(partial.status).toBe('interrupted');
    expect(partial.step).toBeLessThan(300);
    // The same checkpoint files as every other family's, no JSON store of its own.
    const files = readdirSync(join(stopped, 'checkpoints'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.endsWith('.genc'))).toBe(true);
    expect(existsSync(join(stopped, 'plots'))).toBe(false);

    const resumed = await gen(['resume', stopped, '--json'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse(resumed.stdout) as Report;
    expect(after.step).toBe(300);
    expect(after.stopReason).toBe('completed');

    const straight = join(dir, 'straight');
    const full = await gen([...LONG, '--config', 'endless.json', '--out', straight, '--json'], dir);
    expect(full.code, full.stderr).toBe(0);
    const uninterrupted = JSON.parse(full.stdout) as Report;
    expect(after.evaluation).toEqual(uninterrupted.evaluation);
    const history = async (run: string) =>
      (await readJson<{ history: unknown[] }>(join(run, 'metrics.json'))).history;
    expect(await history(stopped)).toEqual(await history(straight));
    const a = await gen(['sample', stopped, '-n', '20', '--seed', '9'], dir);
    const b = await gen(['sample', straight, '-n', '20', '--seed', '9'], dir);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('resume of a converged run re-evaluates without another EM iteration', async () => {
    const out = join(dir, 'converged');
    const first = await gen(
      [...MIXTURE, '--limit', '400', '--steps', '300', '--out', out, '--json'],
      dir,
    );
    expect(first.code, first.stderr).toBe(0);
    const trained = JSON.parse(first.stdout) as Report;
    expect(trained.stopReason).toBe('converged');
    expect(trained.step).toBeLessThan(300);
    const again = await gen(['resume', out, '--json'], dir);
    expect(again.code, again.stderr).toBe(0);
    const resumed = JSON.parse(again.stdout) as Report;
    expect(resumed.step).toBe(trained.step);
    expect(resumed.stopReason).toBe('converged');
    expect(resumed.evaluation).toEqual(trained.evaluation);
  });
});
