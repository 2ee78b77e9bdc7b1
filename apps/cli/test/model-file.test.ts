import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '@gen/core';
import { Flow } from '@gen/flows';
import { Gan } from '@gen/gan';
import { GaussianMixture } from '@gen/mixture';
import { fromSafetensors, loadModel } from '@gen/nn';
import { readCheckpoint } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  await initBackend('cpu');
  dir = await tempDir();
});

/** Trains a small run and returns its directory. */
async function train(model: string, args: string[]): Promise<string> {
  const run = join(dir, model);
  const r = await gen(['train', model, ...args, '--out', run, '--json'], dir);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ model: join(run, 'model.safetensors') });
  return run;
}

/** loadModel(<run>/model.safetensors) holds exactly the weights of the run's last checkpoint. */
async function expectTrainedModel(run: string, Class: abstract new (...args: never[]) => unknown) {
  const path = join(run, 'model.safetensors');
  const model = await loadModel(path);
  const { weights } = await readCheckpoint(join(run, 'checkpoints'));
  const loaded = model.getWeights();
  try {
    expect(model).toBeInstanceOf(Class);
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(weights).sort());
    for (const name of Object.keys(weights)) {
      expect(Array.from(await loaded[name]!.data())).toEqual(
        Array.from(await weights[name]!.data()),
      );
    }
    const { metadata, weights: raw } = fromSafetensors(await readFile(path));
    tf.dispose(raw);
    const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8'));
    expect(JSON.parse(metadata['gen.run']!)).toEqual(config);
  } finally {
    tf.dispose([weights, loaded]);
    model.dispose();
  }
  return path;
}

describe('gen train writes model.safetensors that loadModel rebuilds', () => {
  it('a neural spline flow', async () => {
    const run = await train('flow', ['--data', 'moons', '--limit', '256', '--steps', '20']);
    await expectTrainedModel(run, Flow);
    // gen sample and gen eval still read the run.
    const sample = await gen(['sample', run, '-n', '3', '--seed', '1'], dir);
    expect(sample.code, sample.stderr).toBe(0);
    expect(sample.stdout.trim().split('\n')).toHaveLength(3);
    const evaluated = await gen(['eval', run, '--json'], dir);
    expect(evaluated.code, evaluated.stderr).toBe(0);
  });

  it('a Gaussian mixture fitted by EM', async () => {
    const run = await train('mixture', ['--data', 'ring8', '--limit', '256', '--steps', '5']);
    await expectTrainedModel(run, GaussianMixture);
  });

  it('a GAN, with its state', async () => {
    const run = await train('gan', [
      '--data',
      'ring8',
      '--limit',
      '256',
      '--steps',
      '10',
      '--loss',
      'hinge',
    ]);
    const path = await expectTrainedModel(run, Gan);
    const gan = await loadModel<Gan>(path);
    expect(gan.loss).toBe('hinge');
    expect(gan.getState().discriminatorUpdates).toBeGreaterThan(0);
    gan.dispose();
  });
});
