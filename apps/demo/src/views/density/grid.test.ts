import { describe, expect, it } from 'vitest';
import { clusterColor, makeGrid, plotExtent, trainingScale } from './grid.js';

describe('density grid helpers', () => {
  it('lays cell centres out row-major with y outer, like Plot.raster', () => {
    const g = makeGrid(2, 4);
    expect(g.points).toHaveLength(32);
    // cell width 1: centres at −1.5, −0.5, 0.5, 1.5
    expect(Array.from(g.points.slice(0, 4))).toEqual([-1.5, -1.5, -0.5, -1.5]);
    expect(Array.from(g.points.slice(8, 10))).toEqual([-1.5, -0.5]);
    expect(Array.from(g.points.slice(30))).toEqual([1.5, 1.5]);
    expect(() => makeGrid(0, 4)).toThrow(/makeGrid: argument 'extent'.*0/);
    expect(() => makeGrid(1, 2.5)).toThrow(/'size'.*2.5/);
  });

  it('sizes the plot and the training scale from the data', () => {
    const rows = [
      [0.5, -3],
      [2, 1],
    ];
    expect(plotExtent(rows)).toBeCloseTo(3.3, 10);
    expect(plotExtent([[0.1, 0.1]])).toBe(1);
    expect(trainingScale(rows)).toBe(1.5);
    expect(trainingScale([[0, 0]])).toBe(1);
  });

  it('gives distinct colours to the first ten clusters and cycles', () => {
    const colours = Array.from({ length: 10 }, (_, k) => clusterColor(k));
    expect(new Set(colours).size).toBe(10);
    expect(clusterColor(10)).toBe(clusterColor(0));
    expect(() => clusterColor(-1)).toThrow(/clusterColor: argument 'k'/);
  });
});
