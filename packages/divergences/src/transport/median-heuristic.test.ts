import { InvalidArgumentError, NumericalError, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { loadFixture } from '../../test/support.js';
import { medianHeuristic } from './median-heuristic.js';

interface Fixture {
  median: { x: number[][]; y?: number[][]; pooled: number; xOnly: number }[];
}
const fixture = loadFixture<Fixture>('closed-forms');

describeBackends('medianHeuristic', () => {
  it('= numpy.median(scipy pdist) of the pooled rows, and of x alone', () => {
    for (const c of fixture.median) {
      // float32 distances of O(1): a few ulp.
      expect(Math.abs(medianHeuristic(c.x, c.y) - c.pooled)).toBeLessThan(2e-6 * c.pooled);
      expect(Math.abs(medianHeuristic(c.x) - c.xOnly)).toBeLessThan(2e-6 * c.xOnly);
    }
  });

  it('takes 1-D samples and the first maxSamples rows of each set', () => {
    expect(medianHeuristic([0, 1, 3])).toBeCloseTo(2, 6); // distances 1, 2, 3
    expect(medianHeuristic([0, 1, 3, 10], [4], { maxSamples: 2 })).toBeCloseTo(3, 6); // 1, 3, 4
  });

  it('works in blocks for more rows than one block holds', () => {
    // 700 rows × 700 × 10 values exceed one block: the blocks must still cover every pair once.
    const n = 700;
    const x = Array.from({ length: n }, (_, i) =>
      Array.from({ length: 10 }, (_, j) => Math.sin(13.1 * i + 7.7 * j)),
    );
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let s = 0;
        for (let k = 0; k < 10; k++) s += (x[i]![k]! - x[j]![k]!) ** 2;
        values.push(Math.sqrt(s));
      }
    }
    values.sort((a, b) => a - b);
    const mid = values.length / 2;
    const expected =
      values.length % 2 ? values[Math.floor(mid)]! : (values[mid - 1]! + values[mid]!) / 2;
    expect(Math.abs(medianHeuristic(x) - expected)).toBeLessThan(1e-4 * expected);
  });

  it('rejects bad input with typed errors naming medianHeuristic, the argument and the value', () => {
    const cases: [() => unknown, new (...args: never[]) => Error, RegExp][] = [
      [
        () => medianHeuristic([[0, 1]], [[1, 2, 3]]),
        ShapeMismatchError,
        /medianHeuristic.*dimensions/,
      ],
      [() => medianHeuristic([1]), ShapeMismatchError, /medianHeuristic.*at least 2 rows/],
      [() => medianHeuristic([0, Number.NaN]), InvalidArgumentError, /medianHeuristic.*'x'.*NaN/],
      [
        () => medianHeuristic([0, 1], [Number.POSITIVE_INFINITY]),
        InvalidArgumentError,
        /'y'.*Infinity/,
      ],
      [
        () => medianHeuristic([1, 1, 1, 1, 2]),
        InvalidArgumentError,
        /medianHeuristic.*median pairwise distance.*0/,
      ],
      [
        () => medianHeuristic([0, 1], undefined, { maxSamples: 0 }),
        InvalidArgumentError,
        /'maxSamples'.*0/,
      ],
      [
        () => medianHeuristic([0, 1], undefined, { bandwidth: 1 } as never),
        InvalidArgumentError,
        /medianHeuristic.*bandwidth/,
      ],
      [() => medianHeuristic('x' as never), InvalidArgumentError, /medianHeuristic.*'x'/],
    ];
    cases.push([
      () => medianHeuristic([0, 1e30, -1e30]),
      NumericalError,
      /medianHeuristic.*overflows/,
    ]);
    for (const [call, type, message] of cases) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    }
  });

  it('does not leak tensors', async () => {
    const x = tf.tensor2d(fixture.median[0]!.x);
    await expectNoLeak(() => {
      medianHeuristic(x, fixture.median[0]!.y);
      medianHeuristic([0, 1, 3], [5], { maxSamples: 2 });
      expect(() => medianHeuristic(x, [[Number.NaN, 0, 0]])).toThrow();
      expect(() => medianHeuristic([1, 1, 1])).toThrow();
    });
    x.dispose();
  });
});
