import { describe, expect, it } from 'vitest';
import {
  coveragePoint,
  coverageRows,
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
  });
});
