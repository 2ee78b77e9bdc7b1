import { NotImplementedError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, numericalGradient } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { loadFixture } from '../test/examples/load-fixture.js';
import type { FamilyFixture } from '../test/examples/types.js';
import { Bernoulli } from './bernoulli.js';
import { Independent } from './independent.js';
import { Mixture } from './mixture.js';
import { MultivariateNormal } from './multivariate-normal.js';
import { Normal } from './normal.js';

const fixtures = loadFixture('discrete') as Record<string, Required<FamilyFixture>>;
const fx = (key: string) => fixtures[key]!;

const oneD = () =>
  new Mixture({ probs: [0.3, 0.7], components: new Normal({ loc: [-1, 2], scale: [0.5, 1] }) });
const batched = () =>
  new Mixture({
    probs: [
      [0.4, 0.6],
      [0.5, 0.5],
    ],
    components: [new Normal({ loc: [0, 1], scale: 1 }), new Normal({ loc: [3, -1], scale: 0.5 })],
  });
const twoD = () =>
  new Mixture({
    logits: [0.5, -0.5, 0],
    components: new Independent(
      new Normal({
        loc: [
          [0, 0],
          [3, -1],
          [-2, 2],
        ],
        scale: [
          [1, 0.5],
          [0.7, 1],
          [1.5, 0.8],
        ],
      }),
      1,
    ),
  });

describeBackends('Mixture', () => {
  it('logProb, mean and variance match numpy log-sum-exp of scipy densities and the moments', () => {
    const cases = [
      { make: oneD, key: 'mixture_normal', points: [-3, -1, 0.4, 2, 5], batch: [], event: [] },
      {
        make: batched,
        key: 'mixture_batched',
        points: [
          [0.5, 0.5],
          [3, -1],
        ],
        batch: [2],
        event: [],
      },
      {
        make: twoD,
        key: 'mixture_2d',
        points: [
          [0.5, -0.2],
          [3, -1],
          [-2, 2.5],
        ],
        batch: [],
        event: [2],
      },
    ];
    for (const c of cases) {
      const d = c.make();
      expect([d.batchShape, d.eventShape]).toEqual([c.batch, c.event]);
      expectClose(d.logProb(tf.tensor(c.points)), fx(c.key).logProb as number[], {
        atol: 1e-5,
        rtol: 1e-5,
      });
      expectClose(d.mean(), fx(c.key).mean as number[], { atol: 1e-6 });
      expectClose(d.variance(), fx(c.key).variance as number[], { atol: 1e-5 });
      d.dispose();
    }
  });

  it('accepts one family in any dimension: MVN components equal the Independent-Normal form', () => {
    const mvn = new Mixture({
      logits: [0.5, -0.5, 0],
      components: new MultivariateNormal({
        loc: [
          [0, 0],
          [3, -1],
          [-2, 2],
        ],
        scaleTril: [
          [
            [1, 0],
            [0, 0.5],
          ],
          [
            [0.7, 0],
            [0, 1],
          ],
          [
            [1.5, 0],
            [0, 0.8],
          ],
        ],
      }),
    });
    const x = tf.tensor2d([
      [0.5, -0.2],
      [3, -1],
      [-2, 2.5],
    ]);
    expectClose(mvn.logProb(x), fx('mixture_2d').logProb as number[], { atol: 1e-5, rtol: 1e-5 });
    expectClose(mvn.variance(), fx('mixture_2d').variance as number[], { atol: 1e-5 });
    mvn.dispose();
  });

  it('samples have the mixture moments within 4 standard errors', () => {
    // 5 elements × 2 moments at a false-failure rate of 6.3e-5 each (normal approximation).
    const cases = [
      [oneD, 'mixture_normal'],
      [batched, 'mixture_batched'],
      [twoD, 'mixture_2d'],
    ] as const;
    for (const [make, key] of cases) {
      const d = make();
      const n = 20000;
      const x = d.sample(n, Rng.fromSeed(21));
      const { mean, variance } = tf.moments(x, 0);
      const mu = [fx(key).mean].flat() as number[];
      const s2 = [fx(key).variance].flat() as number[];
      const k = [fx(key).excessKurtosis].flat() as number[];
      const m = mean.dataSync();
      const v = variance.dataSync();
      mu.forEach((expected, j) => {
        expect(Math.abs(m[j]! - expected), `${key} mean ${j}`).toBeLessThanOrEqual(
          4 * Math.sqrt(s2[j]! / n),
        );
        const seVar = s2[j]! * Math.sqrt((k[j]! + 2) / n);
        expect(Math.abs(v[j]! - s2[j]!), `${key} variance ${j}`).toBeLessThanOrEqual(
          4 * seVar + 1e-4,
        );
      });
      d.dispose();
    }
  });

  it('entropy() throws and points to entropyEstimate, which brackets the quadrature value', () => {
    const d = batched();
    expect(() => d.entropy()).toThrow(NotImplementedError);
    expect(() => d.entropy()).toThrow(/entropyEstimate\(n, rng\)/);
    expect(() => d.rsample(2, Rng.fromSeed(1))).toThrow(NotImplementedError);
    const { value, standardError } = d.entropyEstimate(20000, Rng.fromSeed(8));
    const h = fx('mixture_batched').entropy as number[];
    const se = standardError.dataSync();
    expect(Array.from(se).every((s) => s > 0.002 && s < 0.02)).toBe(true);
    value.dataSync().forEach((v, j) => {
      expect(Math.abs(v - h[j]!), `batch ${j}`).toBeLessThanOrEqual(4 * se[j]!);
    });
    d.dispose();
  });

  it('gradients flow from the mixing logits into logProb (finite differences)', () => {
    const x = tf.tensor1d([-1.5, 0.2, 2.4]);
    const f = (logits: tf.Tensor) =>
      tf.tidy(() => {
        const d = new Mixture({
          logits,
          components: new Normal({ loc: [-1, 2], scale: [0.5, 1] }),
        });
        return tf.sum(d.logProb(x)) as tf.Scalar;
      });
    const logits = tf.tensor1d([0.3, -0.4]);
    expectClose(tf.grad(f)(logits), numericalGradient(f, logits), { atol: 1e-3, rtol: 1e-3 });
    const d = oneD();
    expect(Object.keys(d.params).sort()).toEqual(['components.loc', 'components.scale', 'probs']);
    d.dispose();
  });

  it('rejects mismatched components and weights with typed errors', () => {
    const normals = () => new Normal({ loc: [0, 1, 2], scale: 1 });
    expect(() => new Mixture({ logits: [0, 0], components: normals() })).toThrow(
      "Mixture: argument 'logits' has 2 categories but 'components' has 3 components",
    );
    expect(
      () => new Mixture({ logits: [0, 0], components: new Normal({ loc: 0, scale: 1 }) }),
    ).toThrow(ShapeMismatchError);
    expect(
      () =>
        new Mixture({
          logits: [0, 0],
          components: [new Normal({ loc: 0, scale: 1 }), new Bernoulli({ probs: [0.5, 0.5] })],
        }),
    ).toThrow(/must share batch and event shapes, got batch \[2\] event \[\] at index 1/);
    expect(() => new Mixture({ logits: [0], components: [] })).toThrow(
      /must not be an empty array/,
    );
    expect(
      () =>
        new Mixture({
          logits: [
            [0, 0],
            [0, 0],
          ],
          components: new Normal({
            loc: [
              [0, 1],
              [0, 1],
              [0, 1],
            ],
            scale: 1,
          }),
        }),
    ).toThrow(/batch shapes of the mixing weights \[2\] and the components \[3\] do not broadcast/);
    expect(
      () => new Mixture({ probs: [0.5, 0.6], components: new Normal({ loc: [0, 1], scale: 1 }) }),
    ).toThrow(/must sum to 1/);
  });

  it('does not leak, and dispose releases the components', async () => {
    for (const make of [oneD, batched, twoD]) {
      await expectNoLeak(() => {
        const d = make();
        const rng = Rng.fromSeed(3);
        const x = d.sample(4, rng);
        const out = [x, d.logProb(x), d.mean(), d.variance(), d.entropyEstimate(5, rng)];
        d.dispose();
        return out;
      });
    }
  });
});
