import type { HistoryEntry } from '@gen/train';
import type { TopLevelSpec } from 'vega-lite';

const LOSS_NAMES: Record<string, string> = {
  loss: 'loss',
  discriminatorLoss: 'discriminator',
  generatorLoss: 'generator',
};

/** Loss curve(s) against the step: one line per loss (both players for a GAN). */
export function lossSpec(history: readonly HistoryEntry[], title: string): TopLevelSpec {
  const values = history.flatMap((row) =>
    Object.entries(LOSS_NAMES)
      .filter(([key]) => Number.isFinite(row[key]))
      .map(([key, series]) => ({ step: row.step, value: row[key], series })),
  );
  return {
    title,
    width: 480,
    height: 260,
    data: { values },
    mark: { type: 'line', point: values.length < 40 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'value', type: 'quantitative', title: 'loss', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** Model samples over the data: two colours, first two coordinates. */
export function scatterSpec(data: number[][], samples: number[][], title: string): TopLevelSpec {
  const rows = (points: number[][], source: string) =>
    points.map((p) => ({ x: p[0], y: p[1], source }));
  return {
    title,
    width: 360,
    height: 360,
    data: { values: [...rows(data, 'data'), ...rows(samples, 'model')] },
    mark: { type: 'circle', size: 8, opacity: 0.5 },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', scale: { zero: false } },
      color: {
        field: 'source',
        type: 'nominal',
        title: null,
        scale: { domain: ['data', 'model'], range: ['#9aa5b1', '#d1495b'] },
      },
    },
  };
}

/** A heatmap of cells `{ x0, x1, y0, y1, value }` (e.g. the log density on a grid). */
export function heatmapSpec(
  cells: { x0: number; x1: number; y0: number; y1: number; value: number }[],
  title: string,
  legend: string,
): TopLevelSpec {
  return {
    title,
    width: 360,
    height: 360,
    data: { values: cells },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'x0', type: 'quantitative', title: 'x', scale: { zero: false, nice: false } },
      x2: { field: 'x1' },
      y: { field: 'y0', type: 'quantitative', title: 'y', scale: { zero: false, nice: false } },
      y2: { field: 'y1' },
      color: { field: 'value', type: 'quantitative', title: legend, scale: { scheme: 'viridis' } },
    },
  };
}

/**
 * Square grey-scale images (rows of `side²` values in [0, 1]) tiled `columns` per row as one
 * `rect` heatmap, white background, 1-pixel gaps.
 */
export function imageGridSpec(
  images: number[][],
  columns: number,
  title: string,
  side = 28,
): TopLevelSpec {
  const values: { c: number; c1: number; r: number; r1: number; v: number }[] = [];
  images.forEach((image, k) => {
    const ox = (k % columns) * (side + 1);
    const oy = Math.floor(k / columns) * (side + 1);
    image.forEach((v, i) => {
      const c = ox + (i % side);
      const r = oy + Math.floor(i / side);
      values.push({ c, c1: c + 1, r, r1: r + 1, v });
    });
  });
  const rows = Math.ceil(images.length / columns);
  const pixel = 3;
  const axis = (field: string, end: number, size: number) => ({
    field,
    type: 'quantitative' as const,
    axis: null,
    scale: { domain: [0, size], nice: false, zero: true, reverse: end === 1 },
  });
  return {
    title,
    width: columns * (side + 1) * pixel,
    height: rows * (side + 1) * pixel,
    data: { values },
    mark: { type: 'rect' },
    encoding: {
      x: axis('c', 0, columns * (side + 1)),
      x2: { field: 'c1' },
      y: axis('r', 1, rows * (side + 1)),
      y2: { field: 'r1' },
      color: {
        field: 'v',
        type: 'quantitative',
        legend: null,
        scale: { domain: [0, 1], range: ['#ffffff', '#000000'] },
      },
    },
    config: { view: { stroke: null } },
  };
}
