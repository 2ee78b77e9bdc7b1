import {
  InvalidArgumentError,
  initBackend,
  Rng,
  ShapeMismatchError,
  setFiniteChecks,
  withoutFiniteChecks,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Autoencoder } from './autoencoder.js';
import { Vae } from './vae.js';

beforeAll(async () => {
  await initBackend('cpu');
});
afterEach(() => setFiniteChecks(true));

const options = { inputSize: 3, hiddenSizes: [4], latentSize: 2, seed: 1 } as const;

describe('Vae and Autoencoder input checks', () => {
  it('a Bernoulli likelihood takes exactly 0 and 1, like Bernoulli.logProb and Made', async () => {
    const vae = Vae.mlp({ ...options, likelihood: 'bernoulli' });
    const grey = tf.tensor2d([[0, 0.5, 1]]);
    const binary = tf.tensor2d([[0, 1, 1]]);
    const rng = Rng.fromSeed(0);
    for (const [fn, call] of [
      ['Vae.elbo', () => vae.elbo(grey)],
      ['Vae.iwae', () => vae.iwae(grey, 2)],
      ['Vae.nll', () => vae.nll(grey, { samples: 2 })],
      ['Vae.loss', () => vae.loss(grey, rng)],
    ] as const) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(
        `${fn}: argument '${fn === 'Vae.loss' ? 'batch' : 'x'}' must hold only 0 and 1`,
      );
    }
    await expectNoLeak(() => {
      tf.dispose([vae.elbo(binary), vae.loss(binary, rng)]);
      // Grey levels may still be encoded and reconstructed: those are not densities.
      tf.dispose([vae.reconstruct(grey), ...Object.values(vae.encode(grey))]);
    });
    // The trainer runs the loss on data it checked once, without reading values back.
    const skipped = withoutFiniteChecks(() => vae.loss(grey, rng));
    expect(Number.isFinite(skipped.dataSync()[0])).toBe(true);
    tf.dispose([grey, binary, skipped]);
    vae.dispose();
  });

  it('NaN and ±Inf are refused by the method called; the global switch turns the check off', () => {
    const vae = Vae.mlp({ ...options, likelihood: 'gaussian' });
    const ae = Autoencoder.mlp(options);
    const rng = Rng.fromSeed(0);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const x = tf.tensor2d([[0, bad, 1]]);
      expect(() => vae.elbo(x)).toThrow("Vae.elbo: argument 'x' must not contain NaN");
      expect(() => vae.loss(x, rng)).toThrow("Vae.loss: argument 'batch' must not contain NaN");
      expect(() => vae.encode(x)).toThrow("Vae.encode: argument 'x' must not contain NaN");
      expect(() => vae.decode(tf.tensor2d([[bad, 0]]))).toThrow('Vae.decode');
      expect(() => ae.loss(x, rng)).toThrow("Autoencoder.loss: argument 'batch' must not");
      x.dispose();
    }
    setFiniteChecks(false);
    const x = tf.tensor2d([[0, Number.NaN, 1]]);
    const out = vae.elbo(x);
    expect(Number.isNaN(out.dataSync()[0])).toBe(true);
    tf.dispose([x, out]);
    vae.dispose();
    ae.dispose();
  });

  it('shape errors of custom networks name the public method, not the network', () => {
    const encoder = new Mlp({ inputSize: 3, hiddenSizes: [], outputSize: 4, seed: 1 });
    const decoder = new Mlp({ inputSize: 2, hiddenSizes: [], outputSize: 3, seed: 2 });
    const vae = new Vae({ encoder, decoder, latentSize: 2, likelihood: 'gaussian' });
    const wide = tf.zeros([2, 5]);
    for (const [fn, call] of [
      ['Vae.elbo', () => vae.elbo(wide)],
      ['Vae.iwae', () => vae.iwae(wide, 2)],
      ['Vae.loss', () => vae.loss(wide, Rng.fromSeed(0))],
      ['Vae.reconstruct', () => vae.reconstruct(wide)],
    ] as const) {
      expect(call).toThrow(ShapeMismatchError);
      expect(call).toThrow(`${fn}: the encoder cannot take an input of shape [2, 5]`);
    }
    wide.dispose();
    vae.dispose();
  });

  it('factories name themselves for unknown keys and absurd sizes, and leak nothing', async () => {
    await expectNoLeak(() => {
      expect(() =>
        Vae.mlp({ ...options, likelihood: 'bernoulli', dataShape: [3] } as never),
      ).toThrow("Vae.mlp: unknown option 'dataShape'");
      expect(() =>
        Vae.mlp({ ...options, likelihood: 'bernoulli', hiddenSizes: [2 ** 30] }),
      ).toThrow(/Vae\.mlp: a layer of 3 × 1073741824 weights exceeds/);
      expect(() => Autoencoder.mlp({ ...options, loss: 'l1' as never })).toThrow(
        "Autoencoder.mlp: Autoencoder: argument 'loss'",
      );
      expect(() => Vae.conv({ latentSize: 2, likelihood: 'bernoulli', beta: -1 })).toThrow(
        "Vae.conv: argument 'beta'",
      );
    });
  });
});
