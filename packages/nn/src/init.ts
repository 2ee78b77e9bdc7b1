import { assertOneOf, invalidArgument, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/** Fan-in and fan-out of a weight tensor, the scale every variance-preserving rule uses. */
export interface Fan {
  fanIn: number;
  fanOut: number;
}

/**
 * Makes an initial weight tensor of `shape`. Randomness comes only from `rng`, so the same seed
 * gives the same weights on every backend.
 */
export type Initializer = (shape: number[], fan: Fan, rng: Rng) => tf.Tensor;

/** Initialisers known by name. */
export type InitializerName =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'zeros'
  | 'ones';

// Standard deviation of N(0, 1) truncated to [−2, 2], where tfjs's truncatedNormal cuts: dividing
// the requested std by it makes the truncated draws have exactly the intended variance (Keras).
const TRUNCATED_STD = 0.8796256610342398;

/**
 * Fans as Keras and PyTorch compute them: a vector `[n]` has fanIn = fanOut = n; a matrix
 * `[in, out]` has (in, out); a convolution kernel `[kh, kw, in, out]` has
 * (kh·kw·in, kh·kw·out). A transposed-convolution kernel `[kh, kw, outC, inC]` therefore gets
 * fanIn = kh·kw·outC, as in both libraries.
 *
 * ```ts
 * computeFans([3, 3, 16, 32]); // { fanIn: 144, fanOut: 288 }
 * ```
 */
export function computeFans(shape: readonly number[]): Fan {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return {
    fanIn: receptive * shape[shape.length - 2]!,
    fanOut: receptive * shape[shape.length - 1]!,
  };
}

/**
 * Glorot/Xavier uniform (Glorot & Bengio 2010): U(−a, a) with a = √(6 / (fanIn + fanOut)), so
 * Var = 2 / (fanIn + fanOut).
 *
 * ```ts
 * const w = glorotUniform([784, 256], computeFans([784, 256]), Rng.fromSeed(0));
 * ```
 */
export const glorotUniform: Initializer = (shape, { fanIn, fanOut }, rng) => {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return rng.uniform(shape, -limit, limit);
};

/**
 * Glorot normal, truncated like Keras: N(0, σ²) cut at ±2σ and rescaled so that the variance is
 * exactly 2 / (fanIn + fanOut) (no draw is farther than 2.27·√Var from 0).
 */
export const glorotNormal: Initializer = (shape, { fanIn, fanOut }, rng) =>
  rng.truncatedNormal(shape, 0, Math.sqrt(2 / (fanIn + fanOut)) / TRUNCATED_STD);

/** He/Kaiming uniform (He et al. 2015): U(−a, a) with a = √(6 / fanIn), so Var = 2 / fanIn. */
export const heUniform: Initializer = (shape, { fanIn }, rng) => {
  const limit = Math.sqrt(6 / fanIn);
  return rng.uniform(shape, -limit, limit);
};

/** He normal, truncated like Keras at ±2σ and rescaled so that Var = 2 / fanIn exactly. */
export const heNormal: Initializer = (shape, { fanIn }, rng) =>
  rng.truncatedNormal(shape, 0, Math.sqrt(2 / fanIn) / TRUNCATED_STD);

/** All zeros (the usual bias initialiser; the last layer of a flow's conditioner). */
export const zeros: Initializer = (shape) => tf.zeros(shape);

/** All ones (scales, gains). */
export const ones: Initializer = (shape) => tf.ones(shape);

const INITIALIZERS: Record<InitializerName, Initializer> = {
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  zeros,
  ones,
};

const NAMES = Object.keys(INITIALIZERS) as InitializerName[];

/** An initialiser given by name or as a function; `fn` and `arg` name the caller in errors. */
export function resolveInitializer(
  fn: string,
  arg: string,
  spec: InitializerName | Initializer,
): Initializer {
  if (typeof spec === 'function') return spec;
  if (typeof spec !== 'string') {
    throw invalidArgument(fn, arg, spec, 'must be an initialiser name or function');
  }
  assertOneOf(fn, arg, spec, NAMES);
  return INITIALIZERS[spec];
}

/**
 * The initialiser called `name`.
 *
 * ```ts
 * const init = getInitializer('heNormal');
 * const w = init([128, 64], computeFans([128, 64]), Rng.fromSeed(1));
 * ```
 */
export function getInitializer(name: InitializerName): Initializer {
  return resolveInitializer('getInitializer', 'name', name);
}
