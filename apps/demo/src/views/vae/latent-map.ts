import * as Plot from '@observablehq/plot';
import { axisFormat } from '../../shell/format.js';

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

/** The map's height for a given width (a little wider than tall, like the manifold beside it). */
export function latentMapHeight(width: number): number {
  return Math.round(Math.min(620, Math.max(240, width * 0.82)));
}

/**
 * The 2-D latent map: test digits' posterior means as dots coloured by label (each dot's circle
 * carries `data-index`, its index in `points`, for picking), rings on the interpolation's two
 * endpoints and an arrow from the first to the second (`path`, when both are in `points`).
 * The rings and the arrow ignore the pointer, so a click reaches the dots under them.
 */
export function latentMapPlot(
  points: readonly LatentPoint[],
  path: readonly [number, number],
  width: number,
): ReturnType<typeof Plot.plot> {
  const from = points[path[0]];
  const to = points[path[1]];
  const ends = [
    ...(from === undefined ? [] : [{ ...from, end: 'start' }]),
    ...(to === undefined ? [] : [{ ...to, end: 'end' }]),
  ];
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
            inset: 7,
            pointerEvents: 'none',
          }),
        ];
  return Plot.plot({
    width,
    height: latentMapHeight(width),
    grid: true,
    x: { label: 'z₁', tickFormat: axisFormat },
    y: { label: 'z₂', tickFormat: axisFormat },
    color: {
      type: 'ordinal',
      scheme: 'tableau10',
      domain: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      legend: true,
    },
    marks: [
      Plot.dot(points, {
        x: 'z1',
        y: 'z2',
        fill: 'digit',
        r: 2.5,
        fillOpacity: 0.8,
        title: (d: LatentPoint, i: number) => `test digit #${i}: a ${d.digit}`,
        render(index, scales, values, dimensions, context, next) {
          const g = next?.(index, scales, values, dimensions, context) ?? null;
          g?.querySelectorAll('circle').forEach((circle, j) => {
            circle.setAttribute('data-index', String(index[j]));
          });
          return g;
        },
      }),
      Plot.dot(ends, {
        x: 'z1',
        y: 'z2',
        r: 7,
        stroke: 'black',
        strokeWidth: 2,
        fill: 'none',
        pointerEvents: 'none',
      }),
      ...link,
    ],
  });
}

/**
 * The index of the dot a click at (clientX, clientY) picks inside the map `root`: the dot under
 * the pointer, else the nearest within `radius` pixels (small dots are hard to hit, above all
 * by touch), else undefined.
 */
export function pickDot(
  root: Element,
  target: EventTarget | null,
  clientX: number,
  clientY: number,
  radius = 16,
): number | undefined {
  if (target instanceof SVGCircleElement && target.dataset.index !== undefined) {
    return Number(target.dataset.index);
  }
  let best: number | undefined;
  let bestDistance = radius;
  for (const circle of Array.from(root.querySelectorAll<SVGCircleElement>('circle[data-index]'))) {
    const box = circle.getBoundingClientRect();
    const distance = Math.hypot(
      box.left + box.width / 2 - clientX,
      box.top + box.height / 2 - clientY,
    );
    if (distance <= bestDistance) {
      bestDistance = distance;
      best = Number(circle.dataset.index);
    }
  }
  return best;
}
