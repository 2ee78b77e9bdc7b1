import {
  finiteChecksEnabled,
  InvalidArgumentError,
  initBackend,
  Rng,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuadraticGame } from '../test/games.js';
import { GaussianModel } from '../test/models.js';
import { fit } from './fit.js';
import { fitAdversarial } from './fit-adversarial.js';

/** `n` fresh [5, 2] batches (the trainer takes and disposes an iterable's batches). */
function* batches(n: number) {
  for (let i = 0; i < n; i++) yield Rng.fromSeed(i).normal([5, 2]);
}

/** A Gaussian that records whether the finite checks were on in each call of its loss. */
class Recording extends GaussianModel {
  readonly seen: boolean[] = [];
  override loss(batch: tf.Tensor): tf.Scalar {
    this.seen.push(finiteChecksEnabled());
    return super.loss(batch);
  }
}

describe('the trainer and the NaN/Inf input checks', () => {
  beforeAll(() => initBackend('cpu'));

  it('runs the loss without per-call checks for tensor data it checked up front, validation included', async () => {
    const x = Rng.fromSeed(1).normal([20, 2]);
    const model = new Recording(2);
    await fit(model, x, { steps: 4, batchSize: 5, validation: { data: x, every: 2 } });
    expect(model.seen).toEqual(new Array(6).fill(false));
    expect(finiteChecksEnabled()).toBe(true);
    x.dispose();
    model.dispose();
  });

  it('keeps the checks for the batches of an iterable, which are not checked up front', async () => {
    const model = new Recording(2);
    await fit(model, batches(3), { steps: 3 });
    expect(model.seen).toEqual([true, true, true]);
    model.dispose();
  });

  it('discriminatorLoss of an adversarial run skips the checks too', async () => {
    const x = Rng.fromSeed(1).normal([20, 2]);
    const game = new QuadraticGame(false);
    const seen: boolean[] = [];
    const original = game.discriminatorLoss.bind(game);
    game.discriminatorLoss = (real: tf.Tensor) => {
      seen.push(finiteChecksEnabled());
      return original(real);
    };
    await fitAdversarial(game, x, { steps: 2, batchSize: 5 });
    expect(seen).toEqual([false, false]);
    x.dispose();
    game.dispose();
  });
});

describe('validation.data of the wrong width', () => {
  beforeAll(() => initBackend('cpu'));

  it('is refused up front for tensor data, naming fit and both shapes', async () => {
    const x = Rng.fromSeed(1).normal([20, 2]);
    const wide = Rng.fromSeed(2).normal([10, 3]);
    const model = new GaussianModel(2);
    const call = () => fit(model, x, { steps: 2, validation: { data: wide, every: 1 } });
    await expect(call()).rejects.toThrow(ShapeMismatchError);
    await expect(call()).rejects.toThrow(
      "fit: argument 'validation.data' has rows of shape [3], but 'data' has rows of shape [2]",
    );
    expect(Array.from(await model.mean.data())).toEqual([0, 0]);
    tf.dispose([x, wide]);
    model.dispose();
  });

  it('gives a typed error naming fit when an iterable run meets it', async () => {
    const wide = Rng.fromSeed(2).normal([10, 3]);
    const model = new GaussianModel(2);
    const run = () => fit(model, batches(2), { steps: 2, validation: { data: wide, every: 1 } });
    await expect(run()).rejects.toThrow(InvalidArgumentError);
    await expect(run()).rejects.toThrow(
      /^fit: model.loss failed on argument 'validation.data' \(shape \[10, 3\]\)/,
    );
    wide.dispose();
    model.dispose();
  });
});
