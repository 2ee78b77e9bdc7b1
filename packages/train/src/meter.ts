import * as tf from '@tensorflow/tfjs-core';

// The device marker holds the bad step's offset from the first step checked since the last read,
// and this when every step was finite. Offsets and this marker stay below 2²⁴, exact in float32:
// WebGPU computes int32 `where`/`minimum` in float32, which turned an absolute step marker such
// as 2³¹ − 1 into 2147483520, a false bad step.
const NONE = 2 ** 24;

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
  /** The first step checked since the last read: offsets in `bad` count from it. */
  private base: number | undefined;
  private firstBad: number | undefined;

  constructor(metrics: readonly string[]) {
    this.metrics = metrics;
    // Kept: a trainer may be made (or read) inside someone's tf.tidy and outlive it.
    this.sums = metrics.map(() => tf.keep(tf.scalar(0)));
    this.counts = metrics.map(() => 0);
    this.bad = tf.keep(tf.scalar(NONE, 'int32'));
  }

  /** Steps' worth of values not read yet. */
  get pending(): boolean {
    return this.counts.some((c) => c > 0);
  }

  /** Adds `value` to `metric`; `value` stays owned by the caller. */
  add(metric: string, value: tf.Tensor): void {
    const i = this.metrics.indexOf(metric);
    const old = this.sums[i]!;
    this.sums[i] = tf.keep(tf.add(old, value));
    this.counts[i]! += 1;
    old.dispose();
  }

  /** Records `step` as bad unless `finite` (a bool scalar) holds; the first bad step is kept. */
  check(finite: tf.Tensor, step: number): void {
    this.base ??= step;
    const offset = Math.min(step - this.base, NONE - 1);
    const old = this.bad;
    this.bad = tf.keep(
      tf.tidy(() => tf.minimum(old, tf.where(finite, old, tf.scalar(offset, 'int32')))),
    );
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
    this.sums = this.metrics.map(() => tf.keep(tf.scalar(0)));
    this.counts = this.metrics.map(() => 0);
    if (this.firstBad === undefined && bad[0]! < NONE) this.firstBad = this.base! + bad[0]!;
    this.bad.dispose();
    this.bad = tf.keep(tf.scalar(NONE, 'int32'));
    this.base = undefined;
    return { means, badStep: this.firstBad };
  }

  dispose(): void {
    tf.dispose([...this.sums, this.bad]);
  }
}
