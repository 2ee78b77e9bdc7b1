import { InvalidArgumentError, initBackend, ShapeMismatchError } from '@gen/core';
import { expectNoLeak, plainNetwork } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Mlp } from './mlp.js';
import { NetworkParts } from './network-parts.js';

describe('NetworkParts', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('names every weight <part>/…, or keeps a name that already has the prefix', () => {
    const encoder = new Mlp({
      inputSize: 2,
      hiddenSizes: [],
      outputSize: 1,
      seed: 0,
      name: 'encoder',
    });
    const other = plainNetwork({ inputSize: 1, outputSize: 2, seed: 1 });
    const names = (keepPrefixed: boolean) => {
      const w = new NetworkParts('T', { encoder, other }, { keepPrefixed }).get();
      const keys = Object.keys(w).sort();
      tf.dispose(w);
      return keys;
    };
    expect(names(false)).toEqual([
      'encoder/encoder/dense0/bias',
      'encoder/encoder/dense0/kernel',
      'other/b1',
      'other/b2',
      'other/w1',
      'other/w2',
    ]);
    expect(names(true).slice(0, 2)).toEqual(['encoder/dense0/bias', 'encoder/dense0/kernel']);
    encoder.dispose();
    other.dispose();
  });

  it('sets every part from stored names, checking all before assigning any', async () => {
    const a = plainNetwork({ inputSize: 1, outputSize: 1, seed: 2 });
    const b = plainNetwork({ inputSize: 1, outputSize: 1, seed: 3 });
    const parts = new NetworkParts('T', { a, b });
    const saved = parts.get();
    const zeros = Object.fromEntries(Object.entries(saved).map(([k, t]) => [k, tf.zerosLike(t)]));
    const bad = { ...zeros, 'b/w1': tf.zeros([2, 2]) };
    expect(() => parts.set('T.setWeights', bad)).toThrow(ShapeMismatchError);
    expect(() => parts.set('T.setWeights', { ...zeros, 'c/x': tf.zeros([1]) })).toThrow(
      InvalidArgumentError,
    );
    // Nothing was assigned by the failed calls: a's weights are still the saved ones.
    const after = parts.get();
    expect(Array.from(await after['a/w1']!.data())).toEqual(
      Array.from(await saved['a/w1']!.data()),
    );
    await expectNoLeak(() => parts.set('T.setWeights', zeros));
    const zeroed = parts.get();
    expect(Array.from(await zeroed['b/w1']!.data())).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    tf.dispose([saved, zeros, bad['b/w1'], after, zeroed]);
    a.dispose();
    b.dispose();
  });
});
