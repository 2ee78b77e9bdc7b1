import * as tf from '@tensorflow/tfjs-core';
import { assertInteger, assertTensor, invalidArgument } from './validate.js';

/**
 * Bits per dimension of a log-likelihood in nats over `dims` dimensions: −log p / (dims · ln 2),
 * the unit image models report (8 for the uniform distribution over 256 levels). Takes a number
 * or a tensor of log-likelihoods (e.g. `PixelCnn.logProb`'s `[n]`) and returns the same kind;
 * the caller owns a returned tensor. For a continuous density p(y) of dequantised 8-bit data
 * y = (pixel + u)/256 in [0, 1]^D (a flow), pass the discrete bound log p(y) − D·ln 256:
 * bpd = (−log p(y) + D·ln 256)/(D·ln 2).
 *
 * ```ts
 * bitsPerDim(model.logProb(images), 28 * 28); // [n]
 * bitsPerDim(-784 * Math.log(256), 784);      // 8
 * ```
 */
export function bitsPerDim(logProb: number, dims: number): number;
export function bitsPerDim(logProb: tf.Tensor, dims: number): tf.Tensor;
export function bitsPerDim(logProb: number | tf.Tensor, dims: number): number | tf.Tensor {
  const fn = 'bitsPerDim';
  assertInteger(fn, 'dims', dims, 1);
  if (typeof logProb === 'number') {
    if (Number.isNaN(logProb)) throw invalidArgument(fn, 'logProb', logProb, 'must not be NaN');
    return -logProb / (dims * Math.LN2);
  }
  assertTensor(fn, 'logProb', logProb);
  return tf.div(logProb, -dims * Math.LN2);
}
