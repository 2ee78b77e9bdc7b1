import type * as tf from '@tensorflow/tfjs-core';

// Shared by the tests (not exported by the package).

/** The values of a tensor as a plain array. */
export async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from((await t.data()) as ArrayLike<number>);
}

/** The rows of a `[n, d]` tensor. */
export async function rows(t: tf.Tensor): Promise<number[][]> {
  return (await t.array()) as number[][];
}

/** Sample mean and (unbiased) variance. */
export function meanAndVariance(xs: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  const mean = sum / xs.length;
  let squares = 0;
  for (let i = 0; i < xs.length; i++) squares += (xs[i]! - mean) ** 2;
  return { mean, variance: squares / (xs.length - 1) };
}

/**
 * Asserts that a fraction `count / n` matches probability `p` within 4 binomial standard errors
 * (false-failure rate about 6e-5 per call).
 */
export function expectFraction(count: number, n: number, p: number): void {
  const se = Math.sqrt((p * (1 - p)) / n);
  const z = Math.abs(count / n - p) / se;
  if (!(z <= 4)) throw new Error(`fraction ${count}/${n} is ${z.toFixed(2)} SE from ${p}`);
}

/**
 * Asserts that i.i.d. `xs` have mean `mean` and standard deviation `std` within 4 standard errors
 * each (SE of the mean std/√n; of the variance about std²·√(2/(n−1)) for normal data).
 */
export function expectNormalMoments(xs: ArrayLike<number>, mean: number, std: number): void {
  const n = xs.length;
  const m = meanAndVariance(xs);
  const zMean = Math.abs(m.mean - mean) / (std / Math.sqrt(n));
  const zVar = Math.abs(m.variance - std * std) / (std * std * Math.sqrt(2 / (n - 1)));
  if (!(zMean <= 4 && zVar <= 4)) {
    throw new Error(
      `moments ${m.mean.toFixed(5)}, ${Math.sqrt(m.variance).toFixed(5)} vs ${mean}, ${std}: z ${zMean.toFixed(2)}, ${zVar.toFixed(2)}`,
    );
  }
}

/** Hand-made IDX bytes: magic 00 00 type rank, big-endian dims, big-endian values. */
export function idxBytes(
  type: 0x08 | 0x09 | 0x0b | 0x0c | 0x0d | 0x0e,
  shape: number[],
  data: ArrayLike<number>,
): Uint8Array {
  const size = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 }[type];
  const bytes = new Uint8Array(4 + 4 * shape.length + size * data.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = type;
  bytes[3] = shape.length;
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d);
  });
  const start = 4 + 4 * shape.length;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    const at = start + size * i;
    if (type === 0x08) view.setUint8(at, v);
    else if (type === 0x09) view.setInt8(at, v);
    else if (type === 0x0b) view.setInt16(at, v);
    else if (type === 0x0c) view.setInt32(at, v);
    else if (type === 0x0d) view.setFloat32(at, v);
    else view.setFloat64(at, v);
  }
  return bytes;
}

/** A tiny MNIST-like pair: `n` images of `rows × cols` bytes and their labels. */
export function tinyMnist(
  n: number,
  rows = 2,
  cols = 3,
): { images: Uint8Array; labels: Uint8Array } {
  const pixels = Array.from({ length: n * rows * cols }, (_, i) => (i * 37) % 256);
  const labels = Array.from({ length: n }, (_, i) => i % 10);
  return { images: idxBytes(0x08, [n, rows, cols], pixels), labels: idxBytes(0x08, [n], labels) };
}

/** A Gaussian mixture as `makeToy` describes it: centres `[k][d]`, std(s) and weights. */
export interface MixtureDescription {
  centers: number[][];
  std: number | number[];
  weights: number[];
}

/**
 * Asserts that the rows `xs` (`[n][d]`) have the mixture's closed-form mean Σ wₖcₖ and
 * covariance Σ wₖ(sₖ²I + cₖcₖᵀ) − μμᵀ, each entry within 4 standard errors. The SE of a mean is
 * √(Σ_jj/n); that of a covariance entry is the sample standard deviation of the centred products
 * (x_j − x̄_j)(x_l − x̄_l) over √n (false-failure rate about 6e-5 per entry).
 */
export function expectMixtureMoments(xs: number[][], mixture: MixtureDescription): void {
  const { centers, std, weights } = mixture;
  const n = xs.length;
  const d = centers[0]!.length;
  const s2 = (k: number) => (typeof std === 'number' ? std : std[k]!) ** 2;
  const mu = Array.from({ length: d }, (_, j) =>
    weights.reduce((sum, w, k) => sum + w * centers[k]![j]!, 0),
  );
  const cov = (j: number, l: number) =>
    weights.reduce(
      (sum, w, k) => sum + w * ((j === l ? s2(k) : 0) + centers[k]![j]! * centers[k]![l]!),
      0,
    ) -
    mu[j]! * mu[l]!;
  const mean = Array.from({ length: d }, (_, j) => xs.reduce((sum, row) => sum + row[j]!, 0) / n);
  const failures: string[] = [];
  for (let j = 0; j < d; j++) {
    const z = Math.abs(mean[j]! - mu[j]!) / Math.sqrt(cov(j, j) / n);
    if (!(z <= 4)) failures.push(`mean[${j}] ${mean[j]} vs ${mu[j]}: ${z.toFixed(2)} SE`);
    for (let l = j; l < d; l++) {
      const products = xs.map((row) => (row[j]! - mean[j]!) * (row[l]! - mean[l]!));
      const { mean: sample, variance } = meanAndVariance(products);
      const zc = Math.abs(sample - cov(j, l)) / Math.sqrt(variance / n);
      if (!(zc <= 4)) {
        failures.push(`cov[${j}][${l}] ${sample} vs ${cov(j, l)}: ${zc.toFixed(2)} SE`);
      }
    }
  }
  if (failures.length > 0) throw new Error(`mixture moments: ${failures.join('; ')}`);
}

/**
 * Entropy of a mixture of well-separated isotropic Gaussians in d dimensions:
 * −Σ wₖ log wₖ + Σ wₖ (d/2) log(2πe sₖ²) (exact up to the overlap of the components).
 */
export function separatedMixtureEntropy(mixture: MixtureDescription): number {
  const { centers, std, weights } = mixture;
  const d = centers[0]!.length;
  return weights.reduce((sum, w, k) => {
    if (w === 0) return sum;
    const s = typeof std === 'number' ? std : std[k]!;
    return sum - w * Math.log(w) + w * (d / 2) * Math.log(2 * Math.PI * Math.E * s * s);
  }, 0);
}
