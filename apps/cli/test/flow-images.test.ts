import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '@gen/core';
import { MultiscaleFlow } from '@gen/flows';
import { loadModel } from '@gen/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, isPng, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  await initBackend('cpu');
  dir = await tempDir();
});

describe('gen train flow --data mnist', () => {
  it('trains the multiscale flow on grey images, reports bits/dim, and gen sample writes a grid', async () => {
    const run = join(dir, 'flow');
    await writeFile(
      join(dir, 'tiny.json'),
      JSON.stringify({ options: { stepsPerLevel: 1, hiddenChannels: 4 } }),
    );
    const args = ['--data', 'mnist', '--limit', '32', '--steps', '2', '--batch-size', '16'];
    const r = await gen(
      [
        'train',
        'flow',
        ...args,
        '--eval-samples',
        '4',
        '--config',
        'tiny.json',
        '--out',
        run,
        '--json',
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ arch: 'conv', binarize: null });
    const { nll, bitsPerDim } = JSON.parse(r.stdout).evaluation as Record<string, number>;
    // The discrete bound: bits/dim = nll / (784 ln 2), and below the 8 of uniform levels is
    // not expected after two steps, but it is a finite bound of a density on [0, 1]^784.
    expect(bitsPerDim).toBeCloseTo(nll / (784 * Math.LN2), 4);
    expect(bitsPerDim).toBeGreaterThan(0);
    expect(bitsPerDim).toBeLessThan(40);
    const flow = await loadModel<MultiscaleFlow>(join(run, 'model.safetensors'));
    expect(flow).toBeInstanceOf(MultiscaleFlow);
    expect(flow.toConfig().options).toMatchObject({
      shape: [28, 28, 1],
      levels: 2,
      stepsPerLevel: 1,
    });
    flow.dispose();
    const png = join(dir, 'grid.png');
    const sample = await gen(['sample', run, '-n', '4', '--seed', '1', '--out', png], dir);
    expect(sample.code, sample.stderr).toBe(0);
    expect(isPng(await readFile(png))).toBe(true);
  });
});
