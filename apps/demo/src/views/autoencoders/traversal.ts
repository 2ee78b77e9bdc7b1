/**
 * Latent traversal, pure numerics: per-dimension statistics of a set of codes, and the codes of
 * one digit with a single dimension swept over mean ± span·std of that dimension.
 */
import { InvalidArgumentError } from '@gen/core';

/** Mean and (population) standard deviation of each latent dimension. */
export interface CodeStats {
  mean: Float64Array;
  std: Float64Array;
}

/** Statistics of `count` codes of `latentSize` numbers each (row-major in `codes`). */
export function codeStats(codes: ArrayLike<number>, latentSize: number): CodeStats {
  if (!Number.isInteger(latentSize) || latentSize < 1) {
    throw new InvalidArgumentError(
      `codeStats: 'latentSize' must be a positive integer, got ${latentSize}`,
    );
  }
  const count = codes.length / latentSize;
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidArgumentError(
      `codeStats: 'codes' must hold a positive multiple of ${latentSize} numbers, got ${codes.length}`,
    );
  }
  const mean = new Float64Array(latentSize);
  const std = new Float64Array(latentSize);
  for (let i = 0; i < count; i++) {
    for (let d = 0; d < latentSize; d++) mean[d]! += codes[i * latentSize + d]! / count;
  }
  for (let i = 0; i < count; i++) {
    for (let d = 0; d < latentSize; d++) {
      const r = codes[i * latentSize + d]! - mean[d]!;
      std[d]! += (r * r) / count;
    }
  }
  for (let d = 0; d < latentSize; d++) std[d] = Math.sqrt(std[d]!);
  return { mean, std };
}

/** The offsets t of a traversal: `steps` values evenly spaced from −span to +span. */
export function traversalOffsets(steps: number, span: number): number[] {
  if (!Number.isInteger(steps) || steps < 2) {
    throw new InvalidArgumentError(
      `traversalOffsets: 'steps' must be an integer >= 2, got ${steps}`,
    );
  }
  if (!(span > 0 && Number.isFinite(span))) {
    throw new InvalidArgumentError(`traversalOffsets: 'span' must be positive, got ${span}`);
  }
  return Array.from({ length: steps }, (_, k) => -span + (2 * span * k) / (steps - 1));
}

/**
 * Codes for a traversal grid, [latentSize · steps, latentSize] row-major: row d·steps + k is
 * `code` with dimension d set to mean[d] + t_k·std[d] (t_k from {@link traversalOffsets}), every
 * other dimension kept. One image row per latent dimension once decoded.
 */
export function traversalCodes(
  code: ArrayLike<number>,
  stats: CodeStats,
  steps: number,
  span = 3,
): Float32Array {
  const L = code.length;
  if (L < 1 || stats.mean.length !== L || stats.std.length !== L) {
    throw new InvalidArgumentError(
      `traversalCodes: 'code' (${L}) and the statistics (${stats.mean.length}, ${stats.std.length}) must have the same positive length`,
    );
  }
  const offsets = traversalOffsets(steps, span);
  const out = new Float32Array(L * steps * L);
  for (let d = 0; d < L; d++) {
    for (let k = 0; k < steps; k++) {
      const row = (d * steps + k) * L;
      for (let j = 0; j < L; j++) out[row + j] = code[j]!;
      out[row + d] = stats.mean[d]! + offsets[k]! * stats.std[d]!;
    }
  }
  return out;
}

/** Which of `count` equal-width columns of an element `width` pixels wide holds x (clamped). */
export function columnAt(x: number, width: number, count: number): number {
  if (!(width > 0) || !Number.isFinite(x)) return 0;
  return Math.min(count - 1, Math.max(0, Math.floor((x / width) * count)));
}
