/** Digit images: pure tiling of pixel intensities into RGBA, and drawing into a `<canvas>`. */

import { InvalidArgumentError } from '@gen/core';

/** An RGBA image ready for `new ImageData(data, width, height)`. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray<ArrayBuffer>;
}

/** Pixels between tiles in {@link tileImages}. */
export const GAP = 1;

/**
 * Tiles `count` square images of `side`² intensities in [0, 1] (row-major, one after another in
 * `values`) into a grid of `cols` columns, ink dark on white (v = 1 → black), with {@link GAP}
 * grey pixels between tiles. Values outside [0, 1] are clamped.
 */
export function tileImages(
  values: ArrayLike<number>,
  count: number,
  cols: number,
  side = 28,
): Rgba {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(cols) || cols < 1) {
    throw new InvalidArgumentError(
      `tileImages: 'count' and 'cols' must be positive integers, got ${count}, ${cols}`,
    );
  }
  if (values.length !== count * side * side) {
    throw new InvalidArgumentError(
      `tileImages: 'values' must hold ${count}·${side}² = ${count * side * side} numbers, got ${values.length}`,
    );
  }
  const rows = Math.ceil(count / cols);
  const width = cols * side + (cols - 1) * GAP;
  const height = rows * side + (rows - 1) * GAP;
  const data = new Uint8ClampedArray(width * height * 4).fill(200);
  for (let k = 0; k < count; k++) {
    const x0 = (k % cols) * (side + GAP);
    const y0 = Math.floor(k / cols) * (side + GAP);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = Math.min(1, Math.max(0, values[k * side * side + y * side + x]!));
        const o = ((y0 + y) * width + x0 + x) * 4;
        const grey = Math.round(255 * (1 - v));
        data[o] = grey;
        data[o + 1] = grey;
        data[o + 2] = grey;
      }
    }
  }
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width, height, data };
}

/**
 * Draws a tiled grid (see {@link tileImages}) into `canvas`, resizing it to the grid; CSS scales
 * the canvas with crisp pixels.
 */
export function drawDigits(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  count: number,
  cols: number,
): void {
  const { width, height, data } = tileImages(values, count, cols);
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('drawDigits: the canvas has no 2d context');
  context.putImageData(new ImageData(data, width, height), 0, 0);
}

/** A canvas styled for digit grids: pixelated scaling, at most `maxWidth` CSS pixels wide. */
export function digitCanvas(label: string, maxWidth: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  canvas.style.imageRendering = 'pixelated';
  canvas.style.width = '100%';
  canvas.style.maxWidth = `${maxWidth}px`;
  canvas.style.height = 'auto';
  canvas.style.display = 'block';
  return canvas;
}

/**
 * The classic 2-D manifold grid: `size`² latent points with the first two coordinates on
 * Gaussian-ish spans from −`span` to `span` (row-major: z₂ decreasing down the rows, z₁
 * increasing along them, so the image reads like the latent map) and every other coordinate 0.
 */
export function latentGrid(size: number, span: number, latentSize: number): Float32Array {
  if (!Number.isInteger(size) || size < 2 || latentSize < 2) {
    throw new InvalidArgumentError(
      `latentGrid: need size >= 2 and latentSize >= 2, got ${size}, ${latentSize}`,
    );
  }
  const out = new Float32Array(size * size * latentSize);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const o = (r * size + c) * latentSize;
      out[o] = -span + (2 * span * c) / (size - 1);
      out[o + 1] = span - (2 * span * r) / (size - 1);
    }
  }
  return out;
}
