import { Rng } from '@gen/core';
import { Conv2d, type Conv2dOptions, Dense, type DenseOptions } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/** Power-iteration steps run when a spectrally normalised layer is built (as PyTorch's 15). */
export const INITIAL_POWER_ITERATIONS = 15;

const EPS = 1e-12;

/**
 * A network whose weights are spectrally normalised: `powerIteration()` advances the estimate of
 * every weight's largest singular value by one step. `Gan` calls it after every discriminator
 * update when its discriminator has it.
 */
export interface PowerIterated {
  powerIteration(): void;
}

/** Whether `network` has a `powerIteration()` method (see {@link PowerIterated}). */
export function isPowerIterated(network: unknown): network is PowerIterated {
  return (
    network !== null &&
    typeof network === 'object' &&
    typeof (network as Partial<PowerIterated>).powerIteration === 'function'
  );
}

const unit = (x: tf.Tensor) => tf.div(x, tf.add(tf.norm(x), EPS));

/** One power-iteration step on the matrix k: v ← k̂ᵀu/‖·‖, u ← k v/‖·‖ (u: [rows], v: [cols]). */
function step(k: tf.Tensor2D, u: tf.Tensor): { u: tf.Tensor; v: tf.Tensor } {
  const v = unit(tf.reshape(tf.matMul(tf.reshape(u, [1, -1]), k), [-1]));
  const next = unit(tf.reshape(tf.matMul(k, tf.reshape(v, [-1, 1])), [-1]));
  return { u: next, v };
}

/** The kernel viewed as a matrix [everything but the output axis, outputs]. */
const asMatrix = (kernel: tf.Tensor) =>
  tf.reshape(kernel, [-1, kernel.shape[kernel.rank - 1]!]) as tf.Tensor2D;

/**
 * The state of one spectrally normalised kernel: its singular-vector estimates u and v, kept as
 * buffers of the layer (saved and restored with its weights, so a resumed run continues exactly).
 */
class SpectralState {
  constructor(
    private readonly kernel: tf.Variable,
    readonly u: tf.Variable,
    readonly v: tf.Variable,
  ) {}

  /** u₀ random (unit length), then `INITIAL_POWER_ITERATIONS` steps. */
  static initial(kernel: tf.Variable, rng: Rng): { u: tf.Tensor; v: tf.Tensor } {
    return tf.tidy(() => {
      const k = asMatrix(kernel);
      let state = { u: unit(rng.normal([k.shape[0]])), v: tf.zeros([k.shape[1]]) };
      for (let i = 0; i < INITIAL_POWER_ITERATIONS; i++) state = step(k, state.u);
      return state;
    });
  }

  iterate(): void {
    tf.tidy(() => {
      const next = step(asMatrix(this.kernel), this.u);
      this.u.assign(next.u);
      this.v.assign(next.v);
    });
  }

  /** W / σ̂ with σ̂ = uᵀ W v; u and v are constants for the gradient (Miyato et al. 2018). */
  normalized(): tf.Tensor {
    const k = asMatrix(this.kernel);
    const sigma = tf.sum(
      tf.mul(tf.reshape(this.u, [-1, 1]), tf.matMul(k, tf.reshape(this.v, [-1, 1]))),
    );
    return tf.div(this.kernel, sigma);
  }
}

/** A generator for the initial u: the layer's own `rng` (after its weights) or one from `seed`. */
function vectorRng(options: { rng?: Rng; seed?: number }): Rng {
  return options.rng ?? (Rng.fromSeed(options.seed ?? 0).split(2)[1] as Rng);
}

/**
 * A {@link Dense} layer with spectral normalisation (Miyato et al. 2018): it applies W/σ̂(W),
 * where σ̂ = uᵀWv estimates W's largest singular value by power iteration, so the layer is about
 * 1-Lipschitz. u ∈ ℝ^inputSize and v ∈ ℝ^outputSize are buffers (`<name>/u`, `<name>/v`, saved
 * with the weights); they get 15 steps when the layer is built and one more per
 * `powerIteration()`, which `Gan` calls after every discriminator update. The gradient treats u
 * and v as constants and flows through σ̂.
 */
export class SpectralDense extends Dense implements PowerIterated {
  static override readonly displayName: string = 'SpectralDense';
  private readonly spectral: SpectralState;

  constructor(options: DenseOptions) {
    super(options);
    const { u, v } = SpectralState.initial(this.kernel, vectorRng(options));
    this.spectral = new SpectralState(this.kernel, this.addBuffer('u', u), this.addBuffer('v', v));
    tf.dispose([u, v]);
  }

  /** One power-iteration step: v ← Wᵀu/‖Wᵀu‖, u ← Wv/‖Wv‖. */
  powerIteration(): void {
    this.assertLive('SpectralDense.powerIteration');
    this.spectral.iterate();
  }

  protected override effectiveKernel(): tf.Tensor {
    return this.spectral.normalized();
  }
}

/**
 * A {@link Conv2d} layer with spectral normalisation as in {@link SpectralDense}, the kernel
 * [kh, kw, in, out] viewed as the matrix [kh·kw·in, out] (as Miyato et al. and PyTorch do).
 */
export class SpectralConv2d extends Conv2d implements PowerIterated {
  private readonly spectral: SpectralState;

  constructor(options: Conv2dOptions) {
    super(options);
    const { u, v } = SpectralState.initial(this.kernel, vectorRng(options));
    this.spectral = new SpectralState(this.kernel, this.addBuffer('u', u), this.addBuffer('v', v));
    tf.dispose([u, v]);
  }

  /** One power-iteration step (see {@link SpectralDense.powerIteration}). */
  powerIteration(): void {
    this.assertLive('SpectralConv2d.powerIteration');
    this.spectral.iterate();
  }

  protected override effectiveKernel(): tf.Tensor {
    return this.spectral.normalized();
  }
}
