import { InvalidArgumentError, NumericalError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak, foreignRng } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { scalar } from '../../test/support.js';
import { medianHeuristic } from './median-heuristic.js';
import { mmd } from './mmd.js';
import { mmdTest } from './mmd-test.js';

/** n standard-normal rows of dimension d, shifted by `shift` in the first coordinate. */
function normalRows(rng: Rng, n: number, d: number, shift = 0): number[][] {
  const t = rng.normal([n, d]);
  const rows = t.arraySync() as number[][];
  t.dispose();
  for (const row of rows) row[0] = row[0]! + shift;
  return rows;
}

describeBackends('mmdTest', () => {
  it('reports the MMD² of mmd() with the same kernel and the median-heuristic bandwidth', () => {
    const rng = Rng.fromSeed(1);
    const x = normalRows(rng, 30, 2);
    const y = normalRows(rng, 25, 2, 0.5);
    const result = mmdTest(x, y, { rng: Rng.fromSeed(2), permutations: 50 });
    const h = medianHeuristic(x, y);
    expect(result.bandwidth).toEqual([h]);
    // Same kernel values, summed in another order (matrix products vs means): float32 sums of
    // ~3000 terms of size ≤ 1 agree to a few 1e−6.
    const close = { atol: 1e-5 };
    expectClose(result.statistic, scalar(mmd(x, y, { bandwidth: h })), close);
    const imq = mmdTest(x, y, {
      rng: Rng.fromSeed(2),
      kernel: 'imq',
      bandwidth: [0.5, 2],
      unbiased: false,
      permutations: 10,
    });
    expectClose(
      imq.statistic,
      scalar(mmd(x, y, { kernel: 'imq', bandwidth: [0.5, 2], unbiased: false })),
      close,
    );
    expect(imq.permutations).toBe(10);
  });

  it('counts relabellings as (1 + #{MMD²_b ≥ MMD²}) / (1 + B) against a direct recount', () => {
    const rng = Rng.fromSeed(5);
    const x = normalRows(rng, 6, 1);
    const y = normalRows(rng, 5, 1, 0.3);
    const B = 300;
    const result = mmdTest(x, y, { rng: Rng.fromSeed(9), permutations: B, bandwidth: 1 });
    // Replays the same permutations (drawn the same way from the same seed) through mmd().
    const replay = Rng.fromSeed(9);
    const pooled = [...x, ...y];
    let above = 0;
    let reached = 0;
    for (let b = 0; b < B; b++) {
      const perm = replay.permutation(11);
      const xs = Array.from(perm.slice(0, 6), (k) => pooled[k]!);
      const ys = Array.from(perm.slice(6), (k) => pooled[k]!);
      const value = scalar(mmd(xs, ys, { bandwidth: 1 }));
      // Relabellings that tie with the observed split (same statistic up to float32 rounding
      // in another summation order) may count either way; all others must count exactly.
      if (value > result.statistic + 1e-5) above++;
      if (value >= result.statistic - 1e-5) reached++;
    }
    expect(reached - above).toBeLessThan(5);
    expect(result.pValue).toBeGreaterThanOrEqual((1 + above) / (1 + B));
    expect(result.pValue).toBeLessThanOrEqual((1 + reached) / (1 + B));
    expect(Math.abs(result.pValue * (1 + B) - Math.round(result.pValue * (1 + B)))).toBeLessThan(
      1e-9,
    );
  });

  it('is calibrated under H0: the rejection rate at 0.05 over 200 repetitions is within 4 SE of 0.05', () => {
    const rng = Rng.fromSeed(2026);
    let rejections = 0;
    const repetitions = 200;
    for (let r = 0; r < repetitions; r++) {
      const x = normalRows(rng, 15, 2);
      const y = normalRows(rng, 15, 2);
      if (mmdTest(x, y, { rng, permutations: 99 }).pValue <= 0.05) rejections++;
    }
    // A valid permutation test rejects with probability ≤ 0.05 (here exactly 5/100 for B = 99);
    // 4 SE of a binomial proportion at 200 draws is 0.062, false failure ≈ 6e−5.
    const se = Math.sqrt((0.05 * 0.95) / repetitions);
    expect(Math.abs(rejections / repetitions - 0.05)).toBeLessThan(4 * se);
  });

  it('rejects a clear shift with p < 0.01', () => {
    const rng = Rng.fromSeed(7);
    const x = normalRows(rng, 50, 2);
    const y = normalRows(rng, 50, 2, 1.5);
    const result = mmdTest(x, y, { rng, permutations: 500 });
    expect(result.pValue).toBeLessThan(0.01);
    expect(result.pValue).toBeGreaterThanOrEqual(1 / 501);
  });

  it('accepts an Rng from another installed copy of @gen/core', () => {
    const a = mmdTest([0, 1, 2, 3], [1, 2, 3, 4], {
      rng: foreignRng(3) as never,
      permutations: 20,
    });
    const b = mmdTest([0, 1, 2, 3], [1, 2, 3, 4], { rng: Rng.fromSeed(3), permutations: 20 });
    expect(a).toEqual(b);
  });

  it('rejects bad input with typed errors naming mmdTest, the argument and the value', () => {
    const x = [0, 1, 2];
    const rng = Rng.fromSeed(0);
    const cases: [() => unknown, new (...args: never[]) => Error, RegExp][] = [
      [() => mmdTest(x, x, undefined as never), InvalidArgumentError, /mmdTest.*'options'/],
      [() => mmdTest(x, x, {} as never), InvalidArgumentError, /mmdTest.*'rng'/],
      [
        () => mmdTest(x, x, { rng, permutations: 0 }),
        InvalidArgumentError,
        /mmdTest.*'permutations'.*0/,
      ],
      [
        () => mmdTest(x, x, { rng, permutations: 2.5 }),
        InvalidArgumentError,
        /'permutations'.*2\.5/,
      ],
      [
        () => mmdTest(x, x, { rng, bandwidth: -1 }),
        InvalidArgumentError,
        /mmdTest.*'bandwidth'.*-1/,
      ],
      [
        () => mmdTest(x, x, { rng, bandwidth: 'mean' as never }),
        InvalidArgumentError,
        /'bandwidth'.*mean/,
      ],
      [
        () => mmdTest(x, x, { rng, kernel: 'gauss' as never }),
        InvalidArgumentError,
        /mmdTest.*'kernel'.*gauss/,
      ],
      [
        () => mmdTest(x, x, { rng, unbiased: 1 as never }),
        InvalidArgumentError,
        /mmdTest.*'unbiased'/,
      ],
      [() => mmdTest(x, x, { rng, samples: 3 } as never), InvalidArgumentError, /mmdTest.*samples/],
      [() => mmdTest([0], x, { rng }), ShapeMismatchError, /mmdTest.*'x'.*n >= 2/],
      [
        () =>
          mmdTest(
            [
              [0, 1],
              [1, 1],
            ],
            x,
            { rng },
          ),
        ShapeMismatchError,
        /mmdTest.*dimensions/,
      ],
      [() => mmdTest([0, Number.NaN], x, { rng }), InvalidArgumentError, /mmdTest.*'x'.*NaN/],
      [
        () => mmdTest([1, 1, 1], [1, 1, 2], { rng }),
        InvalidArgumentError,
        /mmdTest: option 'bandwidth' is 'median'/,
      ],
    ];
    cases.push([
      () => mmdTest(x, [0.5, 1, 2], { rng, bandwidth: 1e-45 }),
      NumericalError,
      /mmdTest: the MMD² statistic is NaN/,
    ]);
    for (const [call, type, message] of cases) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    }
  });

  it('does not leak tensors', async () => {
    const x = tf.tensor2d([
      [0, 1],
      [1, 0],
      [2, 2],
    ]);
    await expectNoLeak(() => {
      mmdTest(
        x,
        [
          [1, 1],
          [0, 0],
          [3, 1],
        ],
        { rng: Rng.fromSeed(1), permutations: 300 },
      );
      mmdTest(x, x, {
        rng: Rng.fromSeed(1),
        permutations: 5,
        kernel: 'imq',
        bandwidth: 2,
        unbiased: false,
      });
      expect(() => mmdTest(x, [1, 2], { rng: Rng.fromSeed(1) })).toThrow();
      expect(() => mmdTest([1, 1, 1], [1, 1, 2], { rng: Rng.fromSeed(1) })).toThrow();
    });
    x.dispose();
  });
});
