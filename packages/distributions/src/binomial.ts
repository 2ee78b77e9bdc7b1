import { brand, logSigmoid, NumericalError, type Rng, stopGradient } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { integerQuantile } from './integer-quantile.js';
import { type LogitsOrProbs, pickLogitsOrProbs } from './logits-or-probs.js';
import { checkParamsObject } from './options.js';
import type { ParamLike } from './param.js';
import { poissonLogPmf } from './poisson-log-pmf.js';
import { accurateLog1p, betainc } from './special.js';

export type BinomialParams = LogitsOrProbs &
  DistributionOptions & {
    /** Number of trials n, a non-negative integer (default 1, as torch). */
    totalCount?: ParamLike;
  };

/** Rows with n·min(p, q) below this are sampled by inversion, the others by BTRS (as torch). */
const BTRS_THRESHOLD = 10;
/**
 * Inversion table size: for a mean n·min(p, q) < 10 the mass beyond 63 is below 1e−28
 * (Chernoff: e^−μ (eμ/64)^64).
 */
const INVERSION_TERMS = 64;
const MAX_ROUNDS = 200;

/**
 * x · log y with 0 · log 0 = 0, given log y (which may be −∞). Internal (Geometric and
 * NegativeBinomial use it too).
 */
export function mulLog(x: tf.Tensor, logY: tf.Tensor): tf.Tensor {
  const product = tf.mul(x, logY);
  return tf.where(tf.equal(x, 0), tf.zerosLike(product), product);
}

/**
 * log(1 − t) for t ∈ [0, 1], accurate on every backend (wasm's tf.log1p is not), −∞ at t = 1.
 * Internal (Geometric and NegativeBinomial use it too).
 */
export function log1m(t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const one = tf.equal(t, 1);
    const value = accurateLog1p(tf.neg(tf.where(one, tf.zerosLike(t), t)));
    return tf.where(one, tf.fill(t.shape, Number.NEGATIVE_INFINITY), value);
  });
}

/** A success probability in every form the count families use. */
export interface SuccessForms {
  logits: tf.Tensor;
  probs: tf.Tensor;
  /** 1 − p. */
  complement: tf.Tensor;
  logP: tf.Tensor;
  logQ: tf.Tensor;
  /** The tensors made here (all but the one given): the caller owns and disposes them. */
  made: tf.Tensor[];
}

/**
 * p, 1 − p, log p, log(1 − p) and the logits from the parameter given (`logits` or `probs`),
 * each computed in the stable way for that parameter. Internal (Binomial, Geometric and
 * NegativeBinomial).
 */
export function successForms(given: 'logits' | 'probs', t: tf.Tensor): SuccessForms {
  if (given === 'logits') {
    const [probs, complement, logP, logQ] = tf.tidy(() => [
      tf.sigmoid(t),
      tf.sigmoid(tf.neg(t)),
      logSigmoid(t),
      logSigmoid(tf.neg(t)),
    ]);
    return { logits: t, probs, complement, logP, logQ, made: [probs, complement, logP, logQ] };
  }
  const [complement, logP, logQ, logits] = tf.tidy(() => {
    const logP = tf.log(t);
    const logQ = log1m(t);
    return [tf.sub(1, t), logP, logQ, tf.sub(logP, logQ)];
  });
  return { logits, probs: t, complement, logP, logQ, made: [complement, logP, logQ, logits] };
}

/** Veltkamp's split of float32 values into high and low halves of 12 significant bits. */
function split(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const c = tf.mul(4097, x);
  const hi = tf.sub(c, tf.sub(c, x));
  return [hi, tf.sub(x, hi)];
}

/**
 * The rounding error of the float32 product x·y, exactly (Dekker's TwoProduct: x·y = fl(x·y) +
 * err) where the backend rounds each operation as IEEE float32 does (cpu, wasm); elsewhere an
 * approximation of the same size. No gradient. Internal (Multinomial's entropy uses it too).
 */
export function productError(x: tf.Tensor, y: tf.Tensor, product: tf.Tensor): tf.Tensor {
  const [xh, xl] = split(x);
  const [yh, yl] = split(y);
  const err = tf.add(
    tf.add(tf.add(tf.sub(tf.mul(xh, yh), product), tf.mul(xh, yl)), tf.mul(xl, yh)),
    tf.mul(xl, yl),
  );
  return stopGradient(err);
}

/**
 * min(a, b) broadcast, with gradients shaped like each input: tf.minimum's gradient does not
 * sum over broadcast axes, so a [...batch] parameter against [...sample, ...batch] values fails
 * in tfjs's tape ('Error in gradient for op Minimum').
 */
function broadcastMinimum(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.where(tf.lessEqual(a, b), a, b);
}

/**
 * log Bin(k; n, p) for integers 0 ≤ k ≤ n, accurate in float32 for large n: by the identity
 * Bin(k; n, p) = Pois(k; np) · Pois(n − k; nq) / Pois(n; n) · e^(np + nq − n) with the
 * cancellation-free Poisson log-pmf (Loader 2000, as R's dbinom_raw). Two float32 roundings
 * would each cost up to an ulp of n: that of np + nq − n (computed exactly by Sterbenz' lemma
 * instead) and those of a = fl(np), b = fl(nq) (corrected to first order by their exact
 * rounding errors δ: log Pois(k; a + δ) = log Pois(k; a) + δ(k/a − 1)). Values of k outside
 * [0, n] give garbage; callers mask them. Broadcasts. Internal: used by logProb, the samplers
 * and the entropies.
 */
export function binomialLogPmf(k: tf.Tensor, n: tf.Tensor, p: tf.Tensor, q: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const a = tf.mul(n, p);
    const b = tf.mul(n, q);
    const residue = tf.add(tf.sub(tf.maximum(a, b), n), tf.minimum(a, b));
    const joint = tf.add(poissonLogPmf(k, a), poissonLogPmf(tf.sub(n, k), b));
    // δa (k/a − 1) + δb ((n − k)/b − 1), with the −δ terms folded into the exact residue.
    const safe = (t: tf.Tensor) => tf.where(tf.equal(t, 0), tf.onesLike(t), t);
    const rounding = tf.add(
      tf.mul(productError(n, p, a), tf.div(k, safe(a))),
      tf.mul(productError(n, q, b), tf.div(tf.sub(n, k), safe(b))),
    );
    return tf.add(tf.sub(joint, poissonLogPmf(n, n)), tf.add(residue, rounding));
  });
}

/**
 * Inversion by table: for each row, X = #{k : F(k) < u} with F the CDF of the masses
 * m(k) ∝ exp(Σ_{j<k} logRatios[j]) over k = 0…K−1 (logRatios[j] = log m(j + 1)/m(j), −∞ past
 * the support), normalised so that F(K − 1) = 1; by binary search. Only ratios enter, so the
 * table costs a few operations per entry and no normalising constant is computed (its float32
 * rounding cannot bias the draws). `logRatios` [rows, K], `u` [rows, m] → [rows, m] draws.
 * Internal: the binomial and Poisson inversions of Binomial, Multinomial and NegativeBinomial.
 */
export function sampleByTable(logRatios: tf.Tensor, u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [rows, k] = logRatios.shape as [number, number];
    // (wasm's Cumsum crashes on a negative axis)
    const logMass = tf.cumsum(logRatios, 1, true);
    const mass = tf.exp(tf.sub(logMass, tf.max(logMass, 1, true)));
    const cdf = tf.cumsum(mass, 1);
    const normalised = tf.div(cdf, tf.slice(cdf, [0, k - 1], [rows, 1]));
    return tf.cast(tf.searchSorted(normalised, u, 'left'), 'float32');
  });
}

/**
 * Inversion for rows with mean n·p < 10 (p ≤ ½) over k = 0…63, by the pmf ratios
 * m(k + 1)/m(k) = (n − k)p / ((k + 1)q). Returns [rows, m] draws, row-major.
 */
function invertRows(n: number[], p: number[], q: number[], m: number, rng: Rng): Float32Array {
  return tf.tidy(() => {
    const rows = n.length;
    const nt = tf.tensor2d(n, [rows, 1]);
    const j = tf.reshape(tf.range(0, INVERSION_TERMS), [1, INVERSION_TERMS]);
    const odds = tf.sub(tf.log(tf.tensor2d(p, [rows, 1])), tf.log(tf.tensor2d(q, [rows, 1])));
    const left = tf.sub(nt, j);
    const ratio = tf.add(tf.sub(tf.log(tf.maximum(left, 1)), tf.log(tf.add(j, 1))), odds);
    const logRatios = tf.where(tf.greater(left, 0), ratio, tf.fill(ratio.shape, -Infinity));
    return sampleByTable(logRatios, rng.uniform([rows, m])).dataSync() as Float32Array;
  });
}

/**
 * One round of Hörmann's BTRS (transformed rejection with squeeze, 1993; torch's sampler for
 * n·p ≥ 10) for pending draws with parameters n, p ≤ ½, q = 1 − p: the proposals k and whether
 * each is accepted. The acceptance test compares log(v·α/(a/u_s² + b)) with
 * log f(k) − log f(m), m = ⌊(n + 1)p⌋ the mode, by the cancellation-free log-pmf.
 */
function btrsRound(
  n: tf.Tensor,
  p: tf.Tensor,
  q: tf.Tensor,
  rng: Rng,
): { k: tf.Tensor; accept: tf.Tensor } {
  const shape = n.shape;
  const spq = tf.sqrt(tf.mul(n, tf.mul(p, q)));
  const b = tf.add(1.15, tf.mul(2.53, spq));
  const a = tf.add(tf.add(-0.0873, tf.mul(0.0248, b)), tf.mul(0.01, p));
  const c = tf.add(tf.mul(n, p), 0.5);
  const vr = tf.sub(0.92, tf.div(4.2, b));
  const alpha = tf.mul(tf.add(2.83, tf.div(5.1, b)), spq);
  const mode = tf.minimum(tf.floor(tf.mul(tf.add(n, 1), p)), n);
  const u = tf.sub(rng.uniform(shape), 0.5);
  const v = rng.uniform(shape);
  const us = tf.sub(0.5, tf.abs(u));
  // k = ⌊t + c⌋ as ⌊c⌋ + ⌊t + {c}⌋, exact in float32 for large c.
  const whole = tf.floor(c);
  const t = tf.mul(tf.add(tf.div(tf.mul(2, a), us), b), u);
  const k = tf.add(whole, tf.floor(tf.add(t, tf.sub(c, whole))));
  const inRange = tf.logicalAnd(tf.greaterEqual(k, 0), tf.lessEqual(k, n));
  const fast = tf.logicalAnd(tf.greaterEqual(us, 0.07), tf.lessEqual(v, vr));
  const kSafe = tf.clipByValue(tf.minimum(k, n), 0, Number.MAX_VALUE);
  // log f(k) − log f(m) by the Poisson identity of binomialLogPmf, whose k-free terms cancel.
  const np = tf.mul(n, p);
  const nq = tf.mul(n, q);
  const ratio = tf.add(
    tf.sub(poissonLogPmf(kSafe, np), poissonLogPmf(mode, np)),
    tf.sub(poissonLogPmf(tf.sub(n, kSafe), nq), poissonLogPmf(tf.sub(n, mode), nq)),
  );
  const bound = tf.log(tf.div(tf.mul(v, alpha), tf.add(tf.div(a, tf.square(us)), b)));
  const slow = tf.lessEqual(bound, ratio);
  return { k, accept: tf.logicalAnd(inRange, tf.logicalOr(fast, slow)) };
}

/** BTRS for draws with parameters n, p ≤ ½, q (flat), vectorised over rounds of pending draws. */
function btrs(n: number[], p: number[], q: number[], rng: Rng): Float32Array {
  const result = new Float32Array(n.length);
  let pending = Int32Array.from(n.keys());
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const pick = (values: number[]) => tf.tensor1d(Float32Array.from(pending, (i) => values[i]!));
    const params = [pick(n), pick(p), pick(q)] as const;
    const { k, accept } = tf.tidy(() => btrsRound(params[0], params[1], params[2], rng));
    const [kv, ok] = [k.dataSync(), accept.dataSync()];
    tf.dispose([...params, k, accept]);
    pending.forEach((i, j) => {
      if (ok[j]) result[i] = kv[j]!;
    });
    pending = pending.filter((_, j) => !ok[j]);
  }
  if (pending.length > 0) {
    throw new NumericalError(
      `Binomial.sample: the BTRS sampler left ${pending.length} draws unaccepted after ${MAX_ROUNDS} rounds`,
    );
  }
  return result;
}

/**
 * Binomial draws, `m` per row of the flat parameters `total` (n), `probs` (p) and `complement`
 * (q = 1 − p, passed separately for its accuracy near p = 1), as a [rows, m] tensor. Exact in
 * distribution up to float32 rounding of the parameters: with p' = min(p, q), inversion of the
 * CDF where n·p' < 10 and BTRS (Hörmann 1993, as torch) elsewhere, both on p' and reflected
 * (n − X) where p > q. Reads the parameters back. Call inside tf.tidy. Internal: Binomial and
 * Multinomial use it.
 */
export function sampleBinomialRows(
  total: tf.Tensor,
  probs: tf.Tensor,
  complement: tf.Tensor,
  m: number,
  rng: Rng,
): tf.Tensor {
  const n = Array.from(total.dataSync());
  const p = Array.from(probs.dataSync());
  const q = Array.from(complement.dataSync());
  const rows = n.length;
  const flip = p.map((pi, i) => pi > q[i]!);
  const lo = p.map((pi, i) => (flip[i] ? q[i]! : pi));
  const hi = p.map((pi, i) => (flip[i] ? pi : q[i]!));
  const byInversion: number[] = [];
  const byBtrs: number[] = [];
  for (let i = 0; i < rows; i++) {
    (n[i]! * lo[i]! < BTRS_THRESHOLD ? byInversion : byBtrs).push(i);
  }
  const out = new Float32Array(rows * m);
  if (byInversion.length > 0) {
    const pick = (values: number[]) => byInversion.map((i) => values[i]!);
    const draws = invertRows(pick(n), pick(lo), pick(hi), m, rng);
    byInversion.forEach((row, j) => {
      out.set(draws.subarray(j * m, (j + 1) * m), row * m);
    });
  }
  if (byBtrs.length > 0) {
    const expand = (values: number[]) =>
      byBtrs.flatMap((i) => new Array<number>(m).fill(values[i]!));
    const draws = btrs(expand(n), expand(lo), expand(hi), rng);
    byBtrs.forEach((row, j) => {
      out.set(draws.subarray(j * m, (j + 1) * m), row * m);
    });
  }
  for (let i = 0; i < rows; i++) {
    if (!flip[i]) continue;
    for (let j = 0; j < m; j++) out[i * m + j] = n[i]! - out[i * m + j]!;
  }
  return tf.tensor2d(out, [rows, m]);
}

/**
 * Σₖ Bin(k; n, p) · f(k, log Bin(k; n, p)) for each element of n, p, q (one shape S), summed
 * over the window ⌊np⌋ ± ⌈10σ + 50⌉ ∩ [0, n] (σ² = npq): by Bernstein's inequality the mass
 * outside is below e^−50 ≈ 2e−22 on each side, beneath float32 resolution, so the sum is the
 * full one (torch's enumerate_support sum) without enumerating 0…n for large n. Terms of mass
 * 0 are dropped (so f may be infinite there), and the sum is divided by the summed masses
 * (1 up to float32 rounding). Reads n, p, q back to size the window. Internal.
 */
export function binomialExpectation(
  n: tf.Tensor,
  p: tf.Tensor,
  q: tf.Tensor,
  f: (k: tf.Tensor, logPmf: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => {
    const [nv, pv, qv] = [n.dataSync(), p.dataSync(), q.dataSync()];
    const starts = new Float32Array(nv.length);
    let width = 1;
    for (let i = 0; i < nv.length; i++) {
      const mean = Math.floor(nv[i]! * pv[i]!);
      const half = Math.ceil(10 * Math.sqrt(nv[i]! * pv[i]! * qv[i]!) + 50);
      const start = Math.max(0, mean - half);
      starts[i] = start;
      width = Math.max(width, Math.min(nv[i]!, mean + half) - start + 1);
    }
    const offsets = tf.reshape(tf.range(0, width), [width, ...n.shape.map(() => 1)]);
    const k = tf.add(tf.tensor(starts, n.shape), offsets); // [W, ...S]
    const inside = tf.lessEqual(k, n);
    const kSafe = broadcastMinimum(k, n);
    const logPmf = binomialLogPmf(kSafe, n, p, q);
    const keep = tf.logicalAnd(inside, tf.isFinite(logPmf));
    const weights = tf.where(keep, tf.exp(logPmf), tf.zerosLike(logPmf));
    const terms = tf.mul(weights, f(kSafe, logPmf));
    // Divided by the summed weights (1 up to float32 rounding of the log-pmf).
    const total = tf.sum(tf.where(keep, terms, tf.zerosLike(terms)), 0);
    return tf.div(total, tf.sum(weights, 0));
  });
}

/**
 * Binomial(n, p): the number of successes in n independent trials of success probability p,
 * on {0, …, n}, elementwise over a batch. `totalCount` n (a non-negative integer, default 1)
 * broadcasts against exactly one of `logits` ℓ (real) or `probs` p ∈ [0, 1]; the other is
 * derived (p = σ(ℓ), ℓ = log p − log(1 − p)) and both are public, as in torch.
 *
 * log p(k) = log n! − log k! − log (n − k)! + k log p + (n − k) log(1 − p), evaluated as
 * log Pois(k; np) + log Pois(n − k; n(1 − p)) − log Pois(n; n) with Loader's cancellation-free
 * Poisson log-pmf (as R's dbinom): float32-accurate for large n (relative error ~2e−6 at
 * n = 10⁵), where torch's log-gamma form loses about 1e−7 · n log n; p ∈ {0, 1} and n = 0 are
 * exact point masses. Mean np; variance np(1 − p); mode ⌊(n + 1)p⌋ capped at n (torch's
 * convention; where (n + 1)p is an integer, that value minus 1 is a mode too).
 * The support checked by `logProb` is the non-negative integers; a value above n is no error
 * but has log-probability −∞ (like any family whose support depends on its parameters).
 * The entropy −Σₖ p(k) log p(k) is summed exactly over the values of non-negligible mass
 * (all of {0, …, n} for moderate n) with a float32-accurate log-pmf (Loader's form).
 * `cdf` is P(X ≤ x) = I₁₋ₚ(n − ⌊x⌋, ⌊x⌋ + 1) with the regularised incomplete beta (0 below 0,
 * 1 from n on); `icdf(u)` is the smallest k with cdf(k) ≥ u (scipy's ppf), by a fixed-cost
 * search of the cdf (0 at u = 0, n at u = 1; no gradient).
 *
 * Sampling is exact (up to float32 rounding of the parameters) and vectorised: with
 * p' = min(p, 1 − p), CDF inversion by binary search in a 64-entry table where np' < 10 and
 * Hörmann's BTRS transformed rejection (torch's sampler) in vectorised rounds elsewhere,
 * reflected as n − X where p > ½. No `rsample`.
 *
 * ```ts
 * const d = new Binomial({ totalCount: 10, probs: [0.2, 0.5] });  // batchShape [2]
 * d.logProb(tf.tensor1d([2, 5]));                                // [−1.1974, −1.4020]
 * const x = d.sample(100, Rng.fromSeed(0));                      // [100, 2], integers in [0, 10]
 * ```
 */
export class Binomial extends BaseDistribution {
  static {
    brand(Binomial, '@gen/distributions/Binomial');
  }

  readonly hasRsample = false;
  readonly support = 'nonNegativeInteger' as const;
  readonly totalCount: tf.Tensor;
  readonly logits: tf.Tensor;
  readonly probs: tf.Tensor;
  /** 1 − p, log p and log(1 − p), each accurate where p or 1 − p is tiny. */
  private readonly complement: tf.Tensor;
  private readonly logP: tf.Tensor;
  private readonly logQ: tf.Tensor;

  constructor(params: BinomialParams) {
    checkParamsObject('Binomial', params, ['totalCount', 'logits', 'probs']);
    const { totalCount = 1, logits, probs, ...options } = params;
    const given = pickLogitsOrProbs('Binomial', logits, probs);
    const p = BaseDistribution.prepare(
      'Binomial',
      { totalCount, [given.name]: given.value },
      {
        totalCount: 'nonNegativeInteger',
        [given.name]: given.name === 'logits' ? 'real' : 'unitInterval',
      },
      options,
    );
    super(p.params, p.batchShape, [], options);
    this.own(p.owned);
    this.totalCount = p.params.totalCount!;
    const t = p.params[given.name]!;
    const forms = successForms(given.name, t);
    this.own(forms.made);
    ({
      logits: this.logits,
      probs: this.probs,
      complement: this.complement,
      logP: this.logP,
      logQ: this.logQ,
    } = forms);
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    const size = this.batchShape.reduce((a, b) => a * b, 1);
    const flat = (t: tf.Tensor) => tf.reshape(t, [size]);
    const draws = sampleBinomialRows(
      flat(this.totalCount),
      flat(this.probs),
      flat(this.complement),
      n,
      rng,
    ); // [size, n]
    return tf.reshape(tf.transpose(draws), this.sampleShape(n));
  }

  protected _logProb(x: tf.Tensor): tf.Tensor {
    const n = this.totalCount;
    const p = this.probs;
    const q = this.complement;
    // n = 0 or p ∈ {0, 1}: all mass at np. Elsewhere the Poisson-identity log-pmf, on
    // parameters kept away from those points so that its gradient stays finite.
    const degenerate = tf.logicalOr(tf.equal(n, 0), tf.logicalOr(tf.equal(p, 0), tf.equal(q, 0)));
    const half = tf.fill(p.shape, 0.5);
    const ns = tf.where(tf.equal(n, 0), tf.onesLike(n), n);
    const k = tf.maximum(broadcastMinimum(x, ns), 0);
    const lp = binomialLogPmf(k, ns, tf.where(degenerate, half, p), tf.where(degenerate, half, q));
    const point = tf.where(
      tf.equal(x, tf.mul(n, p)),
      tf.zerosLike(lp),
      tf.fill(lp.shape, Number.NEGATIVE_INFINITY),
    );
    const value = tf.where(degenerate, point, lp);
    return tf.where(tf.greater(x, n), tf.fill(value.shape, Number.NEGATIVE_INFINITY), value);
  }

  protected _entropy(): tf.Tensor {
    return binomialExpectation(this.totalCount, this.probs, this.complement, (_k, logPmf) =>
      tf.neg(logPmf),
    );
  }

  protected _mean(): tf.Tensor {
    return tf.mul(this.totalCount, this.probs);
  }

  protected _variance(): tf.Tensor {
    return tf.mul(this.totalCount, tf.mul(this.probs, this.complement));
  }

  protected override _mode(): tf.Tensor {
    const n = this.totalCount;
    return tf.minimum(tf.floor(tf.mul(tf.add(n, 1), this.probs)), n);
  }

  protected override _cdf(x: tf.Tensor): tf.Tensor {
    const n = this.totalCount;
    const k = tf.floor(x);
    const inside = tf.logicalAnd(tf.greaterEqual(k, 0), tf.less(k, n));
    const ks = tf.where(inside, k, tf.zerosLike(k));
    const a = tf.where(inside, tf.sub(n, ks), tf.onesLike(ks));
    const value = betainc(a, tf.add(ks, 1), this.complement);
    const outside = tf.where(tf.less(k, 0), tf.zerosLike(value), tf.onesLike(value));
    return tf.where(inside, value, outside);
  }

  /**
   * The smallest k ∈ {0, …, n} with cdf(k) ≥ u (scipy's ppf), by a fixed-cost search of the cdf
   * on [0, n]; 0 at u = 0, n at u = 1.
   */
  protected override _icdf(u: tf.Tensor): tf.Tensor {
    return integerQuantile((k) => this._cdf(k), u, this.totalCount, this.totalCount);
  }
}
