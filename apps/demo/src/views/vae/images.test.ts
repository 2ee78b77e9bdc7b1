import { InvalidArgumentError } from '@gen/core';
import { describe, expect, it } from 'vitest';
import { GAP, latentGrid, tileImages } from './images.js';
import { latentPoints } from './latent-map.js';

describe('tileImages', () => {
  it('lays 2×2 images out in a grid with grey gaps, ink dark on white', () => {
    // Three 2×2 images in 2 columns: values k/10 + pixel/100 identify each pixel.
    const values = Float32Array.from(
      { length: 12 },
      (_, i) => Math.floor(i / 4) / 10 + (i % 4) / 100,
    );
    const { width, height, data } = tileImages(values, 3, 2, 2);
    expect([width, height]).toEqual([2 * 2 + GAP, 2 * 2 + GAP]);
    const grey = (x: number, y: number) => data[(y * width + x) * 4]!;
    // Image 1 (second column, first row), pixel (1, 0): value 0.1 + 0.01.
    expect(grey(2 + GAP + 1, 0)).toBe(Math.round(255 * (1 - 0.11)));
    // Image 2 (first column, second row), pixel (0, 1): value 0.2 + 0.02.
    expect(grey(0, 2 + GAP + 1)).toBe(Math.round(255 * (1 - 0.22)));
    // Gap column and the empty fourth tile stay the background grey; alpha is opaque everywhere.
    expect(grey(2, 0)).toBe(200);
    expect(grey(4, 4)).toBe(200);
    for (let i = 3; i < data.length; i += 4) expect(data[i]).toBe(255);
  });

  it('clamps values outside [0, 1] and rejects a wrong length', () => {
    const { data } = tileImages([2, -1, 0.5, 0], 1, 1, 2);
    expect([data[0], data[4], data[8], data[12]]).toEqual([0, 255, 128, 255]);
    expect(() => tileImages([0, 1], 1, 1, 2)).toThrow(InvalidArgumentError);
    expect(() => tileImages([0, 1], 1, 1, 2)).toThrow(/tileImages: 'values' must hold 1·2² = 4/);
  });
});

describe('latentGrid', () => {
  it('spans z₁ left to right and z₂ top to bottom, other coordinates 0', () => {
    const g = latentGrid(3, 2, 4);
    const point = (r: number, c: number) =>
      Array.from(g.subarray((r * 3 + c) * 4, (r * 3 + c + 1) * 4));
    expect(point(0, 0)).toEqual([-2, 2, 0, 0]);
    expect(point(0, 2)).toEqual([2, 2, 0, 0]);
    expect(point(1, 1)).toEqual([0, 0, 0, 0]);
    expect(point(2, 0)).toEqual([-2, -2, 0, 0]);
    expect(() => latentGrid(1, 2, 2)).toThrow(InvalidArgumentError);
  });
});

describe('latentPoints', () => {
  it('takes the first two coordinates of each row and the label as a string', () => {
    const points = latentPoints([1, 2, 3, 4, 5, 6], 3, [7, 9]);
    expect(points).toEqual([
      { z1: 1, z2: 2, digit: '7' },
      { z1: 4, z2: 5, digit: '9' },
    ]);
  });
});
