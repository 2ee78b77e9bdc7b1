import { InvalidArgumentError, Rng } from '@gen/core';
import { describe, expect, it } from 'vitest';
import { madeMasks } from './made-masks.js';

/** reach[i][o] = 1 when some path of mask entries leads from input i to output o. */
function reachability(masks: number[][][]): number[][] {
  let reach = masks[0]!.map((row) => [...row]);
  for (const mask of masks.slice(1)) {
    reach = reach.map((row) =>
      mask[0]!.map((_, o) => (row.some((r, k) => r === 1 && mask[k]![o] === 1) ? 1 : 0)),
    );
  }
  return reach;
}

describe('madeMasks', () => {
  it('returns one [in, out] mask per layer with block-laid-out outputs', () => {
    const m = madeMasks({ inputSize: 3, hiddenSizes: [8, 5], outputMultiplier: 2 });
    expect(m.masks.map((mask) => [mask.length, mask[0]!.length])).toEqual([
      [3, 8],
      [8, 5],
      [5, 6],
    ]);
    expect(m.inputDegrees).toEqual([1, 2, 3]);
    expect(m.outputDegrees).toEqual([1, 2, 3, 1, 2, 3]);
    // 'spread' cycles through 1..D−1: k % (D − 1) + 1.
    expect(m.hiddenDegrees).toEqual([
      [1, 2, 1, 2, 1, 2, 1, 2],
      [1, 2, 1, 2, 1],
    ]);
  });

  it("'spread' covers the whole range when a layer is narrower than it (784-500)", () => {
    const m = madeMasks({ inputSize: 784, hiddenSizes: [500] });
    const degrees = m.hiddenDegrees[0]!;
    expect(Math.min(...degrees)).toBe(1);
    expect(Math.max(...degrees)).toBe(783);
    // Evenly spaced: consecutive degrees differ by 1 or 2 (783 values over 500 units).
    for (let k = 1; k < degrees.length; k++) {
      expect([1, 2]).toContain(degrees[k]! - degrees[k - 1]!);
    }
    // Every output after the first now depends on every input before it.
    const last = m.masks[1]!.map((row) => row[783]!);
    expect(last.every((v) => v === 1)).toBe(true);
  });

  it('applies the MADE rules: hidden m(k′) ≥ m(k), output strictly greater', () => {
    const m = madeMasks({ inputSize: 4, hiddenSizes: [6], ordering: [2, 0, 3, 1] });
    expect(m.inputDegrees).toEqual([3, 1, 4, 2]);
    m.inputDegrees.forEach((d, i) => {
      m.hiddenDegrees[0]!.forEach((h, k) => {
        expect(m.masks[0]![i]![k]).toBe(h >= d ? 1 : 0);
      });
    });
    m.hiddenDegrees[0]!.forEach((h, k) => {
      m.outputDegrees.forEach((o, j) => {
        expect(m.masks[1]![k]![j]).toBe(o > h ? 1 : 0);
      });
    });
  });

  const cases = [
    { inputSize: 5, hiddenSizes: [], ordering: 'natural' as const },
    { inputSize: 5, hiddenSizes: [4, 4], ordering: 'natural' as const },
    { inputSize: 5, hiddenSizes: [20, 20, 20], ordering: 'random' as const, seed: 3 },
    { inputSize: 6, hiddenSizes: [30], ordering: [5, 2, 0, 4, 1, 3], outputMultiplier: 3 },
    { inputSize: 4, hiddenSizes: [24, 24], connectivity: 'random' as const, seed: 1 },
  ];

  for (const options of cases) {
    it(`output i reaches exactly the inputs before i in the order: ${JSON.stringify(options)}`, () => {
      const m = madeMasks(options);
      const d = options.inputSize;
      const reach = reachability(m.masks);
      for (let i = 0; i < d; i++) {
        for (let o = 0; o < m.outputDegrees.length; o++) {
          const before = m.inputDegrees[i]! < m.outputDegrees[o]!;
          // Hidden layers at least D − 1 wide with every degree present connect all allowed pairs.
          expect(reach[i]![o], `input ${i} → output ${o}`).toBe(before ? 1 : 0);
        }
      }
      // Every input except the last in the order reaches some output.
      m.inputDegrees.forEach((deg, i) => {
        expect(reach[i]!.some((r) => r === 1)).toBe(deg < d);
      });
    });
  }

  it('hidden layers narrower than D − 1 are allowed and only cut dependencies', () => {
    const m = madeMasks({ inputSize: 6, hiddenSizes: [2] });
    const reach = reachability(m.masks);
    // Two units at the two ends of 1..5: the last output still sees inputs 1–5.
    expect(m.hiddenDegrees).toEqual([[1, 5]]);
    reach.forEach((row, i) => {
      row.forEach((r, o) => {
        if (r === 1) expect(m.inputDegrees[i]!).toBeLessThan(m.outputDegrees[o]!);
      });
    });
    expect(reach.slice(0, 5).map((row) => row[5])).toEqual([1, 1, 1, 1, 1]);
    expect(reach[1]![2]).toBe(0); // input 2 → output 3 is one of the cut dependencies
  });

  it('random orderings and degrees are reproducible from the seed and stay in range', () => {
    const a = madeMasks({ inputSize: 6, hiddenSizes: [10, 10], ordering: 'random', seed: 4 });
    const b = madeMasks({
      inputSize: 6,
      hiddenSizes: [10, 10],
      ordering: 'random',
      rng: Rng.fromSeed(4),
    });
    const c = madeMasks({ inputSize: 6, hiddenSizes: [10, 10], ordering: 'random', seed: 5 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect([...a.inputDegrees].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    let low = 1;
    for (const layer of a.hiddenDegrees) {
      expect(Math.min(...layer)).toBeGreaterThanOrEqual(low);
      expect(Math.max(...layer)).toBeLessThanOrEqual(5);
      low = Math.min(...layer);
    }
  });

  it('with D = 1 the single output sees no input', () => {
    const m = madeMasks({ inputSize: 1, hiddenSizes: [3] });
    expect(m.hiddenDegrees).toEqual([[0, 0, 0]]);
    expect(reachability(m.masks)).toEqual([[0]]);
  });

  it('rejects bad options with typed errors naming the argument and value', () => {
    const base = { inputSize: 3, hiddenSizes: [4] };
    const make = (o: object) => () => madeMasks({ ...base, ...o } as never);
    expect(make({ ordering: [0, 0, 1] })).toThrow(InvalidArgumentError);
    expect(make({ ordering: [0, 0, 1] })).toThrow(
      /madeMasks: argument 'ordering' must be 'natural', 'random' or a permutation of 0..2, got \[0, 0, 1\]/,
    );
    expect(make({ ordering: [0, 1] })).toThrow(/argument 'ordering'/);
    expect(make({ ordering: 'reverse' })).toThrow(/got "reverse"/);
    expect(make({ inputSize: 0 })).toThrow(/argument 'inputSize' must be an integer >= 1, got 0/);
    expect(make({ hiddenSizes: [4, -1] })).toThrow(/argument 'hiddenSizes\[1\]'/);
    expect(make({ outputMultiplier: 0 })).toThrow(/argument 'outputMultiplier'/);
    expect(make({ connectivity: 'dense' })).toThrow(
      /argument 'connectivity' must be one of 'spread', 'random'/,
    );
    expect(make({ order: 'natural' })).toThrow(/madeMasks: unknown option 'order'/);
  });
});
