import * as tf from '@tensorflow/tfjs-core';
import { brand, hasBrand } from './brand.js';
import { FormatError } from './errors.js';
import {
  assertFiniteNumber,
  assertInteger,
  assertNonNegative,
  invalidArgument,
} from './validate.js';

const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
const PARITY = 0x1bd11bda;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/**
 * Threefry-2x32 with 20 rounds (Salmon et al. 2011, the generator behind JAX's PRNG): a keyed
 * bijection of a 64-bit counter. Pure function of its inputs, so streams are reproducible and
 * splittable without shared state.
 */
export function threefry2x32(
  key: readonly [number, number],
  counter: readonly [number, number],
): [number, number] {
  const ks = [key[0] >>> 0, key[1] >>> 0, (PARITY ^ key[0] ^ key[1]) >>> 0];
  let x0 = (counter[0] + ks[0]!) >>> 0;
  let x1 = (counter[1] + ks[1]!) >>> 0;
  for (let block = 0; block < 5; block++) {
    for (let r = 0; r < 4; r++) {
      const rot = ROTATIONS[(block % 2) * 4 + r]!;
      x0 = (x0 + x1) >>> 0;
      x1 = rotl(x1, rot) ^ x0;
    }
    const s = block + 1;
    x0 = (x0 + ks[s % 3]!) >>> 0;
    x1 = (x1 + ks[(s + 1) % 3]! + s) >>> 0;
  }
  return [x0, x1];
}

function assertShapeArgument(fn: string, shape: unknown): asserts shape is number[] {
  const ok =
    Array.isArray(shape) &&
    shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0) &&
    shape.reduce((a: number, b: number) => a * b, 1) <= 2 ** 30;
  if (!ok) {
    throw invalidArgument(
      fn,
      'shape',
      shape,
      'must be an array of integers >= 0 (at most 2^30 elements)',
    );
  }
}

/** Serialisable state of an {@link Rng}: enough to resume its stream exactly. */
export interface RngState {
  readonly version: 1;
  readonly key: readonly [number, number];
  readonly counter: number;
}

const TWO_POW_32 = 4294967296;
const RNG = '@gen/core/Rng';

/**
 * A counter-based, splittable random number generator (JAX-like). Every draw hashes
 * `(key, counter)` with Threefry and advances the counter, so the same seed always gives the same
 * numbers, `split` gives statistically independent children, and the state is two words and a
 * count. `nextSeed()` never returns 0, which tfjs's random ops would treat as "unseeded".
 *
 * ```ts
 * const rng = Rng.fromSeed(42);
 * const [a, b] = rng.split();
 * const x = a.normal([128, 2]);          // tf.Tensor, reproducible
 * const u = b.float();                    // JS number in [0, 1)
 * ```
 */
export class Rng {
  static {
    brand(Rng, RNG);
  }

  private readonly key: [number, number];
  private counter: number;

  private constructor(key: readonly [number, number], counter: number) {
    this.key = [key[0] >>> 0, key[1] >>> 0];
    this.counter = counter;
  }

  /** A generator for an integer seed in [0, 2^53). */
  static fromSeed(seed: number): Rng {
    assertInteger('Rng.fromSeed', 'seed', seed, 0, Number.MAX_SAFE_INTEGER);
    return new Rng([(seed % TWO_POW_32) >>> 0, Math.floor(seed / TWO_POW_32) >>> 0], 0);
  }

  /** Restores a generator saved with {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const ok =
      state !== null &&
      typeof state === 'object' &&
      state.version === 1 &&
      Array.isArray(state.key) &&
      state.key.length === 2 &&
      state.key.every((k) => Number.isInteger(k) && k >= 0 && k < TWO_POW_32) &&
      Number.isInteger(state.counter) &&
      state.counter >= 0;
    if (!ok)
      throw new FormatError(
        `Rng.fromState: argument 'state' is not a valid Rng state, got ${JSON.stringify(state)}`,
      );
    return new Rng([state.key[0], state.key[1]], state.counter);
  }

  /** The current state; `Rng.fromState(rng.getState())` continues the same stream. */
  getState(): RngState {
    return { version: 1, key: [this.key[0], this.key[1]], counter: this.counter };
  }

  /** An independent copy at the same position of the stream. */
  clone(): Rng {
    return new Rng(this.key, this.counter);
  }

  /** Two fresh 32-bit words from the stream. */
  nextUint32Pair(): [number, number] {
    const c = this.counter++;
    return threefry2x32(this.key, [(c % TWO_POW_32) >>> 0, Math.floor(c / TWO_POW_32) >>> 0]);
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.nextUint32Pair()[0];
  }

  /** A seed for a tfjs random op: an integer in [1, 2^32 - 1], never 0. */
  nextSeed(): number {
    for (;;) {
      const [a, b] = this.nextUint32Pair();
      if (a !== 0) return a;
      if (b !== 0) return b;
    }
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  float(): number {
    const [a, b] = this.nextUint32Pair();
    return ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    assertInteger('Rng.int', 'n', n, 1, Number.MAX_SAFE_INTEGER);
    return Math.floor(this.float() * n);
  }

  /** `n` independent child generators (default 2); the parent advances by `n` draws. */
  split(n = 2): Rng[] {
    assertInteger('Rng.split', 'n', n, 1, 1 << 24);
    const children: Rng[] = [];
    for (let i = 0; i < n; i++) children.push(new Rng(this.nextUint32Pair(), 0));
    return children;
  }

  /** A permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    assertInteger('Rng.permutation', 'n', n, 0, 2 ** 31 - 1);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }

  /** Standard-normal (or N(mean, std²)) float32 tensor. */
  normal(shape: number[], mean = 0, std = 1): tf.Tensor {
    assertShapeArgument('Rng.normal', shape);
    assertFiniteNumber('Rng.normal', 'mean', mean);
    assertNonNegative('Rng.normal', 'std', std);
    return tf.randomNormal(shape, mean, std, 'float32', this.nextSeed());
  }

  /** Truncated normal within two standard deviations, as tfjs defines it. */
  truncatedNormal(shape: number[], mean = 0, std = 1): tf.Tensor {
    assertShapeArgument('Rng.truncatedNormal', shape);
    assertFiniteNumber('Rng.truncatedNormal', 'mean', mean);
    assertNonNegative('Rng.truncatedNormal', 'std', std);
    return tf.truncatedNormal(shape, mean, std, 'float32', this.nextSeed());
  }

  /** Uniform float32 tensor on [low, high). */
  uniform(shape: number[], low = 0, high = 1): tf.Tensor {
    assertShapeArgument('Rng.uniform', shape);
    assertFiniteNumber('Rng.uniform', 'low', low);
    assertFiniteNumber('Rng.uniform', 'high', high);
    if (!(high > low)) throw invalidArgument('Rng.uniform', 'high', high, `must be > low (${low})`);
    return tf.randomUniform(shape, low, high, 'float32', this.nextSeed());
  }
}

/**
 * Whether `x` is an {@link Rng} made by any installed copy of @gen/core (a brand check, so an
 * Rng from a second copy is recognised where `instanceof Rng` would fail; look-alike objects
 * are not, since `@gen` draws from more of the Rng than any short list of methods).
 */
export function isRng(x: unknown): x is Rng {
  return hasBrand(x, RNG);
}

/** Same as {@link Rng.fromSeed}. */
export function createRng(seed: number): Rng {
  return Rng.fromSeed(seed);
}
