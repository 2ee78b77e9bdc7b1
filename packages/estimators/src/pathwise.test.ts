import { NotImplementedError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import { Bernoulli, Categorical, Gamma, Independent, Normal, Poisson } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { pathwise } from './pathwise.js';

const square = (x: tf.Tensor) => tf.square(x);

describeBackends('pathwise', () => {
  it('throws NotImplementedError naming the family when there is no rsample', () => {
    const rng = Rng.fromSeed(0);
    for (const d of [
      new Bernoulli({ logits: 0 }),
      new Poisson({ rate: 2 }),
      new Categorical({ logits: [0, 1] }),
    ]) {
      const run = () => pathwise().surrogate(d, square, { samples: 2, rng });
      expect(run).toThrow(NotImplementedError);
      expect(run).toThrow(
        `pathwise.surrogate: ${d.constructor.name} has no reparameterised sampler`,
      );
      d.dispose();
    }
  });

  it('replays a single particle: same seed, identical gradient (Normal and Gamma)', () => {
    const grad = (seed: number, family: 'normal' | 'gamma') => {
      const xs = [tf.scalar(1.2), tf.scalar(0.7)];
      const g = tf.grads((a, b) => {
        const d =
          family === 'normal'
            ? new Normal({ loc: a!, scale: b! })
            : new Gamma({ concentration: a!, rate: b! });
        return pathwise().surrogate(d, square, { samples: 1, rng: Rng.fromSeed(seed) }).loss;
      })(xs);
      const out = g.map((t) => t.dataSync()[0]!);
      tf.dispose([...g, ...xs]);
      return out;
    };
    for (const family of ['normal', 'gamma'] as const) {
      expect(grad(3, family)).toEqual(grad(3, family));
      expect(grad(3, family)).not.toEqual(grad(4, family));
    }
  });

  it('reaches variables upstream of the parameters (an affine encoder and a log-scale)', () => {
    const w = tf.variable(tf.tensor2d([[0.5], [-1]]));
    const logScale = tf.variable(tf.zeros([1, 1]));
    const h = tf.tensor2d([[1, 2]]);
    const { value, grads } = tf.variableGrads(() => {
      const d = new Independent(new Normal({ loc: tf.matMul(h, w), scale: tf.exp(logScale) }), 1);
      return pathwise().surrogate(d, (x) => tf.sum(tf.square(x), -1), {
        samples: 20_000,
        rng: Rng.fromSeed(9),
      }).loss;
    });
    // E = μ² + σ² with μ = h·w = −1.5, σ = 1: ∂/∂w = 2μ·h = [−3, −6], ∂/∂log σ = 2σ² = 2.
    expectClose(grads[w.name]!, [[-3], [-6]], { atol: 0.1, rtol: 0 });
    expectClose(grads[logScale.name]!, [[2]], { atol: 0.1, rtol: 0 });
    expect(value.dataSync()[0]).toBeCloseTo(3.25, 0);
    tf.dispose([w, logScale, h, value, ...Object.values(grads)]);
  });

  it('returns value = loss (no gradient on value) and does not leak', async () => {
    const loc = tf.tensor1d([0, 1]);
    await expectNoLeak(() => {
      const d = new Normal({ loc, scale: 1 });
      const s = pathwise().surrogate(d, square, { samples: 8, rng: Rng.fromSeed(1) });
      expect(s.value.dataSync()[0]).toBe(s.loss.dataSync()[0]);
      d.dispose();
      return s;
    });
    await expectNoLeak(() =>
      tf.grads(
        (l) =>
          pathwise().surrogate(new Normal({ loc: l!, scale: 1 }), square, {
            samples: 8,
            rng: Rng.fromSeed(1),
          }).loss,
      )([loc]),
    );
    loc.dispose();
  });

  it('checks the cost shape: [samples, ...batch]', () => {
    const d = new Normal({ loc: [0, 1], scale: 1 });
    expect(() =>
      pathwise().surrogate(d, (x) => tf.sum(x, -1), { samples: 3, rng: Rng.fromSeed(0) }),
    ).toThrow(ShapeMismatchError);
    expect(() =>
      pathwise().surrogate(d, (x) => tf.sum(x, -1), { samples: 3, rng: Rng.fromSeed(0) }),
    ).toThrow(/\[samples, \.\.\.batchShape\] = \[3, 2\], got \[3\]/);
    d.dispose();
  });
});
