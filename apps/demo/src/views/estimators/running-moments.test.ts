import { describe, expect, it } from 'vitest';
import { RunningMoments } from './running-moments.js';

describe('RunningMoments state', () => {
  it('continues from its plain-data state exactly as if never interrupted', () => {
    const batches = [
      [1, 10, 2, 20, 4, 40],
      [-3, 0.5, 7, 1.5],
    ];
    const whole = new RunningMoments(2);
    whole.push(batches[0]!, 3);
    whole.push(batches[1]!, 2);

    const first = new RunningMoments(2);
    first.push(batches[0]!, 3);
    const state = JSON.parse(JSON.stringify(first.state()));
    const continued = RunningMoments.fromState(state, 2);
    expect(continued.count).toBe(3);
    continued.push(batches[1]!, 2);

    expect(continued.count).toBe(5);
    for (const i of [0, 1]) {
      expect(continued.mean[i]).toBe(whole.mean[i]);
      expect(continued.variance(i)).toBe(whole.variance(i));
    }
    // Sample variance of 1, 2, 4, −3, 7: mean 2.2, Σ(x − 2.2)² = 54.8, over 4.
    expect(continued.variance(0)).toBeCloseTo(13.7, 12);
  });

  it('refuses a state of another size or with bad numbers', () => {
    const state = new RunningMoments(3).state();
    expect(() => RunningMoments.fromState(state, 4)).toThrow(RangeError);
    expect(() => RunningMoments.fromState({ ...state, count: -1 }, 3)).toThrow(RangeError);
    expect(() => RunningMoments.fromState({ ...state, m2: [0, -1, 0] }, 3)).toThrow(RangeError);
    expect(() => RunningMoments.fromState({ ...state, mean: [0, Number.NaN, 0] }, 3)).toThrow(
      RangeError,
    );
  });
});
