import {
  assertFiniteNumber,
  assertFiniteTensor,
  assertInteger,
  assertKnownOptions,
  assertNonNegative,
  assertOneOf,
  assertPositive,
  assertShape,
  assertTensor,
  cholesky,
  choleskySolve,
  createRng,
  digamma,
  formatValue,
  lgamma,
  log1mexp,
  logDet,
  logMeanExp,
  logSigmoid,
  Rng,
  setFiniteChecks,
  softplus,
  triangularSolve,
  trigamma,
  withoutFiniteChecks,
  xlogy,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectTypedError,
  expectTypedOrFinite,
  FUZZ,
  hostileTensor,
  hostileValue,
  makeTensor,
  type TensorSpec,
  useFuzzBackend,
  withUnknownKey,
} from './harness.js';

useFuzzBackend();

const RUNS = { ...FUZZ, numRuns: 60 };

/** Runs `f` on the tensor of `spec`, disposing the input afterwards. */
function onTensor<T>(spec: TensorSpec, f: (x: tf.Tensor) => T): () => T {
  return () => {
    const x = makeTensor(spec);
    try {
      return f(x);
    } finally {
      x.dispose();
    }
  };
}

/**
 * Elementwise numerics follow IEEE semantics: a NaN input entry gives NaN at that entry only
 * (they are the building blocks of the densities, which check their own inputs). So: finite
 * input values give results without NaN; a NaN anywhere in the output must sit where the input
 * was NaN or ±Inf, or at a pole of digamma and trigamma (0, −1, −2, …: NaN, as in torch).
 */
async function expectElementwise(
  spec: TensorSpec,
  f: (x: tf.Tensor) => tf.Tensor,
  poles: boolean,
): Promise<void> {
  const before = tf.memory().numTensors;
  const x = makeTensor(spec);
  let y: tf.Tensor;
  try {
    y = f(x);
  } finally {
    x.dispose();
  }
  const out = Array.from(y.dataSync());
  y.dispose();
  expect(tf.memory().numTensors).toBe(before);
  // float32 values, as the tensor holds them (3.4028235677973366e38 is +Inf there).
  const inputs = spec.values.map((v) =>
    spec.dtype === 'int32' ? (Number.isFinite(v) ? Math.trunc(v) | 0 : 0) : Math.fround(v),
  );
  out.forEach((v, i) => {
    const input = inputs[i]!;
    if (Number.isNaN(v) && Number.isFinite(input)) {
      expect(poles && input <= 0 && Number.isInteger(input), `NaN at ${i} from ${input}`).toBe(
        true,
      );
    }
  });
}

const elementwise: [string, (x: tf.Tensor) => tf.Tensor, boolean][] = [
  ['softplus', softplus, false],
  ['logSigmoid', logSigmoid, false],
  ['lgamma', lgamma, false],
  ['digamma', digamma, true],
  ['trigamma', trigamma, true],
];

describe('fuzz: @gen/core numerics', () => {
  for (const [name, f, poles] of elementwise) {
    it(`${name}: NaN only where the input is not finite; typed errors for non-tensors`, async () => {
      await fc.assert(
        fc.asyncProperty(hostileTensor(), hostileValue, async (spec, junk) => {
          await expectElementwise(spec, f, poles);
          await expectTypedError(() => f(junk as tf.Tensor), name);
        }),
        RUNS,
      );
    });
  }

  it('softplus and logSigmoid are finite for every finite input', async () => {
    await fc.assert(
      fc.asyncProperty(hostileTensor({ finite: true, min: -3e38, max: 3e38 }), async (spec) => {
        await expectTypedOrFinite(onTensor(spec, logSigmoid));
        // softplus(x) ≈ x overflows only past float32's largest value, which finite input is not.
        await expectTypedOrFinite(onTensor(spec, softplus));
      }),
      RUNS,
    );
  });

  it('log1mexp is finite for x < 0 and -Inf only at 0', async () => {
    await fc.assert(
      fc.asyncProperty(hostileTensor({ finite: true, min: -1e6, max: -1e-30 }), async (spec) => {
        await expectTypedOrFinite(onTensor(spec, log1mexp), { allowInfinite: true });
      }),
      RUNS,
    );
    await expectTypedError(() => log1mexp(null as never), 'log1mexp');
  });

  it('xlogy: broadcast errors and wrong types are typed; 0·log 0 = 0', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileTensor({ finite: true, min: 0, max: 1e6 }),
        hostileTensor({ finite: true, min: 1e-3, max: 1e6 }),
        async (a, b) => {
          await expectTypedOrFinite(() => {
            const x = makeTensor(a);
            const y = makeTensor(b);
            try {
              return xlogy(x, y);
            } finally {
              tf.dispose([x, y]);
            }
          });
        },
      ),
      RUNS,
    );
    const one = tf.scalar(1);
    const pair = tf.ones([2]);
    const triple = tf.ones([3]);
    try {
      await expectTypedError(() => xlogy(1 as never, one), "xlogy: argument 'x'");
      await expectTypedError(() => xlogy(pair, triple), 'xlogy');
    } finally {
      tf.dispose([one, pair, triple]);
    }
  });

  it('logMeanExp: hostile tensors and axes; an empty reduction is a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileTensor({ finite: true }),
        fc.oneof(fc.constant(undefined), fc.integer({ min: -4, max: 4 }), hostileValue),
        fc.oneof(fc.boolean(), hostileValue),
        async (spec, axis, keepDims) => {
          await expectTypedOrFinite(
            onTensor(spec, (x) => logMeanExp(x, axis as never, keepDims as never)),
          );
        },
      ),
      RUNS,
    );
    const empty = tf.zeros([0]);
    const rows = tf.zeros([2, 0]);
    try {
      await expectTypedError(() => logMeanExp(empty), 'logMeanExp');
      await expectTypedError(() => logMeanExp(rows, 1), 'logMeanExp');
      await expectTypedError(() => logMeanExp(rows, 5), "logMeanExp: argument 'axis'");
      await expectTypedError(() => logMeanExp('x' as never), "logMeanExp: argument 'x'");
    } finally {
      tf.dispose([empty, rows]);
    }
  });

  it('logMeanExp with non-finite entries: ±Inf where the mean is, never NaN for ±Inf', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileTensor({ shape: [3] }).filter((s) => s.values.every((v) => !Number.isNaN(v))),
        async (spec) => {
          await expectTypedOrFinite(
            onTensor(spec, (x) => logMeanExp(x)),
            { allowInfinite: true },
          );
        },
      ),
      RUNS,
    );
  });
});

describe('fuzz: @gen/core linear algebra', () => {
  it('cholesky, logDet, triangularSolve, choleskySolve with hostile matrices', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileTensor(),
          fc.integer({ min: 1, max: 3 }).chain((d) => hostileTensor({ shape: [d, d] })),
          fc
            .integer({ min: 1, max: 3 })
            .chain((d) => hostileTensor({ finite: true, shape: [d, d] })),
        ),
        hostileTensor(),
        fc.oneof(fc.constant(undefined), hostileValue, withUnknownKey({})),
        async (a, b, options) => {
          const run = (f: (x: tf.Tensor, y: tf.Tensor) => unknown) => () => {
            const x = makeTensor(a);
            const y = makeTensor(b);
            try {
              return f(x, y);
            } finally {
              tf.dispose([x, y]);
            }
          };
          await expectTypedOrFinite(run((x) => cholesky(x, options as never)));
          await expectTypedOrFinite(run((x) => logDet(x, options as never)));
          // The solves are primitives of the densities (which check their inputs): like tf.div
          // they propagate NaN and divide by a zero pivot; what they owe is a typed error for
          // bad shapes and types, and no leak.
          const solved = (f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) =>
            run((x, y) => {
              f(x, y).dispose();
              return 0;
            });
          await expectTypedOrFinite(solved((x, y) => triangularSolve(x, y, options as never)));
          await expectTypedOrFinite(solved((x, y) => choleskySolve(x, y)));
        },
      ),
      { ...FUZZ, numRuns: 40 },
    );
  });
});

describe('fuzz: @gen/core Rng and validate helpers', () => {
  it('Rng.fromSeed, createRng and Rng.fromState with hostile seeds and states', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, hostileValue, async (seed, state) => {
        for (const make of [() => Rng.fromSeed(seed as number), () => createRng(seed as number)]) {
          const outcome = await expectTypedOrFinite(make, { cleanup: () => {} });
          if (outcome === 'returned') {
            const rng = make();
            expect(rng.nextSeed()).not.toBe(0);
            await expectTypedOrFinite(() => rng.uniform([2, 2]));
          }
        }
        await expectTypedOrFinite(() => Rng.fromState(state as never), { cleanup: () => {} });
        await expectTypedOrFinite(
          () => Rng.fromState({ version: 1, key: [seed, 1], counter: seed } as never),
          { cleanup: () => {} },
        );
      }),
      RUNS,
    );
  });

  it('Rng methods with hostile arguments', async () => {
    const rng = Rng.fromSeed(7);
    await fc.assert(
      fc.asyncProperty(hostileValue, hostileValue, async (a, b) => {
        await expectTypedOrFinite(() => rng.split(a as number), { cleanup: () => {} });
        await expectTypedOrFinite(() => rng.int(a as number));
        await expectTypedOrFinite(() => rng.permutation(a as number), { cleanup: () => {} });
        await expectTypedOrFinite(() => rng.normal([2], a as number, b as number));
        await expectTypedOrFinite(() => rng.uniform(a as never));
      }),
      RUNS,
    );
  });

  it('validate helpers throw typed errors naming the function for any value', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, async (value) => {
        const checks: (() => unknown)[] = [
          () => assertFiniteNumber('f', 'a', value),
          () => assertPositive('f', 'a', value),
          () => assertNonNegative('f', 'a', value),
          () => assertInteger('f', 'a', value, 0, 10),
          () => assertOneOf('f', 'a', value, ['x', 'y']),
          () => assertTensor('f', 'a', value),
          () => assertKnownOptions('f', value as object, ['a']),
        ];
        for (const check of checks) {
          await expectTypedOrFinite(() => {
            check();
            return 0;
          });
        }
        expect(typeof formatValue(value)).toBe('string');
      }),
      RUNS,
    );
    const x = tf.zeros([2, 3]);
    try {
      await expectTypedError(() => assertShape('Dense.apply', 'x', x, [null, 4]), 'Dense.apply');
      await expectTypedError(() => assertKnownOptions('fit', null as never, ['steps']), 'fit');
    } finally {
      x.dispose();
    }
  });

  it('assertFiniteTensor refuses NaN/Inf unless the checks are off', async () => {
    await fc.assert(
      fc.asyncProperty(hostileTensor(), async (spec) => {
        const x = makeTensor(spec);
        try {
          const finite =
            spec.dtype === 'int32' || spec.values.every((v) => Number.isFinite(Math.fround(v)));
          const outcome = await expectTypedOrFinite(() => {
            assertFiniteTensor('Normal.logProb', 'x', x);
            return 0;
          });
          expect(outcome).toBe(finite ? 'returned' : 'threw');
          withoutFiniteChecks(() => assertFiniteTensor('Normal.logProb', 'x', x));
          setFiniteChecks(false);
          try {
            assertFiniteTensor('Normal.logProb', 'x', x);
          } finally {
            setFiniteChecks(true);
          }
        } finally {
          x.dispose();
        }
      }),
      RUNS,
    );
  });
});
