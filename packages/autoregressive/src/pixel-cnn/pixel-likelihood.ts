import type { Rng } from '@gen/core';
import { Bernoulli, Categorical } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import type { PixelCnnLikelihood } from './pixel-cnn-options.js';

// Internal: how PixelCnn turns its P output channels per pixel into p(x_rc | x_<rc).

/** The grey levels of 8-bit images. */
export const LEVELS = 256;
/** PixelCNN++'s floor on a logistic's log-scale: the bins are 2/255 wide, scales e^-7 ≪ that. */
const MIN_LOG_SCALE = -7;

/** One pixel's distribution family: its parameter count and its log-mass and sampler. */
export interface PixelFamily {
  readonly likelihood: PixelCnnLikelihood;
  /** Output channels P of the network per pixel. */
  readonly paramCount: number;
  /** The network's input for images `[n, h, w, 1]`: the 0/1 pixels, or 2·q − 1 for q in [0, 1]. */
  input(images: tf.Tensor): tf.Tensor;
  /** The observed values the log-mass scores: the 0/1 pixels, or the levels round(255·x). */
  target(images: tf.Tensor): tf.Tensor;
  /** log p of every pixel, `[n, h, w]`, from parameters `[n, h, w, P]` and targets `[n, h, w, 1]`. */
  logProb(params: tf.Tensor, target: tf.Tensor): tf.Tensor;
  /** One draw per row from parameters `[n, P]`, as pixel values `[n]` (0/1, or level/255). */
  sample(params: tf.Tensor, rng: Rng): tf.Tensor;
}

/** The family of `likelihood` (with K logistic components for 'discretizedLogistic'). */
export function pixelFamily(likelihood: PixelCnnLikelihood, components: number): PixelFamily {
  if (likelihood === 'bernoulli') return bernoulliPixel;
  if (likelihood === 'categorical256') return categoricalPixel;
  return logisticPixel(components);
}

const bernoulliPixel: PixelFamily = {
  likelihood: 'bernoulli',
  paramCount: 1,
  input: (images) => images,
  target: (images) => images,
  logProb: (logits, x) =>
    tf.squeeze(new Bernoulli({ logits, validateArgs: false }).logProb(x), [3]),
  sample: (logits, rng) =>
    tf.reshape(new Bernoulli({ logits, validateArgs: false }).sample(1, rng), [-1]),
};

/** The levels round(255·x) of x in [0, 1] (values outside are clipped), as float32. */
export function quantize(images: tf.Tensor): tf.Tensor {
  return tf.round(tf.mul(tf.clipByValue(images, 0, 1), LEVELS - 1));
}

/** The network's input for 8-bit images: the level ℓ as 2ℓ/255 − 1, in [−1, 1]. */
const levelInput = (images: tf.Tensor) => tf.sub(tf.mul(quantize(images), 2 / (LEVELS - 1)), 1);

/**
 * log softmax over the last axis as ℓ − logΣexp ℓ: tfjs-backend-wasm's own logSoftmax is ten
 * times slower than logSumExp.
 */
const normalize = (logits: tf.Tensor) => tf.sub(logits, tf.logSumExp(logits, -1, true));

const categoricalPixel: PixelFamily = {
  likelihood: 'categorical256',
  paramCount: LEVELS,
  input: levelInput,
  target: quantize,
  logProb: (logits, levels) => {
    const logSoftmax = normalize(logits);
    // float32 before the product: wasm multiplies mixed dtypes three times slower.
    const onehot = tf.cast(tf.oneHot(tf.cast(tf.squeeze(levels, [3]), 'int32'), LEVELS), 'float32');
    return tf.sum(tf.mul(logSoftmax, onehot), -1);
  },
  sample: (logits, rng) => {
    const level = new Categorical({ logits, validateArgs: false }).sample(1, rng);
    return tf.div(tf.reshape(level, [-1]), LEVELS - 1);
  },
};

/**
 * log(1 − e^(−d)) for d > 0, exact to float32 for small d too (where 1 − e^(−d) cancels): a
 * series there, and each branch fed only its own range so that neither yields a NaN gradient.
 */
function log1mExp(d: tf.Tensor): tf.Tensor {
  const cut = 0.01;
  const small = tf.minimum(d, cut);
  const large = tf.maximum(d, cut);
  const series = tf.log(tf.mul(small, tf.add(1, tf.mul(small, tf.sub(tf.div(small, 6), 0.5)))));
  const direct = tf.log(tf.sub(1, tf.exp(tf.neg(large))));
  return tf.where(tf.less(d, cut), series, direct);
}

/**
 * log P(level) under a logistic of location `loc` and log-scale `logScale` (on [−1, 1], where
 * level ℓ sits at 2ℓ/255 − 1), integrated over the level's bin of width 2/255; level 0 takes
 * the whole left tail and level 255 the whole right tail, so the 256 masses sum to 1. `levels`
 * broadcasts against `loc` and `logScale`. With a = (x + 1/255 − μ)/s and b = (x − 1/255 − μ)/s,
 * the mass is σ(a) − σ(b) = σ(a)·σ(−b)·(1 − e^(b−a)), summed in logs so that no two nearly
 * equal CDFs are subtracted.
 */
export function discretizedLogisticLogProb(
  levels: tf.Tensor,
  loc: tf.Tensor,
  logScale: tf.Tensor,
): tf.Tensor {
  const half = 1 / (LEVELS - 1);
  const x = tf.sub(tf.mul(levels, 2 * half), 1);
  const inverseScale = tf.exp(tf.neg(tf.maximum(logScale, MIN_LOG_SCALE)));
  const centred = tf.sub(x, loc);
  const a = tf.mul(tf.add(centred, half), inverseScale);
  const b = tf.mul(tf.sub(centred, half), inverseScale);
  const logCdfA = tf.neg(tf.softplus(tf.neg(a)));
  const logSurvivalB = tf.neg(tf.softplus(b));
  const interior = tf.add(tf.add(logCdfA, logSurvivalB), log1mExp(tf.mul(inverseScale, 2 * half)));
  const first = tf.equal(levels, 0);
  const last = tf.equal(levels, LEVELS - 1);
  const shape = interior.shape;
  return tf.where(
    tf.broadcastTo(first, shape),
    logCdfA,
    tf.where(tf.broadcastTo(last, shape), logSurvivalB, interior),
  );
}

/** The mixture's parts: weights' logits (null for K = 1), locations and log-scales, each `[..., K]`. */
function logisticParts(params: tf.Tensor, k: number) {
  const last = params.rank - 1;
  if (k === 1) {
    const [loc, logScale] = tf.split(params, 2, last);
    return { logits: null, loc: loc!, logScale: logScale! };
  }
  const [logits, loc, logScale] = tf.split(params, 3, last);
  return { logits: logits!, loc: loc!, logScale: logScale! };
}

function logisticPixel(k: number): PixelFamily {
  return {
    likelihood: 'discretizedLogistic',
    paramCount: k === 1 ? 2 : 3 * k,
    input: levelInput,
    target: quantize,
    logProb: (params, levels) => {
      const { logits, loc, logScale } = logisticParts(params, k);
      const perComponent = discretizedLogisticLogProb(levels, loc, logScale);
      if (logits === null) return tf.squeeze(perComponent, [3]);
      return tf.logSumExp(tf.add(normalize(logits), perComponent), -1);
    },
    sample: (params, rng) => {
      const parts = logisticParts(params, k);
      let { loc, logScale } = parts;
      if (parts.logits !== null) {
        const pick = new Categorical({ logits: parts.logits, validateArgs: false }).sample(1, rng);
        const onehot = tf.cast(tf.oneHot(tf.cast(tf.reshape(pick, [-1]), 'int32'), k), 'float32');
        loc = tf.sum(tf.mul(loc, onehot), -1, true);
        logScale = tf.sum(tf.mul(logScale, onehot), -1, true);
      }
      // Inverse CDF, then the bin the draw falls in: exactly the discretised law, tails included.
      const u = tf.clipByValue(rng.uniform(loc.shape), 1e-7, 1 - 1e-7);
      const scale = tf.exp(tf.maximum(logScale, MIN_LOG_SCALE));
      const draw = tf.add(loc, tf.mul(scale, tf.sub(tf.log(u), tf.log1p(tf.neg(u)))));
      const level = tf.round(tf.mul(tf.add(tf.clipByValue(draw, -1, 1), 1), (LEVELS - 1) / 2));
      return tf.div(tf.reshape(level, [-1]), LEVELS - 1);
    },
  };
}
