import type { Rng } from '@gen/core';
import { VqVae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import type { BuildContext, BuiltModel } from './family.js';
import { meanAndError, rowValues } from './family.js';
import { ints, num } from './options.js';
import { vqShape } from './vae-flags.js';

/**
 * x ~ N(μ, σ²) from a learned-variance Gaussian decoder's output `[n, 2d]` ([μ, ρ] on the last
 * axis, σ = softplus(ρ) + 1e-3 as @gen/vae's likelihood), so 2-D samples show the model's spread.
 */
export function drawLearnedGaussian(out: tf.Tensor, rng: Rng): tf.Tensor {
  return tf.tidy(() => {
    const d = out.shape[1]! / 2;
    const [mu, rho] = tf.split(out, [d, d], 1) as [tf.Tensor, tf.Tensor];
    const sigma = tf.add(tf.softplus(rho), 1e-3);
    return tf.add(mu, tf.mul(sigma, rng.normal([out.shape[0]!, d])));
  });
}

/**
 * `gen train vae --vq <codes>x<K>`: a VQ-VAE (`VqVae.mlp` of @gen/vae) whose encoder gives each
 * example `codes` vectors of `latentSize` values, each replaced by the nearest of K learned code
 * vectors. It is scored by its reconstruction term −log p(x | z_q) and its codebook use; samples
 * decode codes drawn uniformly, the prior it is trained under.
 */
export function buildVqVae({ data, options, seed }: BuildContext): BuiltModel {
  const images = data.kind === 'images';
  const { codes, codebookSize } = vqShape(options.vq as string);
  const vq = VqVae.mlp({
    inputSize: data.dim,
    hiddenSizes: ints(options, 'hiddenSizes'),
    codes,
    embeddingSize: num(options, 'latentSize'),
    codebookSize,
    likelihood: images ? 'bernoulli' : { gaussian: 'learned' },
    seed,
  });
  return {
    trainer: { kind: 'fit', model: vq },
    weights: vq,
    prepare: (x) => tf.clone(x),
    sample: (n, rng) => {
      if (images) return vq.sample(n, rng);
      const [codeRng, noise] = rng.split(2) as [Rng, Rng];
      return tf.tidy(() => {
        const zq = tf.reshape(vq.samplePrior(n, codeRng), [n, -1]);
        return drawLearnedGaussian(vq.decoder.apply(zq), noise);
      });
    },
    reconstruct: (x) => vq.reconstruct(x),
    metrics: async (x) => {
      const reconstruction = await rowValues(x, (rows) => {
        const { reconstruction, codebook, commitment } = vq.lossTerms(rows);
        tf.dispose([codebook, commitment]);
        return reconstruction;
      });
      const usage = await vq.codebookUsage(x);
      const { mean, standardError } = meanAndError(reconstruction);
      return {
        reconstruction: mean,
        reconstructionStandardError: standardError,
        codesUsed: usage.used,
        codebookPerplexity: usage.perplexity,
      };
    },
    dispose: () => vq.dispose(),
  };
}
