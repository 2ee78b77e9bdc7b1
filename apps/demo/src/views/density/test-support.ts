import type { Frame } from './plot.js';
import { GRID_SIZE } from './session.js';

/** Riemann sum of exp(heat) over a frame's grid, in data units (≈ 1 for a density covering it). */
export function gridMass(frame: Frame): number {
  const cell = (2 * frame.extent) / GRID_SIZE;
  return Array.from(frame.heat).reduce((s, v) => s + Math.exp(v) * cell * cell, 0);
}
