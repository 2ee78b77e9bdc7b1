import {
  assertFiniteTensor,
  assertInteger,
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
  ShapeMismatchError,
} from '@gen/core';
import { kl } from '@gen/distributions';
import { pathwise } from '@gen/estimators';
import { type ModelConfig, modelConfig, NetworkParts } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import {
  type Likelihood,
  likelihoodDist,
  likelihoodMean,
  outputFactor,
  parseLikelihood,
} from './likelihood.js';
import { applyFlat, diagonalGaussian, posteriorParams, standardPrior } from './posterior.js';
import { VAE_KEYS, type VaeOptions } from './vae-options.js';
import {
  applyNetwork,
  assertBinaryTensor,
  assertData,
  assertDataShape,
  assertDraws,
  assertOptionKeys,
  MAX_DRAWS,
} from './validate.js';

/** Largest latent size (the prior alone holds batch × latentSize values). */
const MAX_LATENT_SIZE = 2 ** 20;

/**
 * The VAE model (see {@link Vae}): variational autoencoder (Kingma & Welling 2014) with q(z|x) = N(μ(x), diag σ(x)²),
 * p(z) = N(0, I) and a decoder likelihood p(x|z). Per example,
 * ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)) ≤ log p(x); training minimises the batch mean
 * of −E_q[log p(x|z)] + β·KL. The encoder and decoder are any two `Network`s. Every random
 * number comes from an `rng` argument: `loss(batch, rng)` requires one, and `elbo`, `iwae` and
 * `nll` draw from a fresh `Rng.fromSeed(0)` when given none (so repeated calls agree).
 *
 * Inputs are checked at the public method the user called, which every error names: the shape
 * (against `dataShape` when known; a shape the networks cannot take is a ShapeMismatchError), and
 * the values: data given to `loss`, `elbo`, `iwae` and `nll` must be finite, and with a
 * Bernoulli likelihood exactly 0 or 1, the support of `Bernoulli.logProb` in
 * @gen/distributions (the same rule as `Made` of @gen/autoregressive); binarise grey levels
 * first, e.g. with @gen/data's `bernoulliBinarize`. The value checks read one boolean back and
 * are skipped inside @gen/core's `withoutFiniteChecks` (as the trainer runs `loss` on data it
 * checked once) or after `setFiniteChecks(false)`.
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
  /** Shape of one example (without the batch axis), when known; inputs are checked against it. */
  readonly dataShape: readonly number[] | undefined;
  private readonly weights: NetworkParts;
  /** What {@link toConfig} reports; the factories of `Vae` replace it with theirs. */
  protected config: ModelConfig;

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
    assertInteger(fn, 'latentSize', latentSize, 1, MAX_LATENT_SIZE);
    assertInteger(fn, 'samples', samples, 1, MAX_DRAWS);
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
    this.dataShape =
      options.dataShape === undefined
        ? undefined
        : assertDataShape(fn, 'dataShape', options.dataShape);
    this.weights = new NetworkParts(fn, { encoder, decoder }, { keepPrefixed: true });
    // Networks given by the caller have no config: the model saves but does not rebuild.
    const model = new.target === VaeModel ? 'VaeModel' : 'Vae';
    this.config = modelConfig('@gen/vae', model, 'new', options);
  }

  /**
   * How `loadModel` from @gen/nn rebuilds this model: the factory (`Vae.mlp`, `Vae.conv`) and its
   * options; `factory` is `null` for a model built from your own networks (or with an
   * `estimator` object): load those with `{ into }`.
   */
  toConfig(): ModelConfig {
    return structuredClone(this.config);
  }

  get trainableVariables(): tf.Variable[] {
    return [...this.encoder.trainableVariables, ...this.decoder.trainableVariables];
  }

  /** Posterior mean μ(x) and scale σ(x), each [n, latentSize]; the caller owns them. */
  encode(x: tf.Tensor): { mean: tf.Tensor; scale: tf.Tensor } {
    const fn = 'Vae.encode';
    assertData(fn, 'x', x, this.dataShape);
    assertFiniteTensor(fn, 'x', x);
    return this.encodeUnchecked(fn, x);
  }

  /** {@link encode} of an input the public method `fn` has checked; errors name `fn`. */
  protected encodeUnchecked(fn: string, x: tf.Tensor): { mean: tf.Tensor; scale: tf.Tensor } {
    return tf.tidy(() => {
      const out = applyNetwork(fn, 'encoder', (input) => this.encoder.apply(input), x);
      if (out.rank !== 2 || out.shape[1] !== 2 * this.latentSize) {
        throw new InvalidArgumentError(
          `${fn}: the encoder must output [n, ${2 * this.latentSize}], got [${out.shape.join(', ')}]`,
        );
      }
      return posteriorParams(out);
    });
  }

  /** Raw decoder output (logits or means) for z: [..., latentSize]. */
  decoderOutput(z: tf.Tensor): tf.Tensor {
    this.assertLatent('Vae.decoderOutput', z);
    return this.decoderOutputUnchecked('Vae.decoderOutput', z);
  }

  private decoderOutputUnchecked(fn: string, z: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      applyFlat((flat) => applyNetwork(fn, 'decoder', (h) => this.decoder.apply(h), flat), z),
    );
  }

  private assertLatent(fn: string, z: unknown): asserts z is tf.Tensor {
    if (!(z instanceof tf.Tensor) || z.isDisposed || z.rank < 1) {
      throw invalidArgument(fn, 'z', z, `must be a live tf.Tensor [m, ${this.latentSize}]`);
    }
    if (z.shape[z.rank - 1] !== this.latentSize || z.size === 0) {
      throw invalidArgument(fn, 'z', z, `must be a non-empty tf.Tensor [m, ${this.latentSize}]`);
    }
    assertFiniteTensor(fn, 'z', z);
  }

  /** The mean of p(x|z) (pixel probabilities for Bernoulli) for z: [m, latentSize]. */
  decode(z: tf.Tensor): tf.Tensor {
    this.assertLatent('Vae.decode', z);
    return this.decodeUnchecked('Vae.decode', z);
  }

  /** {@link decode} of latents the public method `fn` has checked. */
  protected decodeUnchecked(fn: string, z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => likelihoodMean(this.likelihood, this.decoderOutputUnchecked(fn, z)));
  }

  /**
   * Checks data given to a bound or the loss: shape, then values (finite; 0/1 for Bernoulli).
   */
  private assertLikelihoodInput(fn: string, arg: string, x: unknown): asserts x is tf.Tensor {
    assertData(fn, arg, x, this.dataShape);
    if (this.likelihood === 'bernoulli') assertBinaryTensor(fn, arg, x);
    else assertFiniteTensor(fn, arg, x);
  }

  /** Values one posterior draw makes for the batch `x`: latents and decoder outputs. */
  private drawSize(x: tf.Tensor): number {
    return x.shape[0]! * this.latentSize + x.size * outputFactor(this.likelihood);
  }

  /** q(z|x) = N(μ(x), diag σ(x)²) with batch [n]; runs inside the caller's tidy. */
  private posterior(fn: string, x: tf.Tensor): Distribution {
    const { mean, scale } = this.encodeUnchecked(fn, x);
    return diagonalGaussian(mean, scale);
  }

  /** log p(x|z) for z: [k, n, L] → [k, n]; runs inside the caller's tidy. */
  private logLik(fn: string, x: tf.Tensor, z: tf.Tensor): tf.Tensor {
    const out = this.decoderOutputUnchecked(fn, z);
    const want = [...x.shape.slice(1)];
    want[want.length - 1]! *= outputFactor(this.likelihood);
    if (!tf.util.arraysEqual(out.shape.slice(2), want)) {
      throw new ShapeMismatchError(
        `${fn}: the decoder maps latents to [${out.shape.slice(2).join(', ')}] per example but the data has shape [${x.shape.slice(1).join(', ')}]`,
      );
    }
    const p = likelihoodDist(this.likelihood, out, x.rank - 1);
    return p.logProb(tf.broadcastTo(x, [z.shape[0]!, ...x.shape]));
  }

  /**
   * Evidence lower bound per example, [n]: (1/S) Σₛ log p(x|zₛ) − KL (β = 1), zₛ ~ q(z|x).
   * The KL term follows `klMethod` (Monte Carlo: log q(zₛ|x) − log p(zₛ) at the same draws).
   */
  elbo(x: tf.Tensor, options: { samples?: number; rng?: Rng } = {}): tf.Tensor {
    const fn = 'Vae.elbo';
    this.assertLikelihoodInput(fn, 'x', x);
    assertOptionKeys(fn, options, ['samples', 'rng']);
    const samples = options.samples ?? 1;
    assertDraws(fn, 'samples', samples, this.drawSize(x));
    const rng = resolveRng(fn, { rng: options.rng });
    return tf.tidy(() => {
      const q = this.posterior(fn, x);
      const z = q.sample(samples, rng);
      const prior = standardPrior(x.shape[0]!, this.latentSize);
      const klq =
        this.klMethod === 'analytic'
          ? kl(q, prior)
          : tf.mean(tf.sub(q.logProb(z), prior.logProb(z)), 0);
      return tf.sub(tf.mean(this.logLik(fn, x, z), 0), klq);
    });
  }

  /**
   * Importance-weighted bound (Burda et al. 2016) per example, [n]:
   * IWAE_k(x) = log (1/k) Σᵢ p(x, zᵢ) / q(zᵢ|x), zᵢ ~ q(z|x); ELBO ≤ IWAE_k ≤ IWAE_{k+1} ≤ log p(x)
   * in expectation. Draws in chunks of at most `chunk` (default 500) to bound memory.
   */
  iwae(x: tf.Tensor, k: number, options: { rng?: Rng; chunk?: number } = {}): tf.Tensor {
    assertOptionKeys('Vae.iwae', options, ['rng', 'chunk']);
    return this.iwaeAs('Vae.iwae', 'k', x, k, options);
  }

  private iwaeAs(
    fn: string,
    kArg: string,
    x: tf.Tensor,
    k: number,
    options: { rng?: Rng; chunk?: number },
  ): tf.Tensor {
    this.assertLikelihoodInput(fn, 'x', x);
    assertDraws(fn, kArg, k, 1);
    const chunk = options.chunk ?? 500;
    assertDraws(fn, 'chunk', chunk, this.drawSize(x));
    const rng = resolveRng(fn, { rng: options.rng });
    return tf.tidy(() => {
      const q = this.posterior(fn, x);
      const prior = standardPrior(x.shape[0]!, this.latentSize);
      const parts: tf.Tensor[] = [];
      for (let done = 0; done < k; done += chunk) {
        const m = Math.min(chunk, k - done);
        parts.push(
          tf.tidy(() => {
            const z = q.sample(m, rng);
            return tf.add(this.logLik(fn, x, z), tf.sub(prior.logProb(z), q.logProb(z)));
          }),
        );
      }
      return logMeanExp(tf.concat(parts, 0), 0);
    });
  }

  /** Importance-sampled estimate of −log p(x) per example: −IWAE_samples(x) (default 5000). */
  nll(x: tf.Tensor, options: { samples?: number; rng?: Rng; chunk?: number } = {}): tf.Tensor {
    const fn = 'Vae.nll';
    assertOptionKeys(fn, options, ['samples', 'rng', 'chunk']);
    const { samples = 5000, ...rest } = options;
    return tf.tidy(() => tf.neg(this.iwaeAs(fn, 'samples', x, samples, rest)));
  }

  /**
   * Training loss: the batch mean of −E_q[log p(x|z)] + β·KL(q‖p), with the reconstruction
   * gradient from `estimator` (pathwise by default). Monte Carlo KL joins the estimator's cost.
   * The posterior draws come from `rng`.
   */
  loss(batch: tf.Tensor, rng: Rng): tf.Scalar {
    const fn = 'Vae.loss';
    this.assertLikelihoodInput(fn, 'batch', batch);
    assertRng(fn, 'rng', rng);
    const n = batch.shape[0]!;
    return tf.tidy(() => {
      const q = this.posterior(fn, batch);
      const mc = this.klMethod === 'monte-carlo';
      const prior = standardPrior(n, this.latentSize);
      const cost = (z: tf.Tensor) => {
        const c = tf.neg(this.logLik(fn, batch, z));
        return mc ? tf.add(c, tf.mul(this.beta, tf.sub(q.logProb(z), prior.logProb(z)))) : c;
      };
      const s = this.estimator.surrogate(q, cost, { samples: this.samples, rng });
      const klPart = mc ? tf.scalar(0) : tf.mul(this.beta, tf.mean(kl(q, prior)));
      return tf.add(tf.div(s.loss, n), klPart) as tf.Scalar;
    });
  }

  /** n draws from the model, shown as the mean of p(x|z) with z ~ N(0, I): [n, ...dataShape]. */
  sample(n: number, rng: Rng): tf.Tensor {
    const dataSize = (this.dataShape ?? []).reduce((a, b) => a * b, 1);
    assertDraws('Vae.sample', 'n', n, this.latentSize + dataSize);
    assertRng('Vae.sample', 'rng', rng);
    return tf.tidy(() => this.decodeUnchecked('Vae.sample', rng.normal([n, this.latentSize])));
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
