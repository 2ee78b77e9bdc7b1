import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '@gen/core';
import type { Gan } from '@gen/gan';
import { loadModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, readJson, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  await initBackend('cpu');
  dir = await tempDir();
  await writeFile(
    join(dir, 'dcgan.json'),
    JSON.stringify({ options: { latentSize: 4, width: 2 } }),
  );
});

describe('gen train gan --conditional with the conv GAN (spawned binary)', () => {
  it('trains a conditional DCGAN with --conditioning concat, --r2 and --discriminator-batch-norm; samples a class', async () => {
    const run = join(dir, 'cdcgan');
    const r = await gen(
      [
        'train',
        'gan',
        ...['--data', 'mnist', '--limit', '32', '--steps', '2', '--batch-size', '16'],
        ...['--eval-samples', '2', '--conditional', '--conditioning', 'concat', '--r2', '0.5'],
        ...['--discriminator-batch-norm', '--config', 'dcgan.json', '--out', run],
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(await readJson(join(run, 'config.json'))).toMatchObject({
      arch: 'conv',
      conditional: true,
      options: { conditioning: 'concat', r2: 0.5, discriminatorBatchNorm: true },
    });
    // The file rebuilds the same conditional DCGAN: [z, c] into G, 1 + 10 channels into D.
    const gan = await loadModel<Gan>(join(run, 'model.safetensors'));
    expect(gan.conditionSize).toBe(10);
    expect(gan.toConfig().options).toMatchObject({
      conditionSize: 10,
      conditioning: 'concat',
      discriminatorBatchNorm: true,
      r2Penalty: 0.5,
    });
    const weights = gan.getWeights();
    expect(weights['generator/generator/dense/kernel']?.shape).toEqual([4 + 10, 7 * 7 * 4]);
    expect(weights['discriminator/discriminator/conv1/kernel']?.shape).toEqual([4, 4, 11, 2]);
    expect(weights['discriminator/discriminator/norm/runningMean']?.shape).toEqual([4]);
    tf.dispose(weights);
    gan.dispose();

    const [three, refused] = await Promise.all([
      gen(['sample', run, '--class', '3', '-n', '2', '--json'], dir),
      gen(
        ['train', 'gan', '--data', 'moons', '--limit', '50', '--conditioning', 'concat'].concat([
          '--out',
          join(dir, 'refused'),
        ]),
        dir,
      ),
    ]);
    expect(three.code, three.stderr).toBe(0);
    const drawn = JSON.parse(three.stdout) as { classes: number[]; samples: number[][] };
    expect(drawn.classes).toEqual([3, 3]);
    expect(drawn.samples.map((row) => row.length)).toEqual([784, 784]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      '--conditioning: applies to class-conditional runs (--conditional)',
    );
  });
});
