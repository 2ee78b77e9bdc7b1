import {
  type CostFunction,
  type Distribution,
  InvalidArgumentError,
  NotImplementedError,
  Rng,
} from '@gen/core';
import { describeBackends, expectNoLeak } from '@gen/core/testing';
import {
  Bernoulli,
  Categorical,
  Independent,
  Laplace,
  Normal,
  Poisson,
  Uniform,
} from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { moments } from '../test/moments.js';
import { measureValued } from './measure-valued.js';
import { hasWeakDerivative, registerWeakDerivative } from './weak-derivatives/index.js';

const R = 3000;

/** R estimates per parameter entry of a batch of R identical copies (extra axes flattened). */
function estimates(
  make: (p: tf.Tensor[]) => Distribution,
  values: number[][],
  cost: CostFunction,
  options: Parameters<typeof measureValued>[0] = {},
  samples = 4,
): number[][][] {
  const xs = values.map((v) => tf.tile(tf.tensor2d([v]), [R, 1]));
  const grads = tf.grads(
    (...ps) =>
      measureValued(options).surrogate(make(ps), cost, { samples, rng: Rng.fromSeed(5) }).loss,
  )(xs);
  const out = grads.map((g) =>
    tf.unstack(tf.reshape(g, [R, -1]), 1).map((t) => Array.from(t.dataSync())),
  );
  tf.dispose([...grads, ...xs]);
  return out;
}

function expectWithin4Se(got: number[][], exact: number[], label: string): void {
  got.forEach((values, j) => {
    const { mean, se } = moments(values);
    expect(
      Math.abs(mean - exact[j]!),
      `${label}[${j}]: ${mean} vs ${exact[j]} (se ${se})`,
    ).toBeLessThanOrEqual(4 * se + 1e-5 * (1 + Math.abs(exact[j]!)));
  });
}

describeBackends('measureValued', () => {
  it('knows the built-in table and says which parameters have weak derivatives', () => {
    expect(hasWeakDerivative(Normal, 'loc')).toBe(true);
    expect(hasWeakDerivative(Normal, 'scale')).toBe(true);
    expect(hasWeakDerivative(new Bernoulli({ logits: 0 }), 'logits')).toBe(true);
    expect(hasWeakDerivative(Categorical, 'probs')).toBe(true);
    expect(hasWeakDerivative(Poisson, 'rate')).toBe(true);
    expect(hasWeakDerivative(Laplace, 'loc')).toBe(false);
    const d = new Laplace({ loc: 0, scale: 1 });
    const run = () => measureValued().surrogate(d, (x) => x, { samples: 2, rng: Rng.fromSeed(0) });
    expect(run).toThrow(NotImplementedError);
    expect(run).toThrow(/'loc' of Laplace \(registered: none\)/);
    d.dispose();
  });

  it('takes user weak derivatives: Uniform(a, b) ends, E[x²] = (a² + ab + b²)/3', () => {
    registerWeakDerivative(Uniform, 'high', ({ dist, base }) => ({
      positive: tf.expandDims(tf.add(dist.high, tf.zerosLike(base)), 0),
      constant: tf.reciprocal(tf.sub(dist.high, dist.low)),
    }));
    registerWeakDerivative(Uniform, 'low', ({ dist, base }) => ({
      negative: tf.expandDims(tf.add(dist.low, tf.zerosLike(base)), 0),
      constant: tf.reciprocal(tf.sub(dist.high, dist.low)),
    }));
    const [a, b] = [-0.5, 2];
    const [low, high] = estimates(
      ([l, h]) => new Uniform({ low: tf.squeeze(l!, [1]), high: tf.squeeze(h!, [1]) }),
      [[a], [b]],
      (x) => tf.square(x),
    );
    expectWithin4Se(low!, [(2 * a + b) / 3], '∂a');
    expectWithin4Se(high!, [(a + 2 * b) / 3], '∂b');
  });

  it('a registration for a subclass overrides the built-in entry for that subclass only', () => {
    class FrozenMeanNormal extends Normal {}
    registerWeakDerivative(FrozenMeanNormal, 'loc', ({ dist }) => ({
      constant: tf.zerosLike(dist.loc),
    }));
    const grad = (Family: typeof Normal) => {
      const loc = tf.scalar(1);
      const [g] = tf.grads(
        (l) =>
          measureValued({ params: ['loc'] }).surrogate(
            new Family({ loc: l!, scale: 1 }),
            (x) => x,
            {
              samples: 100,
              rng: Rng.fromSeed(1),
            },
          ).loss,
      )([loc]);
      const v = g!.dataSync()[0]!;
      tf.dispose([g!, loc]);
      return v;
    };
    expect(grad(FrozenMeanNormal)).toBe(0);
    expect(grad(Normal)).toBeCloseTo(1, 1);
  });

  it('Independent(Categorical): coordinate by coordinate through point masses, coupled cost', () => {
    const [p, q] = [
      [0.2, 0.5, 0.3],
      [0.6, 0.1, 0.3],
    ];
    const f = (i: number, j: number) => (i + 2 * j) ** 2;
    const cost: CostFunction = (x) => {
      const [x0, x1] = tf.unstack(x, -1);
      return tf.square(tf.add(x0!, tf.mul(2, x1!)));
    };
    const grads = estimates(
      ([t]) => new Independent(new Categorical({ probs: tf.reshape(t!, [R, 2, 3]) }), 1),
      [[...p, ...q]],
      cost,
    )[0]!;
    // ∂E/∂pᵢ (unnormalised probabilities summing to 1): E[f | x₀ = i] − E[f].
    const mean = p.reduce((s, pi, i) => s + q.reduce((t, qj, j) => t + pi * qj * f(i, j), 0), 0);
    const exact = [
      ...p.map((_, i) => q.reduce((t, qj, j) => t + qj * f(i, j), 0) - mean),
      ...q.map((_, j) => p.reduce((t, pi, i) => t + pi * f(i, j), 0) - mean),
    ];
    expectWithin4Se(grads, exact, '∂probs');
  });

  it('Independent(Bernoulli) with (Σ wᵢxᵢ)² and Independent(Poisson) with x₀x₁ + x₀ match enumeration', () => {
    const [p, w] = [
      [0.3, 0.6, 0.8],
      [1, -2, 0.5],
    ];
    const weights = tf.tensor1d(w);
    const g = estimates(
      ([t]) => new Independent(new Bernoulli({ probs: t! }), 1),
      [p],
      (x) => tf.square(tf.sum(tf.mul(x, weights), -1)),
    )[0]!;
    // E = (Σ wᵢpᵢ)² + Σ wᵢ²pᵢ(1 − pᵢ) ⇒ ∂/∂pᵢ = 2wᵢ Σ wⱼpⱼ + wᵢ²(1 − 2pᵢ).
    const dot = w.reduce((s, wi, i) => s + wi * p[i]!, 0);
    expectWithin4Se(
      g,
      w.map((wi, i) => 2 * wi * dot + wi * wi * (1 - 2 * p[i]!)),
      '∂p',
    );
    weights.dispose();
    const rates = [1.5, 4];
    const h = estimates(
      ([t]) => new Independent(new Poisson({ rate: t! }), 1),
      [rates],
      (x) => {
        const [x0, x1] = tf.unstack(x, -1);
        return tf.add(tf.mul(x0!, x1!), x0!);
      },
    )[0]!;
    expectWithin4Se(h, [rates[1]! + 1, rates[0]!], '∂rate');
  });

  it('replays, differentiates only `params`, and does not leak', async () => {
    const grad = (seed: number) => {
      const xs = [tf.tensor1d([0.5, -1]), tf.tensor1d([1, 2])];
      const g = tf.grads(
        (loc, scale) =>
          measureValued().surrogate(
            new Independent(new Normal({ loc: loc!, scale: scale! }), 1),
            (x) => tf.sum(tf.cos(x), -1),
            { samples: 1, rng: Rng.fromSeed(seed) },
          ).loss,
      )(xs);
      const out = g.map((t) => Array.from(t.dataSync()));
      tf.dispose([...g, ...xs]);
      return out;
    };
    expect(grad(1)).toEqual(grad(1));
    expect(grad(1)).not.toEqual(grad(2));
    const [loc, scale] = [tf.scalar(0), tf.scalar(1)];
    const { value, grads } = tf.engine().gradients(
      () =>
        measureValued({ params: ['scale'] }).surrogate(new Normal({ loc, scale }), (x) => x, {
          samples: 4,
          rng: Rng.fromSeed(0),
        }).loss,
      [loc, scale],
      undefined,
      true,
    );
    expect(grads[0]).toBeUndefined();
    expect(grads[1]).toBeDefined();
    tf.dispose([value, ...grads.filter((g) => g !== undefined)]);
    const args = [tf.tensor1d([0, 1]), tf.tensor1d([1, 1])];
    await expectNoLeak(() =>
      tf.grads(
        (l, s) =>
          measureValued({ coupling: false }).surrogate(
            new Independent(new Normal({ loc: l!, scale: s! }), 1),
            (x) => tf.sum(x, -1),
            { samples: 3, rng: Rng.fromSeed(0) },
          ).loss,
      )(args),
    );
    tf.dispose([loc, scale, ...args]);
  });

  it('sees through an Independent of another installed copy of @gen/distributions (brand)', async () => {
    // What a second copy's Independent looks like here: the same members and brand, another
    // class (so `instanceof Independent` is false).
    const otherCopy = (real: Independent): Distribution => {
      const copy: Record<string | symbol, unknown> = {
        base: real.base,
        reinterpretedBatchRank: real.reinterpretedBatchRank,
        batchShape: real.batchShape,
        eventShape: real.eventShape,
        params: real.params,
        hasRsample: real.hasRsample,
      };
      for (const key of ['sample', 'rsample', 'logProb', 'entropy', 'mean', 'variance']) {
        copy[key] = (real as unknown as Record<string, () => unknown>)[key]!.bind(real);
      }
      Object.defineProperty(copy, Symbol.for('@gen/distributions/Independent'), { value: true });
      return copy as unknown as Distribution;
    };
    const real = new Independent(new Normal({ loc: [0.5, -1], scale: [1, 2] }), 1);
    const foreign = otherCopy(real);
    expect(foreign).not.toBeInstanceOf(Independent);
    const cost: CostFunction = (x) => tf.sum(tf.square(x), -1);
    const run = (d: Distribution) =>
      measureValued().surrogate(d, cost, { samples: 50, rng: Rng.fromSeed(7) });
    const a = run(foreign);
    const b = run(real);
    expect(await a.value.data()).toEqual(await b.value.data());
    expect(await a.loss.data()).toEqual(await b.loss.data());
    tf.dispose([a.loss, a.value, b.loss, b.value]);
    real.dispose();
  });

  it('rejects bad options with typed errors naming them', () => {
    expect(() => measureValued({ coupling: 'yes' as never })).toThrow(/argument 'coupling'/);
    expect(() => measureValued({ couple: true } as never)).toThrow(/unknown option 'couple'/);
    const d = new Normal({ loc: 0, scale: 1 });
    expect(() =>
      measureValued({ params: ['mean'] }).surrogate(d, (x) => x, {
        samples: 1,
        rng: Rng.fromSeed(0),
      }),
    ).toThrow(InvalidArgumentError);
    d.dispose();
  });
});
