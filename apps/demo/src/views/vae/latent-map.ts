import * as Plot from '@observablehq/plot';

/** One test digit's posterior mean (first two latent coordinates) and its label. */
export interface LatentPoint {
  z1: number;
  z2: number;
  digit: string;
}

/** Pairs the first two coordinates of `means` ([n, latentSize], row-major) with the labels. */
export function latentPoints(
  means: ArrayLike<number>,
  latentSize: number,
  labels: ArrayLike<number>,
): LatentPoint[] {
  const n = Math.floor(means.length / latentSize);
  const points: LatentPoint[] = [];
  for (let i = 0; i < n; i++) {
    points.push({
      z1: means[i * latentSize]!,
      z2: means[i * latentSize + 1]!,
      digit: String(labels[i]),
    });
  }
  return points;
}

/**
 * The 2-D latent map: test digits' posterior means as dots coloured by label, and an arrow
 * from the first to the second interpolation endpoint (`path`, when both are in `points`).
 */
export function latentMapPlot(
  points: readonly LatentPoint[],
  path: readonly [number, number],
  width: number,
): ReturnType<typeof Plot.plot> {
  const from = points[path[0]];
  const to = points[path[1]];
  const link =
    from === undefined || to === undefined
      ? []
      : [
          Plot.arrow([{ x1: from.z1, y1: from.z2, x2: to.z1, y2: to.z2 }], {
            x1: 'x1',
            y1: 'y1',
            x2: 'x2',
            y2: 'y2',
            stroke: 'black',
            strokeWidth: 2,
          }),
        ];
  return Plot.plot({
    width,
    height: Math.round(width * 0.85),
    grid: true,
    x: { label: 'z₁' },
    y: { label: 'z₂' },
    color: {
      type: 'ordinal',
      scheme: 'tableau10',
      domain: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      legend: true,
    },
    marks: [Plot.dot(points, { x: 'z1', y: 'z2', fill: 'digit', r: 2, fillOpacity: 0.8 }), ...link],
  });
}
