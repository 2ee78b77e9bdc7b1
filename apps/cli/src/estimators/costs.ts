import * as tf from '@tensorflow/tfjs-core';

/** Exact ∂E[f]/∂θ by parameter name, given the distribution's parameters and k. */
type ExactGradient = (params: Record<string, number>, k: number) => Record<string, number>;

/** A cost f(x; k) of the Mohamed et al. (2020) §3 comparison, with exact gradients where known. */
export interface Cost {
  label: (k: number | string) => string;
  make: (k: number) => (x: tf.Tensor) => tf.Tensor;
  /** Default k grid (papers.md §2.3). */
  grid: readonly number[];
  /** Exact gradients by family name (papers.md §2.3 for the Normal; derived for the Exponential). */
  exact: Partial<Record<string, ExactGradient>>;
}

const logGrid = (lo: number, hi: number, n: number) =>
  Array.from({ length: n }, (_, i) => Number((lo * (hi / lo) ** (i / (n - 1))).toPrecision(3)));

/** The costs `gen estimators --cost` knows. */
export const COSTS: Record<'square' | 'cos' | 'exp', Cost> = {
  square: {
    label: (k) => `(x − ${k})²`,
    make: (k) => (x) => tf.square(tf.sub(x, k)),
    grid: [-3, -2, -1, 0, 1, 2, 3],
    exact: {
      // E = (μ − k)² + σ²
      normal: ({ loc, scale }, k) => ({ loc: 2 * (loc! - k), scale: 2 * scale! }),
      // E = 1/λ² + (1/λ − k)²
      exponential: ({ rate }, k) => ({ rate: -4 / rate! ** 3 + (2 * k) / rate! ** 2 }),
    },
  },
  cos: {
    label: (k) => `cos(${k}x)`,
    make: (k) => (x) => tf.cos(tf.mul(x, k)),
    grid: logGrid(0.5, 5, 5),
    exact: {
      // E = cos(kμ) e^{−k²σ²/2}
      normal: ({ loc, scale }, k) => {
        const damp = Math.exp((-k * k * scale! * scale!) / 2);
        return {
          loc: -k * Math.sin(k * loc!) * damp,
          scale: -k * k * scale! * Math.cos(k * loc!) * damp,
        };
      },
      // E = λ²/(λ² + k²)
      exponential: ({ rate }, k) => ({ rate: (2 * rate! * k * k) / (rate! ** 2 + k * k) ** 2 }),
    },
  },
  exp: {
    label: (k) => `exp(−${k}x²)`,
    make: (k) => (x) => tf.exp(tf.mul(tf.square(x), -k)),
    grid: logGrid(0.1, 10, 5),
    exact: {
      // a = 1 + 2kσ², E = a^{−1/2} exp(−kμ²/a)
      normal: ({ loc, scale }, k) => {
        const a = 1 + 2 * k * scale! * scale!;
        const value = a ** -0.5 * Math.exp((-k * loc! * loc!) / a);
        return {
          loc: ((-2 * k * loc!) / a) * value,
          scale: value * ((4 * k * k * loc! * loc! * scale!) / a ** 2 - (2 * k * scale!) / a),
        };
      },
    },
  },
};
