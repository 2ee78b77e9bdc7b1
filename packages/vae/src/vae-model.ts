import {
  assertInteger,
  assertKnownOptions,
  assertNetwork,
  assertRng,
  type Distribution,
  type GenerativeModel,
  type GradientEstimator,
  InvalidArgumentError,
  invalidArgument,
  logMeanExp,
  type NamedTensors,
  type Network,
  type Rng,
  resolveRng,
} from '@gen/core';
import { kl } from '@gen/distributions';
import { pathwise } from '@gen/estimators';
import { NetworkParts } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { type Likelihood, likelihoodDist, likelihoodMean, parseLikelihood } from './likelihood.js';
import { applyFlat, diagonalGaussian, posteriorParams, standardPrior } from './posterior.js';
import { VAE_KEYS, type VaeOptions } from './vae-options.js';
import { assertCount, assertData, assertOptionKeys } from './validate.js';

/**
 * The VAE model (see {@link Vae}): variational autoencoder (Kingma & Welling 2014) with q(z|x) = N(μ(x), diag σ(x)²),
 * p(z) = N(0, I) and a decoder likelihood p(x|z). Per example,
 * ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)) ≤ log p(x); training minimises the batch mean
 * of −E_q[log p(x|z)] + β·KL. The encoder and decoder are any two `Network`s. Every random
 * number comes from an `rng` argument: `loss(batch, rng)` requires one, and `elbo`, `iwae` and
 * `nll` draw from a fresh `Rng.fromSeed(0)` when given none (so repeated calls agree).
 */
export class VaeModel implements GenerativeModel {
  readonly encoder: Network;
  readonly decoder: Network;
  readonly latentSize: number;
  readonly likelihood: Likelihood;
  readonly beta: number;
  readonly klMethod: 'analytic' | 'monte-carlo';
  readonly estimator: GradientEstimator;
  readonly samples: number;
  private readonly weights: NetworkParts;

  constructor(options: VaeOptions) {
    const fn = 'Vae';
    assertOptionKeys(fn, options, VAE_KEYS);
    const { encoder, decoder, latentSize, beta = 1, klMethod = 'analytic', samples = 1 } = options;
    assertNetwork(fn, 'encoder', encoder);
    assertNetwork(fn, 'decoder', decoder);
    if (encoder === decoder) {
      throw invalidArgument(fn, 'decoder', decoder, 'must be a network other than the encoder');
    }
    if (options.seed !== undefined) assertInteger(fn, 'seed', options.seed, 0);
    assertCount(fn, 'latentSize', latentSize);
    assertCount(fn, 'samples', samples);
    if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0) {
      throw invalidArgument(fn, 'beta', beta, 'must be a finite number >= 0');
    }
    if (klMethod !== 'analytic' && klMethod !== 'monte-carlo') {
      throw invalidArgument(fn, 'klMethod', klMethod, "must be 'analytic' or 'monte-carlo'");
    }
    this.encoder = encoder;
    this.decoder = decoder;
    this.latentSize = latentSize;
    this.likelihood = parseLikelihood(fn, options.likelihood);
    this.beta = beta;
    this.klMethod = klMethod;
    this.samples = samples;
    this.estimator = options.estimator ?? pathwise();
    this.weights = new NetworkParts(fn, { encoder, decoder }, { keepPrefixed: true });
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.encoder.trainableVariables, ...this.decoder.trainableVariables];
  }

  /** Posterior mean μ(x) and scale σ(x), each [n, latentSize]; the caller owns them. */
  encode(x: tf.Tensor): { mean: tf.Tensor; scale: tf.Tensor } {
    assertData('Vae.encode', 'x', x);
    return tf.tidy(() => {
      const out = this.encoder.apply(x);
      if (out.rank !== 2 || out.shape[1] !== 2 * this.latentSize) {
        throw new InvalidArgumentError(
          `Vae.encode: the encoder must output [n, ${2 * this.latentSize}], got [${out.shape.join(', ')}]`,
        );
      }
      return posteriorParams(out);
    });
  }

  /** Raw decoder output (logits or means) for z: [..., latentSize]. */
  decoderOutput(z: tf.Tensor): tf.Tensor {
    return applyFlat((flat) => this.decoder.apply(flat), z);
  }

  /** The mean of p(x|z) (pixel probabilities for Bernoulli) for z: [m, latentSize]. */
  decode(z: tf.Tensor): tf.Tensor {
    if (!(z instanceof tf.Tensor) || z.shape[z.rank - 1] !== this.latentSize) {
      throw invalidArgument('Vae.decode', 'z', z, `must be a tf.Tensor [m, ${this.latentSize}]`);
    }
    return tf.tidy(() => likelihoodMean(this.likelihood, this.decoderOutput(z)));
  }

  /** q(z|x) = N(μ(x), diag σ(x)²) with batch [n]; runs inside the caller's tidy. */
  private posterior(x: tf.Tensor): Distribution {
    const { mean, scale } = this.encode(x);
    return diagonalGaussian(mean, scale);
  }

  /** log p(x|z) for z: [k, n, L] → [k, n]; runs inside the caller's tidy. */
  private logLik(x: tf.Tensor, z: tf.Tensor): tf.Tensor {
    const p = likelihoodDist(this.likelihood, this.decoderOutput(z), x.rank - 1);
    return p.logProb(tf.broadcastTo(x, [z.shape[0]!, ...x.shape]));
  }

  /**
   * Evidence lower bound per example, [n]: (1/S) Σₛ log p(x|zₛ) − KL (β = 1), zₛ ~ q(z|x).
   * The KL term follows `klMethod` (Monte Carlo: log q(zₛ|x) − log p(zₛ) at the same draws).
   */
  elbo(x: tf.Tensor, options: { samples?: number; rng?: Rng } = {}): tf.Tensor {
    const fn = 'Vae.elbo';
    assertData(fn, 'x', x);
    assertKnownOptions(fn, options, ['samples', 'rng']);
    const samples = options.samples ?? 1;
    assertCount(fn, 'samples', samples);
    const rng = resolveRng(fn, { rng: options.rng });
    return tf.tidy(() => {
      const q = this.posterior(x);
      const z = q.sample(samples, rng);
      const prior = standardPrior(x.shape[0]!, this.latentSize);
      const klq =
        this.klMethod === 'analytic'
          ? kl(q, prior)
          : tf.mean(tf.sub(q.logProb(z), prior.logProb(z)), 0);
      return tf.sub(tf.mean(this.logLik(x, z), 0), klq);
    });
  }

  /**
   * Importance-weighted bound (Burda et al. 2016) per example, [n]:
   * IWAE_k(x) = log (1/k) Σᵢ p(x, zᵢ) / q(zᵢ|x), zᵢ ~ q(z|x); ELBO ≤ IWAE_k ≤ IWAE_{k+1} ≤ log p(x)
   * in expectation. Draws in chunks of at most `chunk` (default 500) to bound memory.
   */
  iwae(x: tf.Tensor, k: number, options: { rng?: Rng; chunk?: number } = {}): tf.Tensor {
    const fn = 'Vae.iwae';
    assertData(fn, 'x', x);
    assertCount(fn, 'k', k);
    assertKnownOptions(fn, options, ['rng', 'chunk']);
    const chunk = options.chunk ?? 500;
    assertCount(fn, 'chunk', chunk);
    const rng = resolveRng(fn, { rng: options.rng });
    return tf.tidy(() => {
      const q = this.posterior(x);
      const prior = standardPrior(x.shape[0]!, this.latentSize);
      const parts: tf.Tensor[] = [];
      for (let done = 0; done < k; done += chunk) {
        const m = Math.min(chunk, k - done);
        parts.push(
          tf.tidy(() => {
            const z = q.sample(m, rng);
            return tf.add(this.logLik(x, z), tf.sub(prior.logProb(z), q.logProb(z)));
          }),
        );
      }
      return logMeanExp(tf.concat(parts, 0), 0);
    });
  }

  /** Importance-sampled estimate of −log p(x) per example: −IWAE_samples(x) (default 5000). */
  nll(x: tf.Tensor, options: { samples?: number; rng?: Rng; chunk?: number } = {}): tf.Tensor {
    assertKnownOptions('Vae.nll', options, ['samples', 'rng', 'chunk']);
    const { samples = 5000, ...rest } = options;
    return tf.tidy(() => tf.neg(this.iwae(x, samples, rest)));
  }

  /**
   * Training loss: the batch mean of −E_q[log p(x|z)] + β·KL(q‖p), with the reconstruction
   * gradient from `estimator` (pathwise by default). Monte Carlo KL joins the estimator's cost.
   * The posterior draws come from `rng`.
   */
  loss(batch: tf.Tensor, rng: Rng): tf.Scalar {
    const fn = 'Vae.loss';
    assertData(fn, 'batch', batch);
    assertRng(fn, 'rng', rng);
    const n = batch.shape[0]!;
    return tf.tidy(() => {
      const q = this.posterior(batch);
      const mc = this.klMethod === 'monte-carlo';
      const prior = standardPrior(n, this.latentSize);
      const cost = (z: tf.Tensor) => {
        const c = tf.neg(this.logLik(batch, z));
        return mc ? tf.add(c, tf.mul(this.beta, tf.sub(q.logProb(z), prior.logProb(z)))) : c;
      };
      const s = this.estimator.surrogate(q, cost, { samples: this.samples, rng });
      const klPart = mc ? tf.scalar(0) : tf.mul(this.beta, tf.mean(kl(q, prior)));
      return tf.add(tf.div(s.loss, n), klPart) as tf.Scalar;
    });
  }

  /** n draws from the model, shown as the mean of p(x|z) with z ~ N(0, I): [n, ...dataShape]. */
  sample(n: number, rng: Rng): tf.Tensor {
    assertCount('Vae.sample', 'n', n);
    assertRng('Vae.sample', 'rng', rng);
    return tf.tidy(() => this.decode(rng.normal([n, this.latentSize])));
  }

  /**
   * Copies of both networks' weights: the encoder's under `encoder/`, the decoder's under
   * `decoder/` (a name that already starts with that prefix, like the `encoder/dense0/kernel` of
   * `Vae.mlp`, is kept as it is).
   */
  getWeights(): NamedTensors {
    return this.weights.get();
  }

  /** Assigns both networks from `getWeights()`-style names; nothing changes unless all match. */
  setWeights(weights: NamedTensors): void {
    this.weights.set('Vae.setWeights', weights);
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
  }
}
