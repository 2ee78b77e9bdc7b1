import type { Rng } from '@gen/core';
import { stopGradient, triangularSolve } from '@gen/core';
import type { MultivariateNormal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import type { WeakDerivative } from './registry.js';
import { doubleSidedMaxwell, rayleigh } from './samplers.js';

/**
 * Weak derivatives of a full-covariance MultivariateNormal N(μ, LLᵀ), x = μ + Lε, ε ∼ N(0, I).
 * Its coordinates are not independent, so the derivatives are taken in ε's coordinates, where
 * the density factorises, and carried to μ and L by a linear map (the `surrogate` hook):
 * - the score of μ is L⁻ᵀε, so ∂μ E[f] = L⁻ᵀ m with mₖ = E[f εₖ], and εₖ φ(ε) is the Normal-mean
 *   weak derivative of coordinate k: c = 1/√(2π), εₖ ← ±W (W Rayleigh);
 * - the score of L is L⁻ᵀ(εεᵀ − I), so ∂L E[f] = L⁻ᵀ D (lower triangle) with
 *   Dₖⱼ = E[f (εₖεⱼ − δₖⱼ)], and (εⱼ² − 1)φ is the Normal-scale weak derivative at σ = 1 (c = 1,
 *   εⱼ ← Maxwell against εⱼ ← Normal), while εₖεⱼφ for k ≠ j is a product of two mean
 *   derivatives: c = 1/π, (εₖ, εⱼ) ← (sW₁, sW₂) against (sW₁, −sW₂), s a random sign.
 * The other coordinates of ε are shared by both sides; coupled, so are W, s and the Maxwell
 * draw m (the Normal side is u·m, u uniform). Cost: d slots for μ, d(d + 1)/2 for L.
 * See docs/references.md#weak-derivatives.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** x = μ + Lε for ε `[slots, n, ...batch, d]`. */
function affine(dist: MultivariateNormal, eps: tf.Tensor): tf.Tensor {
  return tf.add(dist.loc, tf.sum(tf.mul(dist.scaleTril, tf.expandDims(eps, -2)), -1));
}

/** A 0/1 mask `[1, ..., 1, d]` (rank `rank`) selecting coordinate k. */
function coordinate(k: number, d: number, rank: number): tf.Tensor {
  const row = Array.from({ length: d }, (_, i) => (i === k ? 1 : 0));
  return tf.reshape(tf.tensor1d(row), [...Array(rank - 1).fill(1), d]);
}

/** ε with coordinates `ks` replaced by `values` (each `[n, ...batch]`). */
function replace(eps: tf.Tensor, ks: number[], values: tf.Tensor[]): tf.Tensor {
  const d = eps.shape[eps.rank - 1]!;
  let out = eps;
  ks.forEach((k, i) => {
    const mask = coordinate(k, d, eps.rank);
    out = tf.add(tf.mul(out, tf.sub(1, mask)), tf.mul(tf.expandDims(values[i]!, -1), mask));
  });
  return out;
}

/** The slice of coordinate k of `[n, ...batch, d]` draws. */
function column(t: tf.Tensor, k: number): tf.Tensor {
  const begin = t.shape.map((_, i) => (i === t.rank - 1 ? k : 0));
  const size = t.shape.map((s, i) => (i === t.rank - 1 ? 1 : s));
  return tf.squeeze(tf.slice(t, begin, size), [t.rank - 1]);
}

/** Draws for one side: ε shared with the other side when coupled. */
interface Side {
  eps: tf.Tensor;
  rng: Rng;
}

/**
 * MultivariateNormal `loc`: slot k replaces εₖ by +W (p⁺) or −W (p⁻), c = 1/√(2π); the slot
 * estimates m map to μ through ∂/∂μ (m · ⊥L⁻¹μ) = L⁻ᵀm.
 */
export const multivariateNormalLoc: WeakDerivative<MultivariateNormal> = ({
  dist,
  base,
  rng,
  coupling,
}) => {
  const d = dist.dim;
  const shape = base.shape; // [n, ...batch, d]
  const plus: Side = { eps: rng.normal(shape), rng };
  const minus: Side = coupling ? plus : { eps: rng.normal(shape), rng };
  const wPlus = rayleigh(shape, rng);
  const wMinus = coupling ? wPlus : rayleigh(shape, rng);
  const side = (s: Side, w: tf.Tensor, sign: number) =>
    affine(
      dist,
      tf.stack(
        Array.from({ length: d }, (_, k) => replace(s.eps, [k], [tf.mul(sign, column(w, k))])),
      ),
    );
  return {
    positive: side(plus, wPlus, 1),
    negative: side(minus, wMinus, -1),
    constant: tf.fill([...dist.batchShape, d], 1 / SQRT_2PI),
    surrogate: (m) => {
      const fixed = stopGradient(dist.scaleTril);
      const nu = tf.squeeze(triangularSolve(fixed, tf.expandDims(dist.loc, -1)), [-1]);
      return tf.sum(tf.mul(m, tf.sub(nu, stopGradient(nu))));
    },
  };
};

/** The pairs (k, j), k ≥ j, of the lower triangle in row order: the slots of `scaleTril`. */
function lowerPairs(d: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let k = 0; k < d; k++) for (let j = 0; j <= k; j++) pairs.push([k, j]);
  return pairs;
}

/**
 * MultivariateNormal `scaleTril`: one slot per lower-triangle pair (k, j) estimating
 * Dₖⱼ = E[f (εₖεⱼ − δₖⱼ)]; the symmetric D maps to L through ∂/∂L ⟨D, ⊥L⁻¹ tril(L)⟩ = L⁻ᵀD on
 * the lower triangle, and on to whatever computed L (a covariance through its Cholesky factor).
 */
export const multivariateNormalScaleTril: WeakDerivative<MultivariateNormal> = ({
  dist,
  base,
  rng,
  coupling,
}) => {
  const d = dist.dim;
  const shape = base.shape;
  const inner = shape.slice(0, -1); // [n, ...batch]
  const pairs = lowerPairs(d);
  const draw = () => ({
    eps: rng.normal(shape),
    m: doubleSidedMaxwell(inner, rng),
    w1: rayleigh(inner, rng),
    w2: rayleigh(inner, rng),
    sign: tf.sub(tf.mul(2, tf.cast(tf.less(rng.uniform(inner), 0.5), 'float32')), 1),
  });
  const p = draw();
  const q = coupling ? p : draw();
  // Coupled, the Normal side of a diagonal slot is u·m (Maxwell–Gaussian coupling).
  const normalSide = coupling ? tf.mul(rng.uniform(inner), p.m) : rng.normal(inner);
  const positive = pairs.map(([k, j]) =>
    k === j
      ? replace(p.eps, [k], [p.m])
      : replace(p.eps, [k, j], [tf.mul(p.sign, p.w1), tf.mul(p.sign, p.w2)]),
  );
  const negative = pairs.map(([k, j]) =>
    k === j
      ? replace(q.eps, [k], [normalSide])
      : replace(q.eps, [k, j], [tf.mul(q.sign, q.w1), tf.neg(tf.mul(q.sign, q.w2))]),
  );
  const constants = pairs.map(([k, j]) => (k === j ? 1 : 1 / Math.PI));
  // Scatter of the slot estimates into the symmetric d × d matrix D.
  const scatter = pairs.map(([k, j]) =>
    Array.from({ length: d * d }, (_, e) => (e === k * d + j || e === j * d + k ? 1 : 0)),
  );
  const lower = Array.from({ length: d * d }, (_, e) => (Math.floor(e / d) >= e % d ? 1 : 0));
  return {
    positive: affine(dist, tf.stack(positive)),
    negative: affine(dist, tf.stack(negative)),
    constant: tf.mul(tf.ones([...dist.batchShape, pairs.length]), tf.tensor1d(constants)),
    surrogate: (estimates) => {
      const batch = estimates.shape.slice(0, -1);
      const flat = tf.reshape(estimates, [-1, pairs.length]);
      const matrix = tf.reshape(tf.matMul(flat, tf.tensor2d(scatter)), [...batch, d, d]);
      const fixed = stopGradient(dist.scaleTril);
      const tril = tf.mul(dist.scaleTril, tf.reshape(tf.tensor1d(lower), [d, d]));
      const mapped = triangularSolve(fixed, tril);
      return tf.sum(tf.mul(matrix, tf.sub(mapped, stopGradient(mapped))));
    },
  };
};
