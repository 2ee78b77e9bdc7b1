import { initBackend, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharpen, values } from '../../test/support.js';
import { Made } from './made.js';
import type { MadeOptions } from './made-options.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Every conditional parameter of dimension i, flattened, for each row of x. */
async function paramsOf(made: Made, x: tf.Tensor, mask: number, i: number): Promise<number[]> {
  const params = made.conditionalParams(x, { mask });
  const parts = Object.values(params).map((p) =>
    p.rank === 2 ? tf.slice(p, [0, i], [-1, 1]) : tf.slice(p, [0, i, 0], [-1, 1, -1]),
  );
  const flat = tf.concat(
    parts.map((p) => tf.reshape(p, [p.shape[0]!, -1])),
    1,
  );
  const out = await values(flat);
  tf.dispose([Object.values(params), parts, flat]);
  return out;
}

/** x with the columns in `columns` replaced by fresh draws. */
function replaceColumns(x: tf.Tensor, columns: number[], fresh: tf.Tensor): tf.Tensor {
  const d = x.shape[1]!;
  const keep = tf.tensor2d(
    Array.from({ length: d }, (_, j) => (columns.includes(j) ? 0 : 1)),
    [1, d],
  );
  const out = tf.add(tf.mul(x, keep), tf.mul(fresh, tf.sub(1, keep)));
  keep.dispose();
  return out;
}

const D = 5;
const CASES: [string, MadeOptions][] = [
  ['Bernoulli, natural ordering', { inputSize: D, hiddenSizes: [8, 8], seed: 1 }],
  [
    'Bernoulli, explicit ordering',
    { inputSize: D, hiddenSizes: [8], ordering: [2, 4, 0, 3, 1], seed: 2 },
  ],
  [
    'Gaussian, random ordering',
    { inputSize: D, hiddenSizes: [12], likelihood: 'gaussian', ordering: 'random', seed: 3 },
  ],
  [
    'mixture of 3 Gaussians, 3 random orderings',
    {
      inputSize: D,
      hiddenSizes: [10, 10],
      likelihood: 'gaussian',
      components: 3,
      ordering: 'random',
      numMasks: 3,
      seed: 4,
    },
  ],
];

describe('Made: the autoregressive property', () => {
  for (const [title, options] of CASES) {
    it(`${title}: dimension i ignores every input at or after its position`, async () => {
      const made = new Made(options);
      sharpen(made, 2, 0.3);
      const rng = Rng.fromSeed(10);
      const draw = () =>
        options.likelihood === 'gaussian'
          ? rng.normal([16, D])
          : tf.tidy(() => tf.cast(tf.less(rng.uniform([16, D]), 0.5), 'float32'));
      const x = draw();
      for (let m = 0; m < made.numMasks; m++) {
        const ordering = made.orderings[m]!;
        for (let i = 0; i < D; i++) {
          const later = ordering.flatMap((position, j) => (position >= ordering[i]! ? [j] : []));
          const fresh = draw();
          const changed = replaceColumns(x, later, fresh);
          expect(await paramsOf(made, changed, m, i), `mask ${m}, dimension ${i}`).toEqual(
            await paramsOf(made, x, m, i),
          );
          tf.dispose([fresh, changed]);
        }
      }
      x.dispose();
      made.dispose();
    });
  }

  it('with wide hidden layers dimension i depends on every earlier input', async () => {
    const ordering = [2, 4, 0, 3, 1];
    const made = new Made({ inputSize: D, hiddenSizes: [16, 16], ordering, seed: 5 });
    sharpen(made, 2, 0.3);
    const x = tf.zeros([1, D]);
    const one = tf.ones([1, D]);
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        if (ordering[j]! >= ordering[i]!) continue;
        const changed = replaceColumns(x, [j], one);
        const before = await paramsOf(made, x, 0, i);
        const after = await paramsOf(made, changed, 0, i);
        expect(after, `dimension ${i} should see input ${j}`).not.toEqual(before);
        changed.dispose();
      }
    }
    tf.dispose([x, one]);
    made.dispose();
  });
});
