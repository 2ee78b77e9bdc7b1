import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, readJson, spawnGen, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await writeFile(
    join(dir, 'small.json'),
    JSON.stringify({ options: { hiddenSizes: [16], components: 2 } }),
  );
});

const TRAIN = [
  'train',
  'made',
  '--data',
  'moons',
  '--limit',
  '400',
  '--steps',
  '300',
  '--batch-size',
  '50',
  '--checkpoint-every',
  '20',
  '--config',
  'small.json',
  '--backend',
  'wasm',
  '--seed',
  '5',
];

describe('Ctrl-C and gen resume', () => {
  it('SIGINT saves a checkpoint and exits 130; resume ends with the weights of an uninterrupted run', async () => {
    const stopped = join(dir, 'stopped');
    let sent = false;
    const r = await spawnGen([...TRAIN, '--out', stopped], dir, (text, child) => {
      if (!sent && /^step \d+\/300/m.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('gen resume');
    const partial = await readJson<{ status: string; step: number }>(join(stopped, 'metrics.json'));
    expect(partial.status).toBe('interrupted');
    expect(partial.step).toBeLessThan(300);
    expect(readdirSync(join(stopped, 'checkpoints')).length).toBeGreaterThan(0);
    expect(existsSync(join(stopped, 'plots'))).toBe(false);

    const resumed = await gen(['resume', stopped, '--json'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse(resumed.stdout) as {
      step: number;
      evaluation: Record<string, number>;
    };
    expect(after.step).toBe(300);

    const straight = join(dir, 'straight');
    const full = await gen([...TRAIN, '--out', straight, '--json'], dir);
    expect(full.code, full.stderr).toBe(0);
    const uninterrupted = JSON.parse(full.stdout) as { evaluation: Record<string, number> };
    expect(after.evaluation).toEqual(uninterrupted.evaluation);
    const a = await gen(['sample', stopped, '-n', '20', '--seed', '9'], dir);
    const b = await gen(['sample', straight, '-n', '20', '--seed', '9'], dir);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('resume of a finished run re-evaluates without training further', async () => {
    const out = join(dir, 'done');
    const first = await gen(
      [
        'train',
        'flow',
        '--data',
        'moons',
        '--limit',
        '200',
        '--steps',
        '6',
        '--out',
        out,
        '--json',
      ],
      dir,
    );
    expect(first.code, first.stderr).toBe(0);
    const again = await gen(['resume', out, '--json'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).evaluation).toEqual(JSON.parse(first.stdout).evaluation);
  });
});
