import * as tf from '@tensorflow/tfjs-core';

// The bad-step marker when every step so far was finite (steps stay below 2³¹ − 1).
const NONE = 2147483647;

/** What a read of the {@link Meter} gives. */
export interface MeterReading {
  /** Mean of each metric over the values added since the previous read. */
  means: Record<string, number>;
  /** The first step whose values were not finite, if any since the meter was made. */
  badStep: number | undefined;
}

/**
 * Accumulates per-step losses on the device, so the loop reads scalars only every few steps
 * (one `await data()` per read, never `dataSync()` per step), and remembers on the device the
 * first step at which a loss or gradient was NaN or ±Inf.
 */
export class Meter {
  private readonly metrics: readonly string[];
  private sums: tf.Tensor[];
  private counts: number[];
  private bad: tf.Tensor;

  constructor(metrics: readonly string[]) {
    this.metrics = metrics;
    this.sums = metrics.map(() => tf.scalar(0));
    this.counts = metrics.map(() => 0);
    this.bad = tf.scalar(NONE, 'int32');
  }

  /** Steps' worth of values not read yet. */
  get pending(): boolean {
    return this.counts.some((c) => c > 0);
  }

  /** Adds `value` to `metric`; `value` stays owned by the caller. */
  add(metric: string, value: tf.Tensor): void {
    const i = this.metrics.indexOf(metric);
    const old = this.sums[i]!;
    this.sums[i] = tf.add(old, value);
    this.counts[i]! += 1;
    old.dispose();
  }

  /** Records `step` as bad unless `finite` (a bool scalar) holds; the first bad step is kept. */
  check(finite: tf.Tensor, step: number): void {
    const old = this.bad;
    this.bad = tf.tidy(() => tf.minimum(old, tf.where(finite, old, tf.scalar(step, 'int32'))));
    old.dispose();
  }

  /** Reads and resets the sums (one stacked read) and the bad-step marker. */
  async read(): Promise<MeterReading> {
    const stacked = tf.stack(this.sums);
    const [sums, bad] = await Promise.all([stacked.data(), this.bad.data()]);
    stacked.dispose();
    const means: Record<string, number> = {};
    this.metrics.forEach((metric, i) => {
      if (this.counts[i]! > 0) means[metric] = sums[i]! / this.counts[i]!;
    });
    tf.dispose(this.sums);
    this.sums = this.metrics.map(() => tf.scalar(0));
    this.counts = this.metrics.map(() => 0);
    const badStep = bad[0]! < NONE ? bad[0]! : undefined;
    return { means, badStep };
  }

  dispose(): void {
    tf.dispose([...this.sums, this.bad]);
  }
}
