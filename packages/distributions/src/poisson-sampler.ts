import { NumericalError, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { poissonLogPmf } from './poisson-log-pmf.js';

/** Rates below this are sampled by inversion, the others by PTRS (as numpy does). */
const PTRS_THRESHOLD = 10;
/** Inversion table size: P(X > 52 | λ < 10) < 1e−17. */
const INVERSION_TERMS = 53;
const MAX_ROUNDS = 200;

/**
 * Inversion: X = #{k : F(k) < u}, by binary search in the CDF table of each batch entry, with
 * the table normalised so that F(52) = 1 exactly (X ≤ 52 even where float32 sums fall short).
 */
function sampleByInversion(rate: tf.Tensor, shape: number[], rng: Rng): tf.Tensor {
  const [n, ...batch] = shape as [number, ...number[]];
  const size = batch.reduce((a, b) => a * b, 1);
  const ks = tf.range(0, INVERSION_TERMS);
  const pmf = tf.exp(poissonLogPmf(ks, tf.reshape(rate, [size, 1]))); // [B, K]
  const cdf = tf.cumsum(pmf, 1); // (wasm's Cumsum crashes on a negative axis)
  const normalised = tf.div(cdf, tf.slice(cdf, [0, INVERSION_TERMS - 1], [size, 1]));
  const draws = tf.searchSorted(normalised, rng.uniform([size, n]), 'left'); // [B, n]
  return tf.reshape(tf.transpose(tf.cast(draws, 'float32')), shape);
}

/** One PTRS round for rates `lam` ([m]): the proposals k and whether each is accepted. */
function ptrsRound(lam: tf.Tensor, rng: Rng): { k: tf.Tensor; accept: tf.Tensor } {
  const shape = lam.shape;
  const b = tf.add(0.931, tf.mul(2.53, tf.sqrt(lam)));
  const a = tf.add(-0.059, tf.mul(0.02483, b));
  const logInvAlpha = tf.log(tf.add(1.1239, tf.div(1.1328, tf.sub(b, 3.4))));
  const vr = tf.sub(0.9277, tf.div(3.6224, tf.sub(b, 2)));
  const whole = tf.floor(lam);
  const u = tf.sub(rng.uniform(shape), 0.5);
  const v = rng.uniform(shape);
  const us = tf.sub(0.5, tf.abs(u));
  const t = tf.mul(tf.add(tf.div(tf.mul(2, a), us), b), u);
  const k = tf.add(whole, tf.floor(tf.add(t, tf.add(tf.sub(lam, whole), 0.43))));
  const fast = tf.logicalAnd(tf.greaterEqual(us, 0.07), tf.lessEqual(v, vr));
  const reject = tf.logicalOr(tf.less(k, 0), tf.logicalAnd(tf.less(us, 0.013), tf.greater(v, us)));
  const bound = tf.sub(tf.add(tf.log(v), logInvAlpha), tf.log(tf.add(tf.div(a, tf.square(us)), b)));
  const slow = tf.lessEqual(bound, poissonLogPmf(tf.maximum(k, 0), lam));
  return { k, accept: tf.logicalOr(fast, tf.logicalAnd(tf.logicalNot(reject), slow)) };
}

/**
 * Hörmann's transformed rejection with squeeze (PTRS, 1993; numpy's sampler for λ ≥ 10),
 * vectorised: each round proposes for the draws still pending and keeps the accepted ones
 * (about 90% per round). k = ⌊λ⌋ + ⌊(2a/u_s + b)U + {λ} + 0.43⌋ keeps the proposal exact in
 * float32 for large λ, and the acceptance test uses the cancellation-free log-pmf.
 */
function sampleByPtrs(rates: Float32Array, shape: number[], rng: Rng): tf.Tensor {
  const result = new Float32Array(rates.length);
  let pending = Int32Array.from(rates.keys());
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const lam = tf.tensor1d(Float32Array.from(pending, (i) => rates[i]!));
    const { k, accept } = tf.tidy(() => ptrsRound(lam, rng));
    const [kv, ok] = [k.dataSync(), accept.dataSync()];
    tf.dispose([lam, k, accept]);
    pending.forEach((i, j) => {
      if (ok[j]) result[i] = kv[j]!;
    });
    pending = pending.filter((_, j) => !ok[j]);
  }
  if (pending.length > 0) {
    throw new NumericalError(
      `Poisson.sample: the PTRS sampler left ${pending.length} draws unaccepted after ${MAX_ROUNDS} rounds`,
    );
  }
  return tf.tensor(result, shape);
}

/**
 * `shape`-shaped Poisson(rate) draws (rate broadcasts against `shape`), exact in distribution up
 * to float32 rounding: inversion of the CDF for λ < 10, PTRS above. Reads the rates back once to
 * skip a branch no entry needs (and to detach them). Call inside tf.tidy.
 */
export function samplePoisson(given: tf.Tensor, shape: number[], rng: Rng): tf.Tensor {
  // A copy off the gradient tape: draws carry no gradient, and the integer gathers inside the
  // log-pmf must not be differentiated with respect to a rate-dependent index.
  const values = given.dataSync();
  const rate = tf.tensor(values, given.shape, 'float32');
  const anySmall = values.some((r) => r < PTRS_THRESHOLD);
  const anyLarge = values.some((r) => r >= PTRS_THRESHOLD);
  const small = tf.less(rate, PTRS_THRESHOLD);
  const byInversion = anySmall
    ? sampleByInversion(
        tf.broadcastTo(tf.where(small, rate, tf.onesLike(rate)), shape.slice(1)),
        shape,
        rng,
      )
    : undefined;
  const byPtrs = anyLarge
    ? sampleByPtrs(
        tf
          .tidy(() => tf.broadcastTo(tf.maximum(rate, PTRS_THRESHOLD), shape))
          .dataSync() as Float32Array,
        shape,
        rng,
      )
    : undefined;
  if (byInversion && byPtrs) return tf.where(tf.broadcastTo(small, shape), byInversion, byPtrs);
  return (byInversion ?? byPtrs)!;
}
