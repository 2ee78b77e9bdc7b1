import { Rng } from '@gen/core';
import { Exponential, Laplace, Normal } from '@gen/distributions';
import {
  alphaDivergence,
  divergence,
  divergenceEstimate,
  divergenceNames,
  energyDistance,
  fDivergenceNames,
  lambertW,
  medianHeuristic,
  mmd,
  mmdTest,
  renyiDivergence,
  sinkhorn,
  slicedWasserstein,
  variationalBound,
  wasserstein1d,
  wrightOmega,
} from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  expectTypedError,
  expectTypedOrFinite,
  FUZZ,
  hostileNumber,
  hostileTensor,
  hostileValue,
  makeTensor,
  type TensorSpec,
  useFuzzBackend,
  withUnknownKey,
} from './harness.js';

useFuzzBackend();

const RUNS = { ...FUZZ, numRuns: 40 };

/** An argument as a hostile caller passes it: anything, numeric arrays, or a tensor. */
type Input = { tensor: TensorSpec } | { value: unknown };

const input: fc.Arbitrary<Input> = fc.oneof(
  hostileValue.map((value) => ({ value })),
  fc.array(hostileNumber, { minLength: 0, maxLength: 5 }).map((value) => ({ value })),
  fc
    .array(fc.array(hostileNumber, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 4 })
    .map((value) => ({ value })),
  hostileTensor().map((tensor) => ({ tensor })),
  hostileTensor({ finite: true, shape: [5, 2] }).map((tensor) => ({ tensor })),
  hostileTensor({ finite: true, shape: [4], min: 0, max: 1 }).map((tensor) => ({ tensor })),
);

/** Calls `f` with the inputs made real (tensors created and disposed around the call). */
function withInputs<T>(inputs: Input[], f: (...args: unknown[]) => T): () => T {
  return () => {
    const made: tf.Tensor[] = [];
    const args = inputs.map((i) => {
      if ('value' in i) return i.value;
      const t = makeTensor(i.tensor);
      made.push(t);
      return t;
    });
    try {
      return f(...args);
    } finally {
      tf.dispose(made);
    }
  };
}

const options: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  hostileValue,
  fc.dictionary(
    fc.constantFrom(
      'alpha',
      'method',
      'samples',
      'rng',
      'p',
      'projections',
      'epsilon',
      'maxIterations',
      'tolerance',
      'debiased',
      'kernel',
      'bandwidth',
      'unbiased',
      'validateArgs',
      'order',
      'permutations',
      'maxSamples',
      'stpes',
    ),
    fc.oneof(
      hostileValue,
      fc.constantFrom('rbf', 'imq', 'quadrature', 'monte-carlo', 'exact', 'auto'),
      fc.constant(Rng.fromSeed(5)),
    ),
    { maxKeys: 3 },
  ),
);

describe('fuzz: @gen/divergences on probability vectors and samples', () => {
  it('divergence(name, p, q, options) on hostile vectors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...divergenceNames), hostileValue),
        input,
        input,
        options,
        async (name, p, q, opts) => {
          // kl and friends are +∞ where p > 0 = q: the documented limit, never NaN.
          await expectTypedOrFinite(
            withInputs([p, q], (a, b) =>
              divergence(name as never, a as never, b as never, opts as never),
            ),
            { allowInfinite: true },
          );
        },
      ),
      RUNS,
    );
  });

  it('renyiDivergence(p, q, options) on hostile vectors and orders', async () => {
    await fc.assert(
      fc.asyncProperty(
        input,
        input,
        fc.oneof(
          options,
          fc.record({ order: fc.oneof(hostileNumber, fc.constantFrom(0.5, 1, 2)) }),
        ),
        async (p, q, opts) => {
          // +∞ where α > 1 and p > 0 = q, or where the supports are disjoint; NaN never.
          await expectTypedOrFinite(
            withInputs([p, q], (a, b) => renyiDivergence(a as never, b as never, opts as never)),
            { allowInfinite: true },
          );
        },
      ),
      RUNS,
    );
  });

  const sampleFunctions: [string, (x: unknown, y: unknown, o: unknown) => unknown][] = [
    ['wasserstein1d', (x, y, o) => wasserstein1d(x as never, y as never, o as never)],
    ['slicedWasserstein', (x, y, o) => slicedWasserstein(x as never, y as never, o as never)],
    ['sinkhorn', (x, y, o) => sinkhorn(x as never, y as never, o as never)],
    ['mmd', (x, y, o) => mmd(x as never, y as never, o as never)],
    ['energyDistance', (x, y) => energyDistance(x as never, y as never)],
    ['medianHeuristic', (x, y, o) => medianHeuristic(x as never, y as never, o as never)],
    [
      'mmdTest',
      // A plain options object gets an Rng and a few relabellings, so the test itself runs.
      (x, y, o) =>
        mmdTest(
          x as never,
          y as never,
          (typeof o === 'object' && o !== null && !Array.isArray(o)
            ? { rng: Rng.fromSeed(3), permutations: 19, ...o }
            : o) as never,
        ),
    ],
  ];
  for (const [name, f] of sampleFunctions) {
    it(`${name}(x, y, options) on hostile samples and options`, async () => {
      await fc.assert(
        fc.asyncProperty(input, input, options, async (x, y, o) => {
          await expectTypedOrFinite(withInputs([x, y], (a, b) => f(a, b, o)));
        }),
        RUNS,
      );
    });
  }

  it('every options object refuses unknown keys, naming the function', async () => {
    const x = [
      [0, 1],
      [1, 2],
      [2, 0],
    ];
    const rng = Rng.fromSeed(1);
    const zeros = tf.zeros([2]);
    const calls: [string, (o: object) => unknown][] = [
      ['divergence', (o) => divergence('kl', [0.5, 0.5], [0.25, 0.75], o as never)],
      ['wasserstein1d', (o) => wasserstein1d([0, 1], [1, 2], o as never)],
      ['slicedWasserstein', (o) => slicedWasserstein(x, x, { rng, ...o } as never)],
      ['sinkhorn', (o) => sinkhorn(x, x, o as never)],
      ['mmd', (o) => mmd(x, x, o as never)],
      ['mmdTest', (o) => mmdTest(x, x, { rng, ...o } as never)],
      ['medianHeuristic', (o) => medianHeuristic(x, x, o as never)],
      [
        'renyiDivergence',
        (o) => renyiDivergence([0.5, 0.5], [0.25, 0.75], { order: 2, ...o } as never),
      ],
      ['variationalBound', (o) => variationalBound('kl', zeros, zeros, o as never)],
    ];
    for (const [name, call] of calls) {
      await fc.assert(
        fc.asyncProperty(withUnknownKey({}), async (o) => {
          await expectTypedError(() => call(o), `${name}: unknown option`);
        }),
        { ...FUZZ, numRuns: 6 },
      );
    }
    zeros.dispose();
  });

  it('variationalBound(name, vReal, vFake) on hostile critic outputs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...fDivergenceNames, 'alpha'), hostileValue),
        input,
        input,
        fc.oneof(fc.constant(undefined), fc.record({ alpha: hostileNumber })),
        async (name, vReal, vFake, opts) => {
          // Some conjugates are unbounded (+∞ is the value of an impossible critic); NaN never.
          await expectTypedOrFinite(
            withInputs([vReal, vFake], (a, b) =>
              variationalBound(name as never, a as never, b as never, opts as never),
            ),
            { allowInfinite: true },
          );
        },
      ),
      RUNS,
    );
    const nan = tf.tensor1d([Number.NaN]);
    const zero = tf.zeros([1]);
    await expectTypedError(
      () => variationalBound('kl', nan, zero),
      "variationalBound: argument 'vReal'",
    );
    await expectTypedError(
      () => variationalBound('js', zero, nan),
      "variationalBound: argument 'vFake'",
    );
    tf.dispose([nan, zero]);
  });

  it('alphaDivergence, lambertW and wrightOmega on hostile inputs', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileValue,
        hostileTensor({ finite: true, min: -0.3, max: 1e3 }),
        async (alpha, z) => {
          await expectTypedOrFinite(() => alphaDivergence(alpha as never), { cleanup: () => {} });
          await expectTypedOrFinite(withInputs([{ tensor: z }], (t) => lambertW(t as never)));
          await expectTypedOrFinite(withInputs([{ tensor: z }], (t) => wrightOmega(t as never)));
        },
      ),
      RUNS,
    );
    await expectTypedError(() => lambertW('x' as never), 'lambertW');
  });
});

describe('fuzz: @gen/divergences between distributions', () => {
  it('divergence and divergenceEstimate with hostile names, methods and options', async () => {
    const pairs = [
      () => [new Normal({ loc: 0, scale: 1 }), new Normal({ loc: 1, scale: 2 })],
      () => [new Laplace({ loc: 0, scale: 1 }), new Normal({ loc: 0, scale: 1 })],
      () => [new Exponential({ rate: 1 }), new Exponential({ rate: 3 })],
      () => [
        new Normal({ loc: [0, Number.NaN], scale: 1, validateArgs: false }),
        new Normal({ loc: 0, scale: 1 }),
      ],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: pairs.length - 1 }),
        fc.constantFrom(...divergenceNames),
        fc.record(
          {
            method: fc.oneof(
              fc.constantFrom('auto', 'closed-form', 'monte-carlo', 'quadrature', 'exact'),
              hostileValue,
            ),
            samples: fc.oneof(fc.integer({ min: -2, max: 200 }), hostileNumber),
            rng: fc.oneof(fc.constant(Rng.fromSeed(2)), hostileValue),
            alpha: hostileNumber,
            points: fc.oneof(fc.constantFrom(11, 101), hostileNumber),
          },
          { requiredKeys: [] },
        ),
        async (index, name, opts) => {
          const [p, q] = pairs[index]!();
          try {
            await expectTypedOrFinite(() => divergence(name, p!, q!, opts as never), {
              allowInfinite: true,
            });
            const { method: _method, points: _points, ...estimateOptions } = opts;
            await expectTypedOrFinite(
              () => divergenceEstimate(name, p!, q!, estimateOptions as never),
              { allowInfinite: true },
            );
          } finally {
            p!.dispose();
            q!.dispose();
          }
        },
      ),
      RUNS,
    );
  });
});
