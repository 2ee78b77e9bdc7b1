import * as tf from '@tensorflow/tfjs-core';

export interface SolverSettings {
  epsilon: number;
  maxIterations: number;
  /** Stop when Σ_j |(Pᵀ1)_j − b_j| (the L1 marginal violation) falls below this. */
  tolerance: number;
  /** x and y are the same sample (OT(x, x)): symmetric, averaged updates. */
  symmetric: boolean;
}

export interface SolverResult {
  /** Scaled log-potentials: P_ij = exp(−C_ij/ε + u_i + v_j). */
  u: Float32Array;
  v: Float32Array;
  iterations: number;
  marginalError: number;
}

const CHECK_EVERY = 10;
/** The potentials are at a float32 fixed point when a check interval moves them this little. */
const FIXED_POINT = 4 * 2 ** -23;

/**
 * Log-domain Sinkhorn for uniform marginals a = 1/n, b = 1/m on the cost `cost` [n, m] (POT's
 * `sinkhorn_log`): v ← log b − LSE_i(−C/ε + u), u ← log a − LSE_j(−C/ε + v), stable for any ε
 * because nothing is exponentiated before the max is taken out. A symmetric problem (OT(x, x))
 * uses the averaged update u ← ½(u + log a − LSE_j(−C/ε + u)), which does not oscillate.
 * The marginal violation is read every 10 iterations (a synchronous read); the iterations stop
 * below `tolerance`, after `maxIterations`, or once ten iterations leave u unchanged to float32
 * precision (a fixed point of the rounded iteration, where more iterations cannot help; plateaus
 * of the violation at small ε still move u, so they do not stop it).
 */
export function solveSinkhorn(cost: tf.Tensor2D, settings: SolverSettings): SolverResult {
  const { epsilon, maxIterations, tolerance, symmetric } = settings;
  const [n, m] = cost.shape;
  const logA = -Math.log(n);
  const logB = -Math.log(m);
  const scaled = tf.mul(cost, -1 / epsilon);
  let u: tf.Tensor = tf.zeros([n, 1]);
  let v: tf.Tensor = tf.zeros([1, m]);
  let iterations = 0;
  let marginalError = Number.POSITIVE_INFINITY;
  let checked: tf.Tensor = tf.zeros([n, 1]);
  try {
    while (iterations < maxIterations) {
      const [nextU, nextV] = tf.tidy(() => {
        if (symmetric) {
          const target = tf.sub(logA, tf.logSumExp(tf.add(scaled, tf.reshape(u, [1, n])), 1, true));
          const averaged = tf.mul(0.5, tf.add(u, target));
          return [averaged, tf.reshape(averaged, [1, n])];
        }
        const nv = tf.sub(logB, tf.logSumExp(tf.add(scaled, u), 0, true));
        const nu = tf.sub(logA, tf.logSumExp(tf.add(scaled, nv), 1, true));
        return [nu, nv];
      });
      tf.dispose([u, v]);
      u = nextU!;
      v = nextV!;
      iterations++;
      if (iterations % CHECK_EVERY === 0 || iterations === maxIterations) {
        const [error, change, size] = tf.tidy(() => {
          const columns = tf.sum(tf.exp(tf.add(tf.add(scaled, u), v)), 0);
          return tf
            .stack([
              tf.sum(tf.abs(tf.sub(columns, 1 / m))),
              tf.max(tf.abs(tf.sub(u, checked))),
              tf.max(tf.abs(u)),
            ])
            .dataSync();
        }) as unknown as [number, number, number];
        marginalError = error;
        checked.dispose();
        checked = tf.clone(u);
        if (!(marginalError > tolerance) || change <= FIXED_POINT * size) break;
      }
    }
    return {
      u: u.dataSync() as Float32Array,
      v: v.dataSync() as Float32Array,
      iterations,
      marginalError,
    };
  } finally {
    tf.dispose([u, v, scaled, checked]);
  }
}

/** P = exp(−C/ε + u ⊕ v) as a tensor (no gradient to the potentials). */
export function planFromPotentials(
  cost: tf.Tensor2D,
  epsilon: number,
  u: Float32Array,
  v: Float32Array,
): tf.Tensor2D {
  return tf.tidy(() => {
    const logits = tf.add(tf.mul(cost, -1 / epsilon), tf.tensor2d(u, [u.length, 1]));
    return tf.exp(tf.add(logits, tf.tensor2d(v, [1, v.length]))) as tf.Tensor2D;
  });
}
