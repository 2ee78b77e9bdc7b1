import { InvalidArgumentError, NumericalError, ShapeMismatchError } from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { applyNetwork, assertLayerSizes, MAX_LAYER_ENTRIES } from './network-checks.js';

describeBackends('network checks', () => {
  it('assertLayerSizes refuses a weight matrix beyond 2^26 entries, naming the factory', () => {
    expect(() => assertLayerSizes('Vae.mlp', [784, 500, 100])).not.toThrow();
    expect(() => assertLayerSizes('Vae.mlp', [2, MAX_LAYER_ENTRIES / 2])).not.toThrow();
    expect(() => assertLayerSizes('Vae.mlp', [784, 1e6, 2], 'hiddenSizes')).toThrow(
      new InvalidArgumentError(
        `Vae.mlp: a layer of 784 × 1000000 weights (from hiddenSizes) exceeds the ${MAX_LAYER_ENTRIES} entries one weight tensor may hold`,
      ),
    );
  });

  it('applyNetwork names the public method for raw errors and keeps typed ones', () => {
    const x = tf.zeros([2, 3]);
    expect(applyNetwork('Gan.critic', 'discriminator', (t) => t, x)).toBe(x);
    const raw = () =>
      applyNetwork(
        'Gan.critic',
        'discriminator',
        () => {
          throw new Error('Operands could not be broadcast');
        },
        x,
      );
    expect(raw).toThrow(ShapeMismatchError);
    expect(raw).toThrow(
      'Gan.critic: the discriminator cannot take an input of shape [2, 3]: Operands could not be broadcast',
    );
    const typed = () =>
      applyNetwork(
        'Vae.elbo',
        'encoder',
        () => {
          throw new NumericalError('inner');
        },
        x,
      );
    expect(typed).toThrow(NumericalError);
    x.dispose();
  });
});
