import {
  InvalidArgumentError,
  initBackend,
  Rng,
  ShapeMismatchError,
  withoutFiniteChecks,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Made } from './made.js';
import type { MadeOptions } from './made-options.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const good: MadeOptions = { inputSize: 4, hiddenSizes: [8] };

describe('Made rejects bad input with typed errors', () => {
  const constructorCases: [string, unknown, RegExp][] = [
    ['not an object', 5, /Made: argument 'options' must be an options object, got 5/],
    ['an unknown option', { ...good, hidenSizes: [8] }, /Made: unknown option 'hidenSizes'/],
    [
      'inputSize 0',
      { ...good, inputSize: 0 },
      /Made: argument 'inputSize' must be an integer >= 1, got 0/,
    ],
    [
      'no hidden layer',
      { ...good, hiddenSizes: [] },
      /Made: argument 'hiddenSizes' must be a non-empty array/,
    ],
    [
      'a fractional width',
      { ...good, hiddenSizes: [8, 2.5] },
      /argument 'hiddenSizes\[1\]' must be an integer >= 1, got 2.5/,
    ],
    [
      'an unknown likelihood',
      { ...good, likelihood: 'poisson' },
      /argument 'likelihood' must be one of 'bernoulli', 'gaussian', got "poisson"/,
    ],
    [
      'components with Bernoulli',
      { ...good, components: 3 },
      /'components' applies to likelihood 'gaussian' only, got 3/,
    ],
    [
      'components 0',
      { ...good, likelihood: 'gaussian', components: 0 },
      /argument 'components' must be an integer >= 1, got 0/,
    ],
    [
      'an ordering that is not a permutation',
      { ...good, ordering: [0, 1, 1, 2] },
      /argument 'ordering' must be 'natural', 'random' or a permutation of 0..3, got \[0, 1, 1, 2\]/,
    ],
    ['an ordering of the wrong length', { ...good, ordering: [0, 1, 2] }, /argument 'ordering'/],
    [
      'an unknown ordering name',
      { ...good, ordering: 'reverse' },
      /argument 'ordering' .*got "reverse"/,
    ],
    ['numMasks 0', { ...good, numMasks: 0 }, /argument 'numMasks' must be an integer >= 1, got 0/],
    [
      'a negative minScale',
      { ...good, likelihood: 'gaussian', minScale: -1 },
      /argument 'minScale' must be a finite number > 0, got -1/,
    ],
    [
      'an unknown activation',
      { ...good, activation: 'swish' },
      /argument 'activation' must be an activation of @gen\/nn, got "swish"/,
    ],
    [
      'a non-boolean directConnections',
      { ...good, directConnections: 'yes' },
      /argument 'directConnections' must be a boolean, got "yes"/,
    ],
    [
      'minScale with Bernoulli',
      { ...good, minScale: 0.1 },
      /'minScale' applies to likelihood 'gaussian' only, got 0.1/,
    ],
    [
      'a non-boolean validateArgs',
      { ...good, validateArgs: 'yes' },
      /argument 'validateArgs' must be a boolean, got "yes"/,
    ],
    ['a negative seed', { ...good, seed: -1 }, /argument 'seed' must be an integer >= 0, got -1/],
  ];
  for (const [title, options, message] of constructorCases) {
    it(`constructor: ${title}`, () => {
      expect(() => new Made(options as MadeOptions)).toThrow(InvalidArgumentError);
      expect(() => new Made(options as MadeOptions)).toThrow(message);
    });
  }

  it('logProb, loss and conditionalParams reject wrong shapes, dtypes and values', () => {
    const made = new Made({ ...good, numMasks: 2 });
    const wide = tf.zeros([3, 5]);
    const flat = tf.zeros([4]);
    const ints = tf.zeros([3, 4], 'int32');
    const half = tf.fill([3, 4], 0.5);
    const nan = tf.tensor2d([[0, 1, Number.NaN, 0]]);
    expect(() => made.logProb(wide)).toThrow(ShapeMismatchError);
    expect(() => made.logProb(wide)).toThrow(
      /Made.logProb: argument 'x' must have shape \[batch, 4\], got \[3, 5\]/,
    );
    expect(() => made.loss(flat)).toThrow(
      /Made.loss: argument 'batch' must have shape \[batch, 4\], got \[4\]/,
    );
    expect(() => made.logProb(ints)).toThrow(/Made.logProb: argument 'x' must have dtype float32/);
    expect(() => made.logProb(half)).toThrow(/Made.logProb: argument 'x' must hold only 0 and 1/);
    expect(() => made.logProb(nan)).toThrow(/Made.logProb: argument 'x' must hold only 0 and 1/);
    expect(() => made.logProb([[0, 1, 0, 1]] as never)).toThrow(
      /argument 'x' must be a live tf.Tensor/,
    );
    expect(() => made.logProb(wide, { mask: 2 })).toThrow(
      /Made.logProb: argument 'options.mask' must be an integer in \[0, 1\], got 2/,
    );
    expect(() => made.conditionalParams(wide)).toThrow(/Made.conditionalParams: argument 'x'/);
    expect(() => made.conditionalParams(half, { masks: 1 } as never)).toThrow(
      /unknown option 'masks'/,
    );
    expect(() => made.loss(half, {} as never)).toThrow(/Made.loss: argument 'rng' must be an Rng/);
    // The loss follows the rule of logProb (and of Bernoulli.logProb): only 0 and 1, unless the
    // caller (the trainer, on data it checked once) turned the finite checks off.
    const rng = Rng.fromSeed(0);
    expect(() => made.loss(half, rng)).toThrow(
      /Made.loss: argument 'batch' must hold only 0 and 1/,
    );
    expect(() => made.loss(nan, rng)).toThrow(/Made.loss: argument 'batch' must hold only 0 and 1/);
    const unchecked = withoutFiniteChecks(() => made.loss(half, rng));
    expect(Number.isFinite(unchecked.dataSync()[0])).toBe(true);
    unchecked.dispose();
    tf.dispose([wide, flat, ints, half, nan]);
    made.dispose();
  });

  it('validateArgs: false skips the value check (one synchronous read) of logProb', async () => {
    const made = new Made({ ...good, validateArgs: false });
    const half = tf.fill([2, 4], 0.5);
    const lp = made.logProb(half);
    expect(lp.shape).toEqual([2]);
    expect(Array.from(await lp.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([half, lp]);
    made.dispose();
  });

  it('a Gaussian MADE rejects non-finite data', () => {
    const made = new Made({ ...good, likelihood: 'gaussian' });
    const inf = tf.tensor2d([[0, 1, Number.POSITIVE_INFINITY, 0]]);
    expect(() => made.logProb(inf)).toThrow(
      /Made.logProb: argument 'x' must hold only finite values/,
    );
    inf.dispose();
    made.dispose();
  });

  it('sample rejects bad counts and generators; a disposed model says so', () => {
    const made = new Made(good);
    expect(() => made.sample(0, Rng.fromSeed(0))).toThrow(
      /Made.sample: argument 'n' must be an integer >= 1, got 0/,
    );
    expect(() => made.sample(2.5, Rng.fromSeed(0))).toThrow(/got 2.5/);
    expect(() => made.sample(2, 42 as never)).toThrow(
      /Made.sample: argument 'rng' must be an Rng from @gen\/core, got 42/,
    );
    made.dispose();
    const x = tf.zeros([1, 4]);
    expect(() => made.logProb(x)).toThrow(/Made.logProb: module 'made' has been disposed/);
    expect(() => made.sample(1, Rng.fromSeed(0))).toThrow(
      /Made.sample: module 'made' has been disposed/,
    );
    expect(() => made.loss(x)).toThrow(/Made.loss: module 'made' has been disposed/);
    x.dispose();
  });

  it('loss draws the mask of a pool from rng and keeps no generator of its own', () => {
    const made = new Made({ ...good, numMasks: 3, ordering: 'random', seed: 2 });
    const x = tf.tensor2d([
      [0, 1, 1, 0],
      [1, 1, 0, 1],
    ]);
    expect(() => made.loss(x)).toThrow(
      "Made.loss: argument 'rng' must be an Rng with numMasks 3 > 1 (each step's mask is drawn from it), got undefined",
    );
    expect(() => made.loss(x, 7 as never)).toThrow(/argument 'rng' must be an Rng from @gen\/core/);
    const seeds = [0, 1, 2, 3, 4, 5];
    // The seeds pick different masks, so an rng that was ignored would fail below.
    expect(new Set(seeds.map((seed) => Rng.fromSeed(seed).int(3))).size).toBeGreaterThan(1);
    for (const seed of seeds) {
      const m = Rng.fromSeed(seed).int(3);
      const expected = tf.neg(tf.mean(made.logProb(x, { mask: m })));
      const loss = made.loss(x, Rng.fromSeed(seed));
      expect(loss.dataSync()[0]).toBe(expected.dataSync()[0]);
      // The same generator state gives the same loss: nothing advanced inside the model.
      const again = made.loss(x, Rng.fromSeed(seed));
      expect(again.dataSync()[0]).toBe(loss.dataSync()[0]);
      tf.dispose([expected, loss, again]);
    }
    // With one mask the loss is deterministic and needs no generator.
    const single = new Made(good);
    const a = single.loss(x);
    const b = single.loss(x, Rng.fromSeed(5));
    expect(a.dataSync()[0]).toBe(b.dataSync()[0]);
    tf.dispose([x, a, b]);
    made.dispose();
    single.dispose();
  });
});
