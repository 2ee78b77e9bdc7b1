import { Rng } from '@gen/core';
import { Bernoulli, Categorical, Normal } from '@gen/distributions';
import {
  gradientStats,
  measureValued,
  nvil,
  pathwise,
  rebar,
  relax,
  relaxedBernoulli,
  relaxedCategorical,
  scoreFunction,
  vimco,
} from '@gen/estimators';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  expectTypedError,
  expectTypedOrFinite,
  FUZZ,
  hostileNumber,
  hostileValue,
  useFuzzBackend,
  withUnknownKey,
} from './harness.js';

useFuzzBackend();

const RUNS = { ...FUZZ, numRuns: 30 };

const square = (x: tf.Tensor) => tf.square(x);

const estimators = [
  ['scoreFunction', () => scoreFunction({ baseline: 'mean' })],
  ['pathwise', () => pathwise()],
  ['measureValued', () => measureValued()],
  ['vimco', () => vimco()],
] as const;

/** A one-weight plain-object Network, x ↦ x·w summed over features. */
function tinyNetwork() {
  const w = tf.variable(tf.scalar(0.5));
  return {
    apply: (x: tf.Tensor) => tf.mul(tf.sum(x, -1), w),
    trainableVariables: [w],
    getWeights: () => ({ w: w.clone() }),
    setWeights: (weights: Record<string, tf.Tensor>) => w.assign(weights.w as tf.Scalar),
    dispose: () => w.dispose(),
  };
}

/** Costs a hostile caller passes: NaN-valued, wrong shapes, non-tensors, throwing. */
const hostileCost: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(square),
  fc.constant((x: tf.Tensor) => tf.mul(x, Number.NaN)),
  fc.constant((x: tf.Tensor) => tf.sum(x)),
  fc.constant(() => 3),
  hostileValue,
);

describe('fuzz: @gen/estimators', () => {
  for (const [name, make] of estimators) {
    it(`${name}().surrogate with hostile costs and options`, async () => {
      const estimator = make();
      const dist = new Normal({ loc: [0, 1], scale: 1 });
      try {
        await fc.assert(
          fc.asyncProperty(
            hostileCost,
            fc.oneof(
              fc.record(
                {
                  samples: fc.oneof(fc.integer({ min: -1, max: 8 }), hostileNumber),
                  rng: fc.oneof(fc.constant(Rng.fromSeed(4)), hostileValue),
                },
                { requiredKeys: [] },
              ),
              withUnknownKey({ samples: 4, rng: Rng.fromSeed(4) }),
              hostileValue,
            ),
            async (cost, options) => {
              await expectTypedOrFinite(() =>
                estimator.surrogate(dist, cost as never, options as never),
              );
            },
          ),
          RUNS,
        );
        await expectTypedError(
          () =>
            estimator.surrogate(dist, (x) => tf.mul(x, Number.NaN), {
              samples: 4,
              rng: Rng.fromSeed(1),
            }),
          "argument 'cost(x)'",
        );
        await expectTypedError(
          () =>
            estimator.surrogate(dist, square, {
              samples: 4,
              rng: Rng.fromSeed(1),
              seed: 1,
            } as never),
          "unknown option 'seed'",
        );
      } finally {
        dist.dispose();
      }
    });
  }

  it('estimator constructors refuse unknown keys and hostile values', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, hostileValue, async (baseline, decay) => {
        await expectTypedOrFinite(() => scoreFunction({ baseline, decay } as never), {
          cleanup: () => {},
        });
        await expectTypedOrFinite(() => measureValued({ coupling: baseline } as never), {
          cleanup: () => {},
        });
      }),
      RUNS,
    );
    await expectTypedError(() => scoreFunction({ baselines: 'mean' } as never), 'scoreFunction');
    await expectTypedError(() => measureValued({ couple: true } as never), 'measureValued');
  });

  it('nvil, rebar and relax on a Bernoulli with hostile costs, options and constructor values', async () => {
    const network = tinyNetwork();
    const made = [nvil({ network }), rebar(), relax({ network })];
    const dist = new Bernoulli({ logits: [0.3, -1] });
    try {
      for (const estimator of made) {
        await fc.assert(
          fc.asyncProperty(
            hostileCost,
            fc.oneof(
              fc.record(
                {
                  samples: fc.oneof(fc.integer({ min: -1, max: 4 }), hostileNumber),
                  rng: fc.oneof(fc.constant(Rng.fromSeed(4)), hostileValue),
                },
                { requiredKeys: [] },
              ),
              withUnknownKey({ samples: 2, rng: Rng.fromSeed(4) }),
              hostileValue,
            ),
            async (cost, options) => {
              await expectTypedOrFinite(() =>
                estimator.surrogate(dist, cost as never, options as never),
              );
            },
          ),
          { ...FUZZ, numRuns: 15 },
        );
      }
      await fc.assert(
        fc.asyncProperty(hostileValue, hostileValue, async (a, b) => {
          const dispose = { cleanup: (e: { dispose(): void }) => e.dispose() };
          await expectTypedOrFinite(() => rebar({ eta: a, temperature: b } as never), dispose);
          await expectTypedOrFinite(() => relax({ network: a, relaxation: b } as never), dispose);
          await expectTypedOrFinite(() => nvil({ network: a, decay: b } as never), dispose);
          await expectTypedOrFinite(() => vimco({ baseline: a } as never), { cleanup: () => {} });
        }),
        RUNS,
      );
      await expectTypedError(() => relax({ netwrk: network } as never), 'relax');
      await expectTypedError(() => nvil({ network, decy: 0.5 } as never), 'nvil');
    } finally {
      for (const estimator of made) estimator.dispose();
      dist.dispose();
      network.dispose();
    }
  });

  it('gradientStats with hostile options', async () => {
    const dist = new Normal({ loc: 0.5, scale: 1 });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.record(
              {
                samples: fc.oneof(fc.integer({ min: 0, max: 4 }), hostileNumber),
                repeats: fc.oneof(fc.integer({ min: 1, max: 3 }), hostileNumber),
                rng: fc.oneof(fc.constant(Rng.fromSeed(9)), hostileValue),
              },
              { requiredKeys: [] },
            ),
            withUnknownKey({ samples: 2, repeats: 2, rng: Rng.fromSeed(9) }),
            hostileValue,
          ),
          hostileCost,
          async (options, cost) => {
            await expectTypedOrFinite(() =>
              gradientStats(pathwise(), dist, cost as never, options as never),
            );
          },
        ),
        { ...FUZZ, numRuns: 20 },
      );
    } finally {
      dist.dispose();
    }
  });

  it('relaxed families: hostile parameters and unknown keys', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileValue, fc.array(hostileNumber, { minLength: 1, maxLength: 3 })),
        hostileValue,
        async (logits, temperature) => {
          for (const make of [relaxedBernoulli, relaxedCategorical]) {
            const outcome = await expectTypedOrFinite(
              () => make({ logits, temperature } as never),
              { cleanup: (d) => d.dispose() },
            );
            if (outcome === 'returned') {
              const d = make({ logits, temperature } as never);
              try {
                await expectTypedOrFinite(() => d.rsample(3, Rng.fromSeed(2)));
              } finally {
                d.dispose();
              }
            }
          }
        },
      ),
      RUNS,
    );
    await expectTypedError(
      () => relaxedBernoulli({ logits: [0], temperature: 1, temprature: 2 } as never),
      'RelaxedBernoulli',
    );
    await expectTypedError(
      () => relaxedCategorical({ logits: [0, 1], temperature: 1, hard: true } as never),
      'RelaxedOneHotCategorical',
    );
  });

  it('discrete families through the score-function and measure-valued estimators', async () => {
    const dists = [new Bernoulli({ logits: [0.3, -1] }), new Categorical({ logits: [0, 1, 2] })];
    try {
      for (const dist of dists) {
        for (const estimator of [scoreFunction(), measureValued()]) {
          await expectTypedOrFinite(() =>
            estimator.surrogate(dist, (x) => tf.square(tf.cast(x, 'float32')), {
              samples: 4,
              rng: Rng.fromSeed(3),
            }),
          );
        }
      }
    } finally {
      for (const d of dists) d.dispose();
    }
  });
});
