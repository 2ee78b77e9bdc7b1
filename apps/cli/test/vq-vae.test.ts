import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, readJson, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await writeFile(
    join(dir, 'small.json'),
    JSON.stringify({ options: { hiddenSizes: [8], latentSize: 2 } }),
  );
});

describe('gen train vae --vq (spawned binary)', () => {
  it('trains a VQ-VAE on binarised images; gen eval rebuilds it from config.json, gen sample draws from it', async () => {
    const run = join(dir, 'vq');
    const r = await gen(
      [
        'train',
        'vae',
        '--data',
        'mnist',
        '--limit',
        '64',
        '--steps',
        '2',
        '--batch-size',
        '32',
        '--eval-samples',
        '4',
        '--vq',
        '2x4',
        '--config',
        'small.json',
        '--out',
        run,
        '--json',
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { evaluation: Record<string, number> };
    expect(report.evaluation).toMatchObject({
      reconstruction: expect.any(Number),
      codesUsed: expect.any(Number),
      codebookPerplexity: expect.any(Number),
    });
    expect(report.evaluation.codesUsed).toBeLessThanOrEqual(4);
    expect(report.evaluation).not.toHaveProperty('elbo');
    const config = await readJson(join(run, 'config.json'));
    expect(config).toMatchObject({ binarize: 'static', options: { vq: '2x4', latentSize: 2 } });

    const evaluated = await gen(['eval', run, '--json'], dir);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout).metrics).toEqual(report.evaluation);

    const drawn = await gen(['sample', run, '-n', '2', '--json'], dir);
    expect(drawn.code, drawn.stderr).toBe(0);
    const samples = (JSON.parse(drawn.stdout) as { samples: number[][] }).samples;
    expect(samples.map((row) => row.length)).toEqual([784, 784]);
    // Bernoulli means of the decoded codes.
    expect(samples.flat().every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
