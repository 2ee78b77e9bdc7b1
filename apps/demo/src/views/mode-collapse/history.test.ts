import { describe, expect, it } from 'vitest';
import {
  coveragePoint,
  coverageRows,
  formatPlain,
  formatQuality,
  MODES_SERIES,
  QUALITY_SERIES,
} from './history.js';

describe('coverage history', () => {
  it('turns evaluations into two percent series', () => {
    const points = [
      coveragePoint(0, { modes: 0, highQuality: 0, counts: [0, 0] }),
      coveragePoint(50, { modes: 6, highQuality: 0.25, counts: [1, 2] }),
    ];
    expect(coverageRows(points, 8)).toEqual([
      { step: 0, percent: 0, series: MODES_SERIES },
      { step: 0, percent: 0, series: QUALITY_SERIES },
      { step: 50, percent: 75, series: MODES_SERIES },
      { step: 50, percent: 25, series: QUALITY_SERIES },
    ]);
    expect(formatQuality(0.0123)).toBe('1.23');
    expect(formatPlain(-1.23456789)).toBe('-1.2346');
    expect(Number.parseFloat(formatPlain(-0.5))).toBe(-0.5);
    expect(formatPlain(-0.00001)).toBe('0.0000');
    expect(formatPlain(Number.NaN)).toBe('—');
    expect(formatPlain(2e9)).not.toMatch(/e\+/);
  });
});
