import { describe, expect, it } from 'vitest';
import { digitRgba, stageTitle } from './render.js';

const rgbAt = (data: Uint8ClampedArray, i: number) => [
  data[4 * i],
  data[4 * i + 1],
  data[4 * i + 2],
];

describe('digitRgba', () => {
  // Two 2×2 images one after another; the second is drawn up to pixel 2.
  const values = [0, 0, 0, 0, 1, 0, 0.5, 0.25];

  it('shows drawn pixels as ink, the next pixel in orange and the rest pale', () => {
    const data = digitRgba(values, 4, 2, 2, 'sample');
    expect(data).toHaveLength(16);
    expect(rgbAt(data, 0)).toEqual([0, 0, 0]);
    expect(rgbAt(data, 1)).toEqual([255, 255, 255]);
    expect(rgbAt(data, 2)).toEqual([228, 87, 46]);
    expect(rgbAt(data, 3)).toEqual([222, 228, 236]);
    for (let i = 0; i < 4; i++) expect(data[4 * i + 3]).toBe(255);
  });

  it('maps probabilities from white (0) to blue (1), clamped', () => {
    const data = digitRgba([0, 1, 0.5, 7], 0, 2, 4, 'probability');
    expect(rgbAt(data, 0)).toEqual([255, 255, 255]);
    expect(rgbAt(data, 1)).toEqual([31, 78, 156]);
    expect(rgbAt(data, 2)).toEqual([143, 167, 206]);
    expect(rgbAt(data, 3)).toEqual([31, 78, 156]);
  });

  it('has no next pixel once every pixel is drawn', () => {
    const data = digitRgba(values, 0, 2, 4, 'sample');
    for (let i = 0; i < 4; i++) expect(rgbAt(data, i)).toEqual([255, 255, 255]);
  });

  it('names the stages from base to data space', () => {
    expect(stageTitle(0)).toBe('base z ~ N(0, I)');
    expect(stageTitle(2)).toBe('after layer 2');
    expect(stageTitle(4)).toBe('after layer 4: data space x');
  });
});
