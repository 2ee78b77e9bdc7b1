import {
  type Distribution,
  InvalidArgumentError,
  invalidArgument,
  type NamedTensors,
  type Network,
  NotImplementedError,
  Rng,
  ShapeMismatchError,
  stopGradient,
} from '@gen/core';
import { MaskedAutoregressive } from '@gen/flows';
import * as tf from '@tensorflow/tfjs-core';
import { assertOptionKeys } from './validate.js';

/** Most IAF steps a posterior may stack. */
const MAX_IAF_LAYERS = 64;

/** Largest context width (the encoder's extra output h). */
const MAX_CONTEXT_SIZE = 2 ** 16;

/**
 * Options of an inverse autoregressive flow posterior (see {@link Posterior}).
 */
export interface IafPosteriorOptions {
  /** T, the number of IAF steps (1 to 64). */
  layers: number;
  /** Hidden widths of each step's MADE, e.g. [64, 64] (each ≥ the latent size − 1 to use every coordinate). */
  hiddenSizes: readonly number[];
  /**
   * Width H of the context h the encoder outputs beside μ and log σ, read by every step
   * (default: the latent size).
   */
  contextSize?: number;
  /**
   * Seed of the steps' initial weights (default: the factory's `seed` in `Vae.mlp` and
   * `Vae.conv`, 0 in `new Vae`).
   */
  seed?: number;
}

/**
 * The approximate posterior q(z | x) of a VAE: `'gaussian'` (default), N(μ(x), diag σ(x)²), or
 * `{ iaf: { layers, hiddenSizes, contextSize?, seed? } }`, the inverse autoregressive flow of
 * Kingma et al. (2016): the encoder also outputs a context h(x), z₀ = μ + σ ⊙ ε and
 * z = f_T ∘ … ∘ f_1(z₀), each f_t an affine autoregressive map conditioned on h (a conditional
 * `MaskedAutoregressive` of @gen/flows with `direction: 'iaf'`, orderings alternating
 * natural/reverse), so that log q(z | x) = log N(z₀; μ, σ) − Σₜ log |det ∂zₜ/∂zₜ₋₁|.
 */
export type Posterior = 'gaussian' | { iaf: IafPosteriorOptions };

/** A validated IAF posterior, every default resolved. */
export interface IafSpec {
  layers: number;
  hiddenSizes: readonly number[];
  contextSize: number;
  seed: number;
}

/** Validates `posterior` given to `fn`; returns `'gaussian'` or the resolved IAF options. */
export function parsePosterior(
  fn: string,
  posterior: unknown,
  latentSize: number,
  defaultSeed = 0,
): 'gaussian' | IafSpec {
  if (posterior === 'gaussian') return posterior;
  const expected = "must be 'gaussian' or { iaf: { layers, hiddenSizes, contextSize?, seed? } }";
  if (
    typeof posterior !== 'object' ||
    posterior === null ||
    Array.isArray(posterior) ||
    Object.keys(posterior).length !== 1 ||
    !Object.hasOwn(posterior, 'iaf')
  ) {
    throw invalidArgument(fn, 'posterior', posterior, expected);
  }
  const iaf = (posterior as { iaf: unknown }).iaf;
  if (typeof iaf !== 'object' || iaf === null || Array.isArray(iaf)) {
    throw invalidArgument(fn, 'posterior.iaf', iaf, 'must be { layers, hiddenSizes, … }');
  }
  assertOptionKeys(fn, iaf, ['layers', 'hiddenSizes', 'contextSize', 'seed']);
  const o = iaf as Partial<Record<keyof IafPosteriorOptions, unknown>>;
  const count = (arg: string, v: unknown, max: number): number => {
    if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > max) {
      throw invalidArgument(fn, `posterior.iaf.${arg}`, v, `must be an integer in [1, ${max}]`);
    }
    return v as number;
  };
  const layers = count('layers', o.layers, MAX_IAF_LAYERS);
  const hidden = o.hiddenSizes;
  if (
    !Array.isArray(hidden) ||
    hidden.length === 0 ||
    !hidden.every((d) => Number.isSafeInteger(d) && d >= 1)
  ) {
    throw invalidArgument(
      fn,
      'posterior.iaf.hiddenSizes',
      hidden,
      'must be a non-empty array of integers >= 1',
    );
  }
  const contextSize =
    o.contextSize === undefined
      ? latentSize
      : count('contextSize', o.contextSize, MAX_CONTEXT_SIZE);
  let seed = defaultSeed;
  if (o.seed !== undefined) {
    if (!Number.isSafeInteger(o.seed) || (o.seed as number) < 0) {
      throw invalidArgument(fn, 'posterior.iaf.seed', o.seed, 'must be an integer >= 0');
    }
    seed = o.seed as number;
  }
  return { layers, hiddenSizes: Object.freeze([...hidden]), contextSize, seed };
}

/**
 * Throws unless `klMethod` is `'monte-carlo'`: `what` (a VampPrior, an IAF posterior) leaves the
 * KL term without a closed form.
 */
export function assertMonteCarloKl(fn: string, klMethod: unknown, what: string): void {
  if (klMethod !== 'monte-carlo') {
    throw invalidArgument(
      fn,
      'klMethod',
      klMethod,
      `must be 'monte-carlo' (or left out) with ${what}: its KL has no closed form`,
    );
  }
}

/**
 * The T steps of an IAF posterior as one `Network`: step t is a conditional
 * `MaskedAutoregressive` of @gen/flows named `iaf<t>` (`direction: 'iaf'`, ordering natural for
 * even t and reverse for odd t, context width H), so its weights are named `iaf<t>/made/…`.
 * `apply([z₀, h])` on `[m, L + H]` returns z = f_T ∘ … ∘ f_1(z₀; h). New steps are the identity
 * (the MADEs' last layers start at zero).
 */
export class IafSteps implements Network {
  readonly steps: readonly MaskedAutoregressive[];
  readonly latentSize: number;
  readonly contextSize: number;

  constructor(latentSize: number, spec: IafSpec) {
    const rngs = Rng.fromSeed(spec.seed).split(spec.layers);
    const steps: MaskedAutoregressive[] = [];
    try {
      for (let t = 0; t < spec.layers; t++) {
        steps.push(
          new MaskedAutoregressive({
            dim: latentSize,
            hiddenSizes: spec.hiddenSizes,
            conditionSize: spec.contextSize,
            direction: 'iaf',
            ordering: t % 2 === 0 ? 'natural' : 'reverse',
            rng: rngs[t]!,
            name: `iaf${t}`,
          }),
        );
      }
    } catch (error) {
      for (const s of steps) s.dispose();
      throw error;
    }
    this.steps = steps;
    this.latentSize = latentSize;
    this.contextSize = spec.contextSize;
  }

  get trainableVariables(): tf.Variable[] {
    return this.steps.flatMap((s) => s.trainableVariables);
  }

  /**
   * z = f_T ∘ … ∘ f_1(z₀; h) and Σₜ log |det ∂zₜ/∂zₜ₋₁| for z₀: [..., L] and h: [..., H] (the
   * same leading axes).
   */
  forwardAndLogDet(z0: tf.Tensor, context: tf.Tensor): { z: tf.Tensor; logDet: tf.Tensor } {
    return tf.tidy(() => {
      let z = z0;
      let logDet: tf.Tensor = tf.zeros(z0.shape.slice(0, -1));
      for (const step of this.steps) {
        const out = step.forwardAndLogDet(z, context);
        z = out.y;
        logDet = tf.add(logDet, out.logDet);
      }
      return { z, logDet };
    });
  }

  /**
   * z₀ = f_1⁻¹ ∘ … ∘ f_T⁻¹(z; h) and Σₜ log |det ∂zₜ₋₁/∂zₜ| (each inverse takes L passes of its
   * MADE).
   */
  inverseAndLogDet(z: tf.Tensor, context: tf.Tensor): { z0: tf.Tensor; logDet: tf.Tensor } {
    return tf.tidy(() => {
      let v = z;
      let logDet: tf.Tensor = tf.zeros(z.shape.slice(0, -1));
      for (let t = this.steps.length - 1; t >= 0; t--) {
        const out = this.steps[t]!.inverseAndLogDet(v, context);
        v = out.x;
        logDet = tf.add(logDet, out.logDet);
      }
      return { z0: v, logDet };
    });
  }

  /** z for rows [z₀, h]: `[m, L + H]` → `[m, L]`. */
  apply(input: tf.Tensor): tf.Tensor {
    const width = this.latentSize + this.contextSize;
    if (input.rank < 1 || input.shape[input.rank - 1] !== width) {
      throw new ShapeMismatchError(
        `IafSteps.apply: argument 'input' must have shape [..., ${width}] ([z₀, h]), got [${input.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const [z0, h] = tf.split(input, [this.latentSize, this.contextSize], -1) as [
        tf.Tensor,
        tf.Tensor,
      ];
      return this.forwardAndLogDet(z0, h).z;
    });
  }

  /** Copies of every step's weights, `iaf<t>/made/…`; the caller owns them. */
  getWeights(): NamedTensors {
    return Object.assign({}, ...this.steps.map((s) => s.getWeights()));
  }

  /** Assigns every step from `getWeights()`-style names (each step checks its own). */
  setWeights(weights: NamedTensors): void {
    for (const step of this.steps) {
      const prefix = `${step.name}/`;
      const own: NamedTensors = {};
      for (const [name, t] of Object.entries(weights)) {
        if (name.startsWith(prefix)) own[name] = t;
      }
      step.setWeights(own);
    }
  }

  dispose(): void {
    for (const step of this.steps) step.dispose();
  }
}

/**
 * q(z | x) of an IAF posterior for a batch of n: base N(μ, diag σ²) (batch [n], event [L]),
 * context h: [n, H] and the steps. `rsample` and `sampleAndLogProb` score their own draws in the
 * forward pass; `logProb` of a draw `rsample` just returned reuses that value (its gradient is
 * the pathwise one the reparameterised objective needs), any other z runs the inverse. Lives
 * inside the caller's tidy.
 */
export class IafPosterior implements Distribution {
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly hasRsample = true;
  private last: { z: tf.Tensor; logProb: tf.Tensor } | null = null;

  constructor(
    private readonly base: Distribution,
    private readonly context: tf.Tensor,
    private readonly steps: IafSteps,
  ) {
    this.batchShape = base.batchShape;
    this.eventShape = base.eventShape;
  }

  get params(): Readonly<Record<string, tf.Tensor>> {
    return { ...this.base.params, context: this.context };
  }

  /** h broadcast to the leading axes of `v`: [..., n, L] → [..., n, H]. */
  private contextFor(v: tf.Tensor): tf.Tensor {
    return tf.broadcastTo(this.context, [...v.shape.slice(0, -1), this.steps.contextSize]);
  }

  /** k reparameterised draws z: [k, n, L] with log q(z | x): [k, n] from the same pass. */
  sampleAndLogProb(k: number, rng: Rng): { z: tf.Tensor; logProb: tf.Tensor } {
    const z0 = this.base.rsample(k, rng);
    const { z, logDet } = this.steps.forwardAndLogDet(z0, this.contextFor(z0));
    return { z, logProb: tf.sub(this.base.logProb(z0), logDet) };
  }

  rsample(n: number, rng: Rng): tf.Tensor {
    const draw = this.sampleAndLogProb(n, rng);
    this.last = draw;
    return draw.z;
  }

  sample(n: number, rng: Rng): tf.Tensor {
    return stopGradient(this.sampleAndLogProb(n, rng).z);
  }

  /** log q(z | x) for z: [..., n, L] → [..., n]. */
  logProb(z: tf.Tensor): tf.Tensor {
    const last = this.last;
    if (last !== null && z === last.z && !last.logProb.isDisposed) return tf.clone(last.logProb);
    if (z.rank < 2 || z.shape[z.rank - 1] !== this.eventShape[0]) {
      throw new InvalidArgumentError(
        `IafPosterior.logProb: z must be [..., ${this.batchShape[0]}, ${this.eventShape[0]}], got [${z.shape.join(', ')}]`,
      );
    }
    const { z0, logDet } = this.steps.inverseAndLogDet(z, this.contextFor(z));
    return tf.add(this.base.logProb(z0), logDet);
  }

  entropy(): tf.Tensor {
    throw new NotImplementedError(
      'IafPosterior.entropy: no closed form; estimate −E[log q(z|x)] from sampleAndLogProb',
    );
  }

  mean(): tf.Tensor {
    throw new NotImplementedError('IafPosterior.mean: no closed form; average samples instead');
  }

  variance(): tf.Tensor {
    throw new NotImplementedError(
      'IafPosterior.variance: no closed form; use the spread of samples instead',
    );
  }
}
