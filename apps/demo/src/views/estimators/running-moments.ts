/**
 * Running mean and variance per entry, merged batch by batch (Chan, Golub & LeVeque's pairwise
 * update), so the variance estimates sharpen as repeats accumulate without keeping the draws.
 * `state()` and `RunningMoments.fromState` carry them across a backend switch as plain data.
 */

/** Plain-data state of a {@link RunningMoments}: enough to continue accumulating exactly. */
export interface RunningMomentsState {
  count: number;
  mean: number[];
  /** Sums of squared deviations from the mean, per entry. */
  m2: number[];
}

/** Running mean and variance of `size` entries. */
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

  /** The accumulated moments as plain data (see {@link RunningMoments.fromState}). */
  state(): RunningMomentsState {
    return { count: this.count, mean: [...this.mean], m2: [...this.m2] };
  }

  /**
   * Continues from `state` (from {@link RunningMoments.state}) over `size` entries; throws a
   * RangeError when it does not fit.
   */
  static fromState(state: RunningMomentsState, size: number): RunningMoments {
    const fits = (values: unknown) =>
      Array.isArray(values) &&
      values.length === size &&
      values.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (
      !Number.isInteger(state?.count) ||
      state.count < 0 ||
      !fits(state.mean) ||
      !fits(state.m2) ||
      state.m2.some((v) => v < 0)
    ) {
      throw new RangeError(`RunningMoments.fromState: not the moments of ${size} entries`);
    }
    const moments = new RunningMoments(size);
    moments.count = state.count;
    moments.mean.set(state.mean);
    moments.m2.set(state.m2);
    return moments;
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
