/** The autoencoder view's drawings: labelled rows of digits and the 2-D code map. */
import * as Plot from '@observablehq/plot';
import { h } from '../../shell/dom.js';
import { axisFormat } from '../../shell/format.js';
import { digitCanvas, drawDigits } from '../vae/images.js';
import { latentPoints } from '../vae/latent-map.js';

/** One labelled row of digit images. */
export interface DigitRow {
  label: string;
  /** `count` images of 28² intensities in [0, 1], one after another. */
  values: ArrayLike<number>;
  /** `data-row` of the row's canvas (for tests and click handlers). */
  key: string;
}

/**
 * Rows of digits with their labels at the left, each row one canvas of `count` images (CSS grid,
 * so the canvases share the width left of the labels and shrink on narrow screens), at most
 * `maxWidth` CSS pixels wide.
 */
export function digitRows(
  rows: readonly DigitRow[],
  count: number,
  caption: string,
  maxWidth = 64 * count,
): HTMLElement {
  const grid = h('div', { class: 'ae-rows', role: 'group', 'aria-label': caption });
  for (const row of rows) {
    const canvas = digitCanvas(`${caption}: ${row.label}`, maxWidth);
    canvas.dataset.row = row.key;
    drawDigits(canvas, row.values, count, count);
    grid.append(h('span', { class: 'ae-row-label' }, row.label), canvas);
  }
  return grid;
}

/**
 * Test digits' codes (the first two coordinates) as dots coloured by label, the picked digit
 * (when among them) ringed in black.
 */
export function codeMapPlot(
  codes: ArrayLike<number>,
  latentSize: number,
  labels: ArrayLike<number>,
  picked: number,
  width: number,
): ReturnType<typeof Plot.plot> {
  const points = latentPoints(codes, latentSize, labels);
  const mark = points[picked];
  return Plot.plot({
    width,
    height: Math.round(Math.min(width, 480) * 0.9),
    marginLeft: 48,
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
      Plot.dot(points, { x: 'z1', y: 'z2', fill: 'digit', r: 2, fillOpacity: 0.8 }),
      ...(mark === undefined
        ? []
        : [Plot.dot([mark], { x: 'z1', y: 'z2', r: 7, stroke: 'black', strokeWidth: 2 })]),
    ],
  });
}
