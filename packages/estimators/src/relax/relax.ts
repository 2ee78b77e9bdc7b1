import {
  assertFiniteNumber,
  assertKnownOptions,
  assertPositive,
  type CostFunction,
  type Distribution,
  type GradientEstimator,
  InvalidArgumentError,
  invalidArgument,
  isNetwork,
  type Network,
  NotImplementedError,
  ShapeMismatchError,
  type Surrogate,
  type SurrogateOptions,
  stopGradient,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { batchTotalOfMeans, checkSurrogateArgs, evaluateCost } from '../cost.js';
import { detach } from '../detach.js';
import { ONE_MINUS_EPS, TINY } from '../relaxed/relaxation-options.js';
import {
  conditionalGumbel,
  conditionalNoise,
  gumbelNoise,
  logisticNoise,
} from './conditional-noise.js';
import { type DiscreteLogits, discreteLogits } from './discrete-logits.js';

export interface RelaxOptions {
  /**
   * A learned control variate r(z): it maps the pre-activations z, reshaped to
   * `[samples·batch, eventSize]`, to `[samples·batch]` or `[samples·batch, 1]`. Any `Network`.
   */
  network?: Network;
  /** Include the REBAR term η·f(σ(z/λ)), the cost at the concrete relaxation (default true). */
  relaxation?: boolean;
  /** Initial scale η of the relaxation term (default 1); learned. */
  eta?: number;
  /** Initial temperature λ > 0 of the relaxation (default 0.5). */
  temperature?: number;
  /** Learn λ (as log λ) with η (default true). */
  learnTemperature?: boolean;
}

const KNOWN = ['network', 'relaxation', 'eta', 'temperature', 'learnTemperature'];

/**
 * RELAX (Grathwohl et al. 2018) for Bernoulli and Categorical variables, with REBAR (Tucker et
 * al. 2017) as its special case. With u, v ∼ U(0, 1), z = ℓ + logit(u), b = 1{z > 0} and z̃ ∼ z | b by the
 * conditional reparameterisation, the gradient of E[f(b)] with respect to the logits ℓ is
 *
 *   ĝ = (f(b) − c_φ(z̃)) ∇ℓ log p(b) + ∇ℓ c_φ(z) − ∇ℓ c_φ(z̃),
 *
 * unbiased for any control variate c_φ(z) = η·f(σ(z/λ)) + r(z) (the relaxation term, the
 * network term, or both), averaged over `samples` draws per batch element. The cost must accept
 * relaxed values in (0, 1) as well as 0/1 draws when the relaxation term is on.
 *
 * Training the control variate: the gradient of `loss` with respect to φ (η, log λ and the
 * network's variables, listed in `controlVariables`) is ∂/∂φ Σ ĝ² — the single-sample gradient of
 * the estimate's variance, as in the papers (E[ĝ] does not depend on φ, so ∂Var/∂φ = E[∂ĝ²/∂φ]).
 * One `optimizer.minimize` over all variables therefore trains the model on ĝ and the control
 * variate on its variance; pass var lists to use separate optimisers.
 *
 * Surrogate: loss = Σ_batch mean f(b) + Σ ⊥ĝ·(ℓ − ⊥ℓ) + Σ_φ ⊥(∂Σĝ²/∂φ)·(φ − ⊥φ); value =
 * Σ_batch mean f(b). Its gradient reaches everything upstream of the logits, and a cost that
 * depends on the parameters itself is differentiated directly as for the other estimators.
 * `dist` must be a Bernoulli or a Categorical, or an `Independent` of one (the network then sees
 * each event). For a Categorical, z = ℓ + Gumbel noise, b = argmax z, ∇ℓ log p(b) = onehot(b) −
 * softmax(ℓ) and z̃ | b is the truncated-Gumbel construction; its draws reach the cost as indices,
 * so the relaxation term (which would need one-hot inputs) is refused: use
 * `relax({ network, relaxation: false })`.
 * The estimator owns η and log λ: `dispose()` frees them (the network stays the caller's).
 *
 * ```ts
 * const estimator = relax({ network: mlp }); // or rebar()
 * optimizer.minimize(() =>
 *   estimator.surrogate(new Bernoulli({ logits }), (b) => tf.square(tf.sub(b, 0.45)),
 *     { samples: 1, rng }).loss);
 * ```
 */
export class RelaxEstimator implements GradientEstimator {
  readonly name: string;
  readonly network: Network | undefined;
  private readonly eta: tf.Variable | null;
  private readonly logTemperature: tf.Variable | null;
  private readonly fixedTemperature: number;

  constructor(options: RelaxOptions = {}, fn = 'relax') {
    assertKnownOptions(fn, options, KNOWN);
    const { network, relaxation = true, eta = 1, temperature = 0.5 } = options;
    const { learnTemperature = true } = options;
    if (network !== undefined && !isNetwork(network)) {
      throw invalidArgument(
        fn,
        'network',
        network,
        'must be a Network (apply, trainableVariables)',
      );
    }
    for (const [name, flag] of [
      ['relaxation', relaxation],
      ['learnTemperature', learnTemperature],
    ] as const) {
      if (typeof flag !== 'boolean') throw invalidArgument(fn, name, flag, 'must be a boolean');
    }
    if (!relaxation && network === undefined) {
      throw new InvalidArgumentError(
        `${fn}: argument 'relaxation' is false and no 'network' is given: there is no control variate`,
      );
    }
    assertFiniteNumber(fn, 'eta', eta);
    assertPositive(fn, 'temperature', temperature);
    this.name = fn;
    this.network = network;
    this.eta = relaxation ? tf.tidy(() => tf.variable(tf.scalar(eta), true)) : null;
    this.logTemperature =
      relaxation && learnTemperature
        ? tf.tidy(() => tf.variable(tf.scalar(Math.log(temperature)), true))
        : null;
    this.fixedTemperature = temperature;
  }

  /** The variables φ of the control variate: η, log λ (when learned) and the network's. */
  get controlVariables(): tf.Variable[] {
    const own = [this.eta, this.logTemperature].filter((v): v is tf.Variable => v !== null);
    return [...own, ...(this.network?.trainableVariables ?? [])];
  }

  surrogate(dist: Distribution, cost: CostFunction, options: SurrogateOptions): Surrogate {
    const fn = `${this.name}.surrogate`;
    checkSurrogateArgs(fn, dist, cost, options);
    const family = discreteLogits(fn, dist);
    if (family.kind === 'categorical' && this.eta !== null) {
      throw new NotImplementedError(
        `${fn}: the relaxation term needs a cost of one-hot vectors, but a Categorical's draws are indices; use ${this.name === 'rebar' ? 'relax' : this.name}({ network, relaxation: false }) for a Categorical`,
      );
    }
    const { logits, kind } = family;
    const { samples, rng } = options;
    const batchShape = dist.batchShape;
    return tf.tidy(() => {
      const shape = [samples, ...logits.shape];
      const [u, v] = [0, 1].map(() => tf.clipByValue(rng.uniform(shape), TINY, ONE_MINUS_EPS));
      const fixed = detach(logits);
      const noise = kind === 'bernoulli' ? logisticNoise : gumbelNoise;
      const z = noise(fixed, u!);
      const { draws, indicator } = discreteDraws(family, z);
      const conditional = (l: tf.Tensor) =>
        kind === 'bernoulli'
          ? conditionalNoise(l, v!, indicator)
          : conditionalGumbel(l, v!, indicator);
      const c = evaluateCost(fn, cost, draws, batchShape);
      const control = (pre: tf.Tensor) => this.controlVariate(fn, cost, pre, batchShape);
      // ∇ℓ log p(b): b − σ(ℓ) for a Bernoulli, onehot(b) − softmax(ℓ) for a Categorical.
      const dLogP = tf.sub(indicator, kind === 'bernoulli' ? tf.sigmoid(fixed) : tf.softmax(fixed));
      const trailing = Array.from({ length: dLogP.rank - c.rank }, () => 1);
      const estimate = (): tf.Tensor => {
        const weight = tf.sub(stopGradient(c), control(conditional(fixed)));
        const score = tf.mul(tf.reshape(weight, [...weight.shape, ...trailing]), dLogP);
        const [reparam] = tf.grads((l: tf.Tensor) =>
          tf.sum(tf.sub(control(noise(l, u!)), control(conditional(l)))),
        )([fixed]);
        return tf.add(tf.mean(score, 0), tf.div(reparam!, samples));
      };
      let gHat: tf.Tensor | undefined;
      const { grads } = tf.variableGrads(() => {
        gHat = tf.keep(estimate());
        return tf.sum(tf.square(gHat));
      }, this.controlVariables);
      const g = stopGradient(gHat!);
      gHat!.dispose();
      let loss: tf.Tensor = tf.add(
        batchTotalOfMeans(c),
        tf.sum(tf.mul(g, tf.sub(logits, stopGradient(logits)))),
      );
      for (const variable of this.controlVariables) {
        const dv = grads[variable.name];
        if (dv === undefined) continue;
        loss = tf.add(
          loss,
          tf.sum(tf.mul(stopGradient(dv), tf.sub(variable, stopGradient(variable)))),
        );
      }
      return { loss: loss as tf.Scalar, value: stopGradient(batchTotalOfMeans(c)) };
    });
  }

  /** c_φ(z) = η·f(σ(z/λ)) + r(z), `[samples, ...batch]`. */
  private controlVariate(
    fn: string,
    cost: CostFunction,
    z: tf.Tensor,
    batchShape: readonly number[],
  ): tf.Tensor {
    const want = [z.shape[0]!, ...batchShape];
    let total: tf.Tensor = tf.zeros(want);
    if (this.eta !== null) {
      const temperature =
        this.logTemperature === null ? this.fixedTemperature : tf.exp(this.logTemperature);
      const relaxed = tf.clipByValue(tf.sigmoid(tf.div(z, temperature)), TINY, ONE_MINUS_EPS);
      total = tf.add(total, tf.mul(this.eta, evaluateCost(fn, cost, relaxed, batchShape)));
    }
    if (this.network !== undefined) {
      const rows = want.reduce((a, d) => a * d, 1);
      const out = this.network.apply(tf.reshape(z, [rows, z.size / rows]));
      if (!(out instanceof tf.Tensor) || out.size !== rows) {
        throw new ShapeMismatchError(
          `${fn}: the control-variate network must map [${rows}, ${z.size / rows}] to [${rows}] or [${rows}, 1], got ${out instanceof tf.Tensor ? `[${out.shape.join(', ')}]` : typeof out}`,
        );
      }
      total = tf.add(total, tf.reshape(out, want));
    }
    return total;
  }

  /** Releases η and log λ (not the network, which stays the caller's). */
  dispose(): void {
    this.eta?.dispose();
    this.logTemperature?.dispose();
  }
}

/**
 * A {@link RelaxEstimator}: `relax({ network })` is RELAX with c_φ(z) = η·f(σ(z/λ)) + r(z);
 * `relax({ network, relaxation: false })` uses the network alone.
 */
export function relax(options: RelaxOptions = {}): RelaxEstimator {
  return new RelaxEstimator(options, 'relax');
}

/** REBAR: {@link relax} without a network, c(z) = η·f(σ(z/λ)) with learned η and λ. */
export function rebar(options: Omit<RelaxOptions, 'network' | 'relaxation'> = {}): RelaxEstimator {
  assertKnownOptions('rebar', options, ['eta', 'temperature', 'learnTemperature']);
  return new RelaxEstimator(options, 'rebar');
}

/** The draws the cost sees (0/1 values, or float32 indices) and their indicator (b, or onehot b). */
function discreteDraws(
  family: DiscreteLogits,
  z: tf.Tensor,
): { draws: tf.Tensor; indicator: tf.Tensor } {
  if (family.kind === 'bernoulli') {
    const b = tf.cast(tf.greater(z, 0), 'float32');
    return { draws: b, indicator: b };
  }
  const k = z.shape[z.rank - 1]!;
  const index = tf.argMax(z, -1);
  // wasm's OneHot writes int32 bits whatever dtype is asked for, so cast instead.
  return { draws: tf.cast(index, 'float32'), indicator: tf.cast(tf.oneHot(index, k), 'float32') };
}
