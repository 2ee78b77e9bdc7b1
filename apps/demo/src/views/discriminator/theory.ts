/**
 * The theory side of the discriminator view, for a data distribution p (a Gaussian or an
 * equal-weight mixture of Gaussians) and the generator's q = p shifted by Δ:
 * - the optimal discriminator D*(x) = p(x) / (p(x) + q(x)) = σ(log p(x) − log q(x)), from the
 *   densities of @gen/distributions;
 * - JSD(p‖q) by Simpson quadrature (`divergence('js', …, { method: 'quadrature' })` of
 *   @gen/divergences) and its derivative in Δ by automatic differentiation;
 * - W₁(p, q) = ∫ |F_p − F_q| dx by quadrature of the CDFs (F of a Gaussian mixture through erf;
 *   @gen/divergences' `wasserstein1d` is for samples) and its derivative in Δ, also by autodiff.
 * Every function batches over Δ and disposes what it makes.
 */
import { Mixture, Normal } from '@gen/distributions';
import { divergence } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';

/** p: an equal-weight mixture of Gaussians N(means[k], stds[k]²) (one component: a Gaussian). */
export interface Shape {
  id: string;
  label: string;
  means: readonly number[];
  stds: readonly number[];
}

/** The data distributions the view offers. */
export const SHAPES: readonly Shape[] = [
  { id: 'gaussian', label: 'Gaussian N(0, 1)', means: [0], stds: [1] },
  {
    id: 'bimodal',
    label: 'two modes ½N(−1.5, 0.5²) + ½N(1.5, 0.5²)',
    means: [-1.5, 1.5],
    stds: [0.5, 0.5],
  },
];

/** The largest separation the view sweeps and accepts. */
export const MAX_SEPARATION = 8;

/** The interval holding all but a negligible mass of p and of p shifted by Δ ∈ [0, maxShift]. */
export function supportRange(shape: Shape, maxShift: number, width = 10): [number, number] {
  const low = Math.min(...shape.means.map((m, k) => m - width * shape.stds[k]!));
  const high = Math.max(...shape.means.map((m, k) => m + width * shape.stds[k]!));
  return [Math.min(low, low + maxShift), Math.max(high, high + maxShift)];
}

/** `n` evenly spaced points on [a, b], both ends included. */
export function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/**
 * The distribution p shifted by `shift` (a number, or a tensor [B] for a batch of B shifts), as a
 * @gen/distributions Mixture (or Normal for one component). Caller disposes.
 */
export function shifted(shape: Shape, shift: number | tf.Tensor1D): Mixture | Normal {
  const k = shape.means.length;
  const means = tf.tensor1d(shape.means as number[]);
  const loc =
    typeof shift === 'number'
      ? tf.add(means, shift)
      : tf.add(tf.reshape(shift, [-1, 1]), tf.reshape(means, [1, k]));
  const scale = tf.mul(tf.onesLike(loc), tf.tensor1d(shape.stds as number[]));
  if (k === 1) {
    return new Normal({
      loc: typeof shift === 'number' ? tf.squeeze(loc) : tf.reshape(loc, [-1]),
      scale: typeof shift === 'number' ? tf.squeeze(scale) : tf.reshape(scale, [-1]),
      validateArgs: false,
    });
  }
  return new Mixture({
    probs: Array.from({ length: k }, () => 1 / k),
    components: new Normal({ loc, scale, validateArgs: false }),
    validateArgs: false,
  });
}

/**
 * D*(x) = p(x) / (p(x) + q(x)) at the points `xs` for q = p shifted by `delta`: σ(log p − log q),
 * stable where both densities underflow.
 */
export async function optimalDiscriminator(
  shape: Shape,
  delta: number,
  xs: readonly number[],
): Promise<number[]> {
  const out = tf.tidy(() => {
    const p = shifted(shape, 0);
    const q = shifted(shape, delta);
    const x = tf.tensor1d(xs as number[]);
    return tf.sigmoid(tf.sub(p.logProb(x), q.logProb(x)));
  });
  const values = Array.from(await out.data());
  out.dispose();
  return values;
}

/** The densities p(x) and q(x) at `xs` (q = p shifted by `delta`). */
export async function densities(
  shape: Shape,
  delta: number,
  xs: readonly number[],
): Promise<{ p: number[]; q: number[] }> {
  const [p, q] = tf.tidy(() => {
    const x = tf.tensor1d(xs as number[]);
    return [tf.exp(shifted(shape, 0).logProb(x)), tf.exp(shifted(shape, delta).logProb(x))];
  });
  const values = { p: Array.from(await p!.data()), q: Array.from(await q!.data()) };
  tf.dispose([p!, q!]);
  return values;
}

/** Options of {@link divergenceCurves}. */
export interface CurveOptions {
  /** Simpson nodes (odd; default 2001). */
  points?: number;
  /** The largest |Δ| the quadrature interval must hold (default {@link MAX_SEPARATION}). */
  maxShift?: number;
}

/** JSD and W₁ against Δ with their derivatives d/dΔ (the gradient a generator would get). */
export interface DivergenceCurves {
  deltas: number[];
  jsd: number[];
  dJsd: number[];
  w1: number[];
  dW1: number[];
}

/** JSD(p ‖ p shifted by Δ) for a batch of Δ: Simpson quadrature of @gen/divergences. */
function jsdOf(shape: Shape, deltas: tf.Tensor1D, range: [number, number], points: number) {
  const p = shifted(shape, 0);
  const q = shifted(shape, deltas);
  return divergence('js', p, q, { method: 'quadrature', range, points });
}

/** Φ((x − loc)/scale) elementwise. */
function normalCdf(x: tf.Tensor, loc: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  return tf.mul(0.5, tf.add(1, tf.erf(tf.div(tf.sub(x, loc), tf.mul(scale, Math.SQRT2)))));
}

/** The CDF of p shifted by each Δ at the nodes x: [points, B]. */
function mixtureCdf(shape: Shape, x: tf.Tensor1D, deltas: tf.Tensor1D): tf.Tensor2D {
  const k = shape.means.length;
  const loc = tf.add(
    tf.reshape(deltas, [1, -1, 1]),
    tf.reshape(tf.tensor1d([...shape.means]), [1, 1, k]),
  );
  const scale = tf.reshape(tf.tensor1d([...shape.stds]), [1, 1, k]);
  const cdf = normalCdf(tf.reshape(x, [-1, 1, 1]), loc, scale);
  return tf.mean(cdf, 2) as tf.Tensor2D;
}

/** W₁(p, p shifted by Δ) = ∫ |F_p − F_q| dx by Simpson's rule on `points` nodes, for a batch of Δ. */
function w1Of(shape: Shape, deltas: tf.Tensor1D, range: [number, number], points: number) {
  const xs = linspace(range[0], range[1], points);
  const step = (range[1] - range[0]) / (points - 1);
  const weights = xs.map((_, i) =>
    i === 0 || i === points - 1 ? step / 3 : i % 2 === 1 ? (4 * step) / 3 : (2 * step) / 3,
  );
  const x = tf.tensor1d(xs);
  const fp = mixtureCdf(shape, x, tf.zeros([1]) as tf.Tensor1D);
  const fq = mixtureCdf(shape, x, deltas);
  const gap = tf.abs(tf.sub(fp, fq));
  return tf.sum(tf.mul(gap, tf.reshape(tf.tensor1d(weights), [-1, 1])), 0);
}

/**
 * JSD(p‖q) and W₁(p, q) for q = p shifted by each Δ of `deltas`, with their derivatives in Δ
 * by automatic differentiation of the quadratures (the Δ are independent, so the gradient of the
 * sum over the batch is the batch of derivatives).
 */
export async function divergenceCurves(
  shape: Shape,
  deltas: readonly number[],
  options: CurveOptions = {},
): Promise<DivergenceCurves> {
  const points = options.points ?? 2001;
  const maxShift = Math.max(options.maxShift ?? MAX_SEPARATION, ...deltas.map(Math.abs));
  const [lo, hi] = supportRange(shape, maxShift);
  const range: [number, number] = [Math.min(lo, lo - maxShift), hi];
  const tensors = tf.tidy(() => {
    const d = tf.tensor1d(deltas as number[]);
    const js = tf.valueAndGrad((x: tf.Tensor) =>
      tf.sum(jsdOf(shape, x as tf.Tensor1D, range, points)),
    );
    const w1 = tf.valueAndGrad((x: tf.Tensor) =>
      tf.sum(w1Of(shape, x as tf.Tensor1D, range, points)),
    );
    return [jsdOf(shape, d, range, points), js(d).grad, w1Of(shape, d, range, points), w1(d).grad];
  });
  const [jsd, dJsd, w1, dW1] = await Promise.all(
    tensors.map(async (t) => Array.from(await t.data())),
  );
  tf.dispose(tensors);
  return { deltas: [...deltas], jsd: jsd!, dJsd: dJsd!, w1: w1!, dW1: dW1! };
}

/**
 * The minimax discriminator's loss at its optimum, L(D*) = −E_p log D* − E_q log(1 − D*)
 * = log 4 − 2·JSD(p‖q) (Goodfellow et al. 2014: max_D V(D) = 2·JSD − log 4 with V = −L).
 */
export function optimalLoss(jsd: number): number {
  return Math.log(4) - 2 * jsd;
}

/**
 * Weighted mean of |a − b| under the weights w (e.g. the mixture (p + q)/2 on a grid), so the
 * error counts where the discriminator sees data.
 */
export function weightedMeanAbs(
  a: readonly number[],
  b: readonly number[],
  w: readonly number[],
): number {
  let num = 0;
  let den = 0;
  a.forEach((ai, i) => {
    num += w[i]! * Math.abs(ai - b[i]!);
    den += w[i]!;
  });
  return den > 0 ? num / den : Number.NaN;
}

/** The trapezoid rule of `ys` on the evenly spaced `xs`. */
export function trapezoid(xs: readonly number[], ys: readonly number[]): number {
  let sum = 0;
  for (let i = 1; i < xs.length; i += 1) sum += ((xs[i]! - xs[i - 1]!) * (ys[i]! + ys[i - 1]!)) / 2;
  return sum;
}

/** Grid points of the x-axis the view draws p, q, D* and the trained D on. */
export const GRID = 241;

/** The theory at the current Δ: the grid, p, q, D* and JSD/W₁ with their derivatives. */
export interface Theory {
  shape: Shape;
  delta: number;
  xs: number[];
  p: number[];
  q: number[];
  dStar: number[];
  here: DivergenceCurves;
}

export async function theoryAt(shape: Shape, delta: number): Promise<Theory> {
  const [a, b] = supportRange(shape, delta, 4);
  const xs = linspace(a, b, GRID);
  const { p, q } = await densities(shape, delta, xs);
  const dStar = await optimalDiscriminator(shape, delta, xs);
  const here = await divergenceCurves(shape, [delta]);
  return { shape, delta, xs, p, q, dStar, here };
}
