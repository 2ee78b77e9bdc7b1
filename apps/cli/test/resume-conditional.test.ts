import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, readJson, spawnGen, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await writeFile(
    join(dir, 'gan.json'),
    JSON.stringify({ options: { hiddenSizes: [16], latentSize: 4 } }),
  );
});

// A class-conditional MLP GAN with every stabiliser that keeps state besides its weights: the
// spectral norm's power-iteration vectors, the EMA generator and its update count, and the
// discriminator-update clock of the decaying label smoothing (label flips draw from the Rng).
const TRAIN = [
  'train',
  'gan',
  '--arch',
  'mlp',
  '--data',
  'mnist',
  '--limit',
  '64',
  '--batch-size',
  '16',
  '--steps',
  '80',
  '--checkpoint-every',
  '10',
  '--conditional',
  '--spectral-norm',
  '--ema',
  '0.9',
  '--label-smoothing',
  '0.8',
  '--label-smoothing-decay',
  '30',
  '--label-flip',
  '0.1',
  '--r1',
  '0.5',
  '--config',
  'gan.json',
  '--eval-samples',
  '8',
  '--backend',
  'wasm',
  '--seed',
  '3',
];

describe('gen resume of a class-conditional GAN with stateful stabilisers', () => {
  it('SIGINT, then resume, ends with the evaluation and class samples of an uninterrupted run', async () => {
    const stopped = join(dir, 'stopped');
    let sent = false;
    const r = await spawnGen([...TRAIN, '--out', stopped], dir, (text, child) => {
      if (!sent && /^step \d+\/80/m.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    const partial = await readJson<{ status: string; step: number }>(join(stopped, 'metrics.json'));
    expect(partial.status).toBe('interrupted');
    expect(partial.step).toBeLessThan(80);
    expect(readdirSync(join(stopped, 'checkpoints')).length).toBeGreaterThan(0);
    const config = await readJson(join(stopped, 'config.json'));
    expect(config).toMatchObject({
      conditional: true,
      options: {
        spectralNorm: true,
        ema: 0.9,
        labelSmoothing: 0.8,
        labelSmoothingDecay: 30,
        labelFlip: 0.1,
        r1: 0.5,
      },
    });

    const resumed = await gen(['resume', stopped, '--json'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse(resumed.stdout) as { step: number; evaluation: unknown };
    expect(after.step).toBe(80);

    const straight = join(dir, 'straight');
    const full = await gen([...TRAIN, '--out', straight, '--json'], dir);
    expect(full.code, full.stderr).toBe(0);
    expect(after.evaluation).toEqual(JSON.parse(full.stdout).evaluation);
    const history = async (run: string) =>
      (await readJson<{ history: unknown[] }>(join(run, 'metrics.json'))).history.at(-1);
    expect(await history(stopped)).toEqual(await history(straight));

    const a = await gen(['sample', stopped, '--class', '3', '-n', '4', '--seed', '9'], dir);
    const b = await gen(['sample', straight, '--class', '3', '-n', '4', '--seed', '9'], dir);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const other = await gen(['sample', straight, '--class', '8', '-n', '4', '--seed', '9'], dir);
    expect(other.stdout).not.toBe(b.stdout);
  });
});
