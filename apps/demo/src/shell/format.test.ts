import { describe, expect, it } from 'vitest';
import { fieldProblem } from './field.js';
import {
  axisFormat,
  formatCount,
  formatMeanError,
  formatNumber,
  parseFormatted,
  UNFORMATTED_NUMBER,
} from './format.js';
import { LossHistory, smoothed } from './loss-curve.js';
import { StepRate } from './train-loop.js';

describe('formatNumber', () => {
  it('gives four significant digits, trimmed, for everyday magnitudes', () => {
    expect(formatNumber(1.2345678)).toBe('1.235');
    expect(formatNumber(0.1)).toBe('0.1');
    expect(formatNumber(100)).toBe('100');
    expect(formatNumber(123456)).toBe('123500');
    expect(formatNumber(-0.5)).toBe('−0.5');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(0.0012346)).toBe('0.001235');
    expect(formatNumber(Math.PI, { decimals: 2 })).toBe('3.14');
  });

  it('writes very large and very small magnitudes with a superscript power of ten', () => {
    expect(formatNumber(2.6370590635584594e37)).toBe('2.637 × 10³⁷');
    expect(formatNumber(-1.5e-7)).toBe('−1.5 × 10⁻⁷');
    expect(formatNumber(1e308)).toBe('1 × 10³⁰⁸');
    expect(formatNumber(1234567, { digits: 3 })).toBe('1.23 × 10⁶');
  });

  it('names non-finite values instead of printing NaN or Infinity', () => {
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('−∞');
  });

  it('never produces text the screenshot test calls unformatted', () => {
    for (const v of [Math.PI * 1e37, Math.E * 1e-9, 1 / 3, -2 / 3, 1e21, Number.NaN, 0.1 + 0.2]) {
      expect(formatNumber(v)).not.toMatch(UNFORMATTED_NUMBER);
    }
    expect(String(0.1 + 0.2)).toMatch(UNFORMATTED_NUMBER);
    expect(String(2.6370590635584594e37)).toMatch(UNFORMATTED_NUMBER);
    expect('NaN').toMatch(UNFORMATTED_NUMBER);
  });

  it('formats axes, counts and mean ± error', () => {
    expect(axisFormat(0.1)).toBe('0.1');
    expect(axisFormat(1000)).toBe('1000');
    expect(formatCount(1234567)).toBe('1\u2009234\u2009567');
    expect(formatMeanError(0.012345, 0.0045)).toBe('0.0123 ± 0.0045');
    expect(formatMeanError(12.3456, 0.5)).toBe('12.35 ± 0.50');
    expect(formatMeanError(1.5, Number.NaN)).toBe('1.5 ± —');
  });
});

describe('parseFormatted', () => {
  it('reads back every formatted number', () => {
    for (const v of [0, 1.5, -0.25, 123456, 2.637e37, -1.5e-7, 1e308, 0.001235]) {
      // Four significant digits: within half a unit of the fourth digit.
      expect(Math.abs(parseFormatted(formatNumber(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 5e-4);
    }
    expect(parseFormatted(formatCount(1234567))).toBe(1234567);
    expect(parseFormatted(formatMeanError(0.012345, 0.0045))).toBe(0.0123);
    expect(parseFormatted('—')).toBeNaN();
    expect(parseFormatted('∞')).toBe(Number.POSITIVE_INFINITY);
    expect(parseFormatted('−∞')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseFormatted('12 steps')).toBeNaN();
  });
});

describe('fieldProblem', () => {
  const options = { label: 'D steps', value: 1, min: 1, max: 10, integer: true };

  it('accepts whole numbers in range', () => {
    expect(fieldProblem('3', options)).toBeUndefined();
    expect(fieldProblem(' 10 ', options)).toBeUndefined();
  });

  it('names the setting, the value and the range for every kind of bad entry', () => {
    expect(fieldProblem('', options)).toBe('D steps: enter a number from 1 to 10');
    expect(fieldProblem('abc', options)).toBe("D steps: 'abc' is not a number (use 1 to 10)");
    expect(fieldProblem('-5', options)).toBe('D steps: −5 is outside 1 to 10');
    expect(fieldProblem('1e9', options)).toBe('D steps: 1 × 10⁹ is outside 1 to 10');
    expect(fieldProblem('2.5', options)).toBe('D steps: 2.5 is not a whole number (use 1 to 10)');
    expect(fieldProblem('Infinity', options)).toBe(
      "D steps: 'Infinity' is not a number (use 1 to 10)",
    );
  });

  it('runs the extra check on values in range only', () => {
    const odd = {
      ...options,
      check: (v: number) => (v % 2 === 0 ? 'D steps: must be odd' : undefined),
    };
    expect(fieldProblem('4', odd)).toBe('D steps: must be odd');
    expect(fieldProblem('40', odd)).toBe('D steps: 40 is outside 1 to 10');
  });
});

describe('loss curves', () => {
  it('smooths with a debiased moving average: a constant stays constant from the first point', () => {
    expect(smoothed([2, 2, 2], 0.9)).toEqual([2, 2, 2].map((v) => expect.closeTo(v, 12)));
    const out = smoothed([1, 3], 0.5);
    // (0.5·(0.5·1) + 0.5·3) / (0.5·0.5 + 0.5) = 1.75 / 0.75
    expect(out[1]).toBeCloseTo(1.75 / 0.75, 12);
    expect(smoothed([1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(smoothed([Number.NaN, 4], 0.9)).toEqual([Number.NaN, 4]);
    expect(() => smoothed([1], 1)).toThrow(/alpha must be in \[0, 1\), got 1/);
  });

  it('keeps the whole shape of a long run when thinning', () => {
    const history = new LossHistory(100);
    for (let step = 1; step <= 1000; step += 1) history.push(step, { loss: step });
    const rows = history.rows(0);
    expect(rows.length).toBeLessThanOrEqual(101);
    expect(rows[0]!.step).toBe(1);
    expect(rows.at(-1)!.step).toBe(1000);
    expect(rows.map((r) => r.step)).toEqual([...rows.map((r) => r.step)].sort((a, b) => a - b));
    expect(history.series()).toEqual(['loss']);
  });
});

describe('StepRate', () => {
  it('measures steps per second between readings and forgets pauses', () => {
    const rate = new StepRate();
    expect(rate.record(0, 0)).toBeUndefined();
    expect(rate.record(10, 1000)).toBe(10);
    expect(rate.record(40, 2000)).toBeCloseTo(0.8 * 10 + 0.2 * 30, 12);
    rate.pause();
    expect(rate.record(40, 60_000)).toBeCloseTo(14, 12);
    expect(rate.record(54, 61_000)).toBeCloseTo(0.8 * 14 + 0.2 * 14, 12);
  });
});
