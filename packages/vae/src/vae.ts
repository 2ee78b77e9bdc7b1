import { assertInteger, type Batch, invalidArgument, isConditionalBatch, Rng } from '@gen/core';
import { Mlp, modelConfig, registerModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { parseBeta } from './beta-schedule.js';
import type { Parts } from './condition.js';
import { ConvDecoder, ConvEncoder } from './conv.js';
import { assertMonteCarloKl, type Posterior, parsePosterior } from './iaf-posterior.js';
import { outputFactor, parseLikelihood } from './likelihood.js';
import { assertObjectiveEstimator, parseObjective } from './objective.js';
import { VaeModel } from './vae-model.js';
import { asBatch, SHARED_KEYS, type VaeConvOptions, type VaeMlpOptions } from './vae-options.js';
import {
  assertCount,
  assertHiddenSizes,
  assertLayerSizes,
  assertNumbers,
  assertOptionKeys,
  ownedBy,
} from './validate.js';
import { parsePrior } from './vamp-prior.js';

/** Most latents `interpolate` and `traverse` decode in one call. */
const MAX_STEPS = 100_000;

export type { VaeConvOptions, VaeMlpOptions, VaeOptions } from './vae-options.js';

/**
 * Variational autoencoder (Kingma & Welling 2014) with the latent tools (reconstruct,
 * interpolate, traverse) and the factories {@link Vae.mlp} and {@link Vae.conv}; the objective,
 * bounds and training loss are those of {@link VaeModel}.
 */
export class Vae extends VaeModel {
  /**
   * The mean of p(x|z) at the posterior mean z = μ(x) (with an IAF posterior, the steps' image
   * of μ(x), the draw at ε = 0): [n, ...dataShape]. A conditional VAE takes `{ x, condition }`
   * and decodes with the same condition.
   */
  reconstruct(x: Batch): tf.Tensor {
    const fn = 'Vae.reconstruct';
    const { x: data, condition } = this.dataInput(fn, 'x', x);
    return tf.tidy(() => this.decodeUnchecked(fn, this.latentCode(fn, data, condition), condition));
  }

  /**
   * Decodes the straight line between the posterior means of two examples (each [1, ...] or
   * unbatched data): z_t = (1 − t) μ(x1) + t μ(x2), t = 0, 1/(steps−1), …, 1 → [steps, ...]
   * (with an IAF posterior, between the latents `reconstruct` decodes).
   * For a conditional VAE each example is `{ x, condition }` and the condition follows the same
   * line, c_t = (1 − t) c1 + t c2 (equal conditions stay fixed).
   */
  interpolate(x1: Batch, x2: Batch, steps: number): tf.Tensor {
    const fn = 'Vae.interpolate';
    assertInteger(fn, 'steps', steps, 2, MAX_STEPS);
    return tf.tidy(() => {
      const one = this.oneExample(fn, 'x1', x1);
      const two = this.oneExample(fn, 'x2', x2);
      const a = this.latentCode(fn, one.x, one.condition);
      const b = this.latentCode(fn, two.x, two.condition);
      const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
      const line = (u: tf.Tensor, v: tf.Tensor) => tf.add(tf.mul(tf.sub(1, t), u), tf.mul(t, v));
      const condition =
        one.condition === undefined || two.condition === undefined
          ? undefined
          : line(one.condition, two.condition);
      return this.decodeUnchecked(fn, line(a, b), condition);
    });
  }

  /**
   * Latent traversal: keeps the posterior mean μ(x) of one example (with an IAF posterior, the
   * latent `reconstruct` decodes) and sets coordinate `dim` to each of `values` in turn,
   * decoding [values.length, ...dataShape].
   */
  traverse(x: Batch, dim: number, values: readonly number[]): tf.Tensor {
    const fn = 'Vae.traverse';
    assertInteger(fn, 'dim', dim, 0, this.latentSize - 1);
    assertNumbers(fn, 'values', values);
    if (values.length > MAX_STEPS) {
      throw invalidArgument(fn, 'values', values, `must hold at most ${MAX_STEPS} values`);
    }
    return tf.tidy(() => {
      const one = this.oneExample(fn, 'x', x);
      const mu = this.latentCode(fn, one.x, one.condition);
      // Built on the host: tf.oneHot needs a depth of at least 2, and a latent may be 1-D.
      const unit = Array.from({ length: this.latentSize }, (_, i) => (i === dim ? 1 : 0));
      const mask = tf.tensor2d(unit, [1, this.latentSize]);
      const z = tf.add(
        tf.mul(tf.tile(mu, [values.length, 1]), tf.sub(1, mask)),
        tf.mul(tf.tensor2d([...values], [values.length, 1]), mask),
      );
      return this.decodeUnchecked(fn, z, one.condition);
    });
  }

  /**
   * One example as a batch of one (see `asBatch`; its condition too, `[conditionSize]` or
   * `[1, conditionSize]`), checked like the data of `encode`. Runs inside the caller's tidy.
   */
  private oneExample(fn: string, arg: string, input: unknown): Parts {
    if (isConditionalBatch(input)) {
      const x = asBatch(fn, `${arg}.x`, input.x);
      const condition = asBatch(fn, `${arg}.condition`, input.condition);
      return this.dataInput(fn, arg, { x, condition });
    }
    return this.dataInput(fn, arg, asBatch(fn, arg, input));
  }

  /**
   * A VAE with MLP encoder x → hidden → [μ, ρ] and decoder z → reversed hidden → x
   * (ReLU hidden layers), e.g. the 784-500-500-50 model of Burda et al. on binarised MNIST.
   * With `conditionSize` C it is a conditional VAE: the encoder reads [x, c] (inputSize + C
   * wide) and the decoder [z, c] (latentSize + C wide).
   */
  static mlp(options: VaeMlpOptions): Vae {
    const fn = 'Vae.mlp';
    const known = ['inputSize', 'hiddenSizes', 'latentSize', 'likelihood', 'seed', ...SHARED_KEYS];
    assertOptionKeys(fn, options, known);
    const { inputSize, hiddenSizes, latentSize, likelihood, seed = 0, ...rest } = options;
    const parsed = parseLikelihood(fn, likelihood);
    assertCount(fn, 'inputSize', inputSize);
    assertCount(fn, 'latentSize', latentSize);
    assertInteger(fn, 'seed', seed, 0);
    assertHiddenSizes(fn, hiddenSizes);
    const { c, h } = validateShared(fn, rest, latentSize);
    assertLayerSizes(fn, [inputSize + c, ...hiddenSizes, 2 * latentSize + h]);
    assertLayerSizes(fn, [latentSize + c, ...[...hiddenSizes].reverse(), 2 * inputSize]);
    const [re, rd] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
    const encoder = new Mlp({
      inputSize: inputSize + c,
      hiddenSizes,
      outputSize: 2 * latentSize + h,
      rng: re,
      name: 'encoder',
    });
    const decoder = new Mlp({
      inputSize: latentSize + c,
      hiddenSizes: [...hiddenSizes].reverse(),
      outputSize: inputSize * outputFactor(parsed),
      rng: rd,
      name: 'decoder',
    });
    const vae = ownedBy(
      fn,
      [encoder, decoder],
      () =>
        new Vae({
          encoder,
          decoder,
          latentSize,
          likelihood: parsed,
          dataShape: [inputSize],
          ...rest,
          ...seededPosterior(rest.posterior, seed),
        }),
    );
    vae.config = modelConfig('@gen/vae', 'Vae', 'mlp', options);
    return vae;
  }

  /**
   * A convolutional VAE for [n, 28, 28, channels] images: two stride-2 convolutions (32, 64
   * channels) and a dense head in the encoder, a dense layer and two stride-2 transposed
   * convolutions in the decoder. With `conditionSize` C the encoder reads the condition as C
   * constant extra channels and the decoder reads [z, c].
   */
  static conv(options: VaeConvOptions): Vae {
    const fn = 'Vae.conv';
    assertOptionKeys(fn, options, ['latentSize', 'likelihood', 'channels', 'seed', ...SHARED_KEYS]);
    const { latentSize, likelihood, channels = 1, seed = 0, ...rest } = options;
    const parsed = parseLikelihood(fn, likelihood);
    assertCount(fn, 'latentSize', latentSize);
    assertCount(fn, 'channels', channels);
    assertInteger(fn, 'seed', seed, 0);
    if (channels > 1024) throw invalidArgument(fn, 'channels', channels, 'must be <= 1024');
    const { c, h } = validateShared(fn, rest, latentSize);
    if (c > 1024) throw invalidArgument(fn, 'conditionSize', c, 'must be <= 1024 for Vae.conv');
    assertLayerSizes(fn, [7 * 7 * 64, 2 * latentSize + h]);
    assertLayerSizes(fn, [latentSize + c, 7 * 7 * 64]);
    const [re, rd] = Rng.fromSeed(seed).split(2) as [Rng, Rng];
    const encoder = new ConvEncoder({
      channels: channels + c,
      outputSize: 2 * latentSize + h,
      rng: re,
    });
    const decoder = new ConvDecoder({
      latentSize: latentSize + c,
      channels: channels * outputFactor(parsed),
      rng: rd,
    });
    const vae = ownedBy(
      fn,
      [encoder, decoder],
      () =>
        new Vae({
          encoder,
          decoder,
          latentSize,
          likelihood: parsed,
          dataShape: [28, 28, channels],
          ...rest,
          ...seededPosterior(rest.posterior, seed),
        }),
    );
    vae.config = modelConfig('@gen/vae', 'Vae', 'conv', options);
    return vae;
  }
}

/**
 * The posterior a factory passes to the constructor: an IAF without its own `seed` takes the
 * factory's (nothing to add for a Gaussian posterior).
 */
function seededPosterior(
  posterior: Posterior | undefined,
  seed: number,
): { posterior?: Posterior } {
  if (posterior === undefined || posterior === 'gaussian') return {};
  return { posterior: { iaf: { seed, ...posterior.iaf } } };
}

/**
 * Checks the options a factory passes on before any weight exists, so that a bad one is reported
 * under the factory's name and nothing is allocated; returns the condition width `c` (0 if none)
 * and the IAF context width `h` the encoder adds (0 for a Gaussian posterior).
 */
function validateShared(
  fn: string,
  o: Record<string, unknown>,
  latentSize: number,
): { c: number; h: number } {
  const { beta = 1, samples = 1, objective = 'elbo', conditionSize } = o;
  const vamp = parsePrior(fn, o.prior ?? 'standard') !== 'standard';
  const posterior = parsePosterior(fn, o.posterior ?? 'gaussian', latentSize);
  const iaf = posterior !== 'gaussian';
  const klMethod = o.klMethod ?? (vamp || iaf ? 'monte-carlo' : 'analytic');
  parseBeta(fn, beta);
  assertObjectiveEstimator(fn, parseObjective(fn, objective), o.estimator);
  if (klMethod !== 'analytic' && klMethod !== 'monte-carlo') {
    throw invalidArgument(fn, 'klMethod', klMethod, "must be 'analytic' or 'monte-carlo'");
  }
  assertCount(fn, 'samples', samples);
  if (vamp) assertMonteCarloKl(fn, klMethod, 'a VampPrior');
  if (iaf) assertMonteCarloKl(fn, klMethod, 'an IAF posterior');
  if (vamp && iaf) {
    throw invalidArgument(fn, 'posterior', o.posterior, 'cannot be combined with a VampPrior');
  }
  if (vamp && conditionSize !== undefined) {
    throw invalidArgument(fn, 'prior', o.prior, 'cannot be combined with conditionSize');
  }
  const h = iaf ? posterior.contextSize : 0;
  if (conditionSize === undefined) return { c: 0, h };
  assertCount(fn, 'conditionSize', conditionSize);
  return { c: conditionSize, h };
}

registerModel('@gen/vae', 'Vae', {
  mlp: (options) => Vae.mlp(options as unknown as VaeMlpOptions),
  conv: (options) => Vae.conv(options as unknown as VaeConvOptions),
});
