import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '@gen/core';
import type { Gan } from '@gen/gan';
import { loadModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  await initBackend('cpu');
  dir = await tempDir();
});

describe('gen train gan --arch conv with Gan.dcgan options from --config', () => {
  it('builds, saves and reloads a batch-normalised DCGAN; gen sample reads it', async () => {
    const run = join(dir, 'dcgan');
    await writeFile(
      join(dir, 'dcgan.json'),
      JSON.stringify({ options: { latentSize: 4, width: 2, batchNorm: true } }),
    );
    const args = ['--data', 'mnist', '--limit', '64', '--steps', '3', '--batch-size', '16'];
    const r = await gen(
      ['train', 'gan', ...args, '--config', 'dcgan.json', '--out', run, '--json'],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8'));
    expect(config.options).toEqual({ latentSize: 4, width: 2, batchNorm: true });
    const gan = await loadModel<Gan>(join(run, 'model.safetensors'));
    const weights = gan.getWeights();
    expect(weights['generator/generator/norm1/runningVariance']?.shape).toEqual([2]);
    expect(weights['discriminator/discriminator/conv2/kernel']?.shape).toEqual([4, 4, 2, 4]);
    // Three generator and three discriminator passes moved the running statistics off (0, 1).
    const mean = await weights['generator/generator/norm0/runningMean']!.data();
    expect(Array.from(mean).some((v) => v !== 0)).toBe(true);
    tf.dispose(weights);
    gan.dispose();
    const sample = await gen(['sample', run, '-n', '2', '--seed', '1'], dir);
    expect(sample.code, sample.stderr).toBe(0);
    expect(sample.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('refuses an unknown or mistyped DCGAN option, naming it', async () => {
    for (const [options, message] of [
      [{ widht: 8 }, 'options.widht is not an option'],
      [{ batchNorm: 1 }, 'options.batchNorm must be a boolean'],
    ] as const) {
      await writeFile(join(dir, 'bad.json'), JSON.stringify({ options }));
      const r = await gen(
        ['train', 'gan', '--data', 'mnist', '--config', 'bad.json', '--out', join(dir, 'bad')],
        dir,
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
