/**
 * Running mean and variance per entry, merged batch by batch (Chan, Golub & LeVeque's pairwise
 * update), so the variance estimates sharpen as repeats accumulate without keeping the draws.
 */
export class RunningMoments {
  count = 0;
  readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(readonly size: number) {
    this.mean = new Float64Array(size);
    this.m2 = new Float64Array(size);
  }

  /** Adds `rows` observations of every entry: `values` is row-major [rows, size]. */
  push(values: ArrayLike<number>, rows: number): void {
    if (values.length !== rows * this.size) {
      throw new RangeError(
        `RunningMoments.push: 'values' has ${values.length} entries, expected ${rows}×${this.size}`,
      );
    }
    const total = this.count + rows;
    for (let i = 0; i < this.size; i += 1) {
      let sum = 0;
      for (let r = 0; r < rows; r += 1) sum += values[r * this.size + i]!;
      const batchMean = sum / rows;
      let batchM2 = 0;
      for (let r = 0; r < rows; r += 1) batchM2 += (values[r * this.size + i]! - batchMean) ** 2;
      const delta = batchMean - this.mean[i]!;
      this.m2[i] = this.m2[i]! + batchM2 + (delta * delta * this.count * rows) / total;
      this.mean[i] = this.mean[i]! + (delta * rows) / total;
    }
    this.count = total;
  }

  /** Unbiased sample variance of entry `i` (NaN before two observations). */
  variance(i: number): number {
    return this.count < 2 ? Number.NaN : this.m2[i]! / (this.count - 1);
  }

  /** Standard error of the mean of entry `i`. */
  stdError(i: number): number {
    return Math.sqrt(this.variance(i) / this.count);
  }
}
