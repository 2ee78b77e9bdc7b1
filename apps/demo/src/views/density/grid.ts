/**
 * Pure helpers of the density playground (tested in Node): the evaluation grid in the same cell
 * order as `Plot.raster`, the data scale, and the cluster palette.
 */

/** A square grid over [−extent, extent]², `size` cells per side. */
export interface Grid {
  extent: number;
  size: number;
  /** Cell centres, row-major with y outer: point j·size + i is (x_i, y_j); length 2·size². */
  points: Float32Array;
}

/**
 * Cell centres x_i = −e + (i + ½)·2e/size, y_j likewise, in the order `Plot.raster` reads a
 * flat array with `x1 = y1 = −e`, `x2 = y2 = e`, `width = height = size`.
 */
export function makeGrid(extent: number, size: number): Grid {
  if (!(extent > 0)) throw new RangeError(`makeGrid: argument 'extent' must be > 0, got ${extent}`);
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`makeGrid: argument 'size' must be an integer ≥ 1, got ${size}`);
  }
  const points = new Float32Array(2 * size * size);
  const step = (2 * extent) / size;
  for (let j = 0; j < size; j += 1) {
    for (let i = 0; i < size; i += 1) {
      const k = 2 * (j * size + i);
      points[k] = -extent + (i + 0.5) * step;
      points[k + 1] = -extent + (j + 0.5) * step;
    }
  }
  return { extent, size, points };
}

/** The half-width of a plot square holding `rows` with a 10 % margin (at least 1). */
export function plotExtent(rows: readonly number[][]): number {
  let m = 0;
  for (const r of rows) m = Math.max(m, Math.abs(r[0]!), Math.abs(r[1]!));
  return Math.max(1, Math.ceil(m * 1.1 * 10) / 10);
}

/** Models train on x / s with s = max |coordinate| / 2, so every data set fits in [−2, 2]². */
export function trainingScale(rows: readonly number[][]): number {
  let m = 0;
  for (const r of rows) m = Math.max(m, Math.abs(r[0]!), Math.abs(r[1]!));
  return m > 0 ? m / 2 : 1;
}

/** Tableau 10, repeated: the colour of cluster k. */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** The colour of cluster `k` (cycles after 10). */
export function clusterColor(k: number): string {
  if (!Number.isInteger(k) || k < 0) {
    throw new RangeError(`clusterColor: argument 'k' must be an integer ≥ 0, got ${k}`);
  }
  return PALETTE[k % PALETTE.length]!;
}
