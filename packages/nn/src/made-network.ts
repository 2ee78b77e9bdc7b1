import {
  assertInteger,
  assertRng,
  type GenError,
  invalidArgument,
  isGenError,
  type Rng,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { type Activation, type ActivationPlan, resolveActivationPlan } from './activation.js';
import { Dense } from './dense.js';
import { asStack, fusedDense } from './fused-dense.js';
import { madeMasks } from './made-masks.js';
import { Module } from './module.js';
import { assertLastAxis, assertOptions, assertSizes, resolveRng } from './options.js';

export interface MadeNetworkOptions {
  /** D, the number of autoregressive inputs. */
  inputSize: number;
  /** Widths of the masked hidden layers; widths below D − 1 cut some dependencies. */
  hiddenSizes: readonly number[];
  /** P, outputs per input (e.g. 2 for a shift and a log-scale); default 1. */
  outputsPerInput?: number;
  /**
   * Autoregressive order: ordering[i] is the position of input i (a permutation of 0..D−1);
   * 'natural' (default) is [0, 1, …, D−1]; 'random' is drawn from the mask generator, anew for
   * every mask of the pool.
   */
  ordering?: 'natural' | 'random' | readonly number[];
  /**
   * Size of the pool of mask sets sharing one set of weights (default 1). With more, `apply(x, m)`
   * runs the network under mask set m (connectivity-agnostic training, Germain et al. §3.3).
   */
  numMasks?: number;
  /**
   * How hidden degrees are chosen (see `madeMasks`). Default: 'random' with a pool of masks or a
   * 'random' ordering, else 'spread'.
   */
  connectivity?: 'spread' | 'random';
  /** Activation of the hidden layers (default 'relu'). */
  activation?: Activation;
  /**
   * Start the last layer at zero so the network outputs exactly 0 (default false); an
   * autoregressive flow layer built on it starts as the identity.
   */
  zeroInitLast?: boolean;
  /**
   * Add a masked linear map straight from the inputs to the outputs (default false): output
   * unit j·D + i also gets Σ_k x_k·V_ki over the inputs k before i in the ordering, the
   * "direct input connections" of the MADE authors' code (a logistic autoregressive model
   * beside the hidden layers). Its weights (`<name>/direct/kernel`, no bias) start at zero.
   */
  directConnections?: boolean;
  /** Seed of the weights (default 0); give `seed` or `rng`, not both. */
  seed?: number;
  /** Generator of the weights (it advances). */
  rng?: Rng;
  /**
   * Generator of the masks (random orderings and degrees). Default: the first child split off
   * the weight generator before any weight is drawn.
   */
  maskRng?: Rng;
  /** Module name, the first segment of the weight names (default 'made'). */
  name?: string;
}

const OPTIONS = [
  'inputSize',
  'hiddenSizes',
  'outputsPerInput',
  'ordering',
  'numMasks',
  'connectivity',
  'activation',
  'zeroInitLast',
  'directConnections',
  'seed',
  'rng',
  'maskRng',
  'name',
] as const;

/** The output layer's (identity) activation. */
const LINEAR = resolveActivationPlan('MadeNetwork', 'activation', 'none');

/** The mask sets of the pool, built before any tensor exists; madeMasks' errors named `fn`. */
function buildMaskSets(fn: string, options: MadeNetworkOptions, numMasks: number, maskRng: Rng) {
  const { inputSize, hiddenSizes, ordering = 'natural', outputsPerInput = 1 } = options;
  const connectivity = options.connectivity ?? (numMasks > 1 ? 'random' : undefined);
  try {
    return Array.from({ length: numMasks }, () =>
      madeMasks({
        inputSize,
        hiddenSizes,
        ordering,
        outputMultiplier: outputsPerInput,
        rng: maskRng,
        ...(connectivity === undefined ? {} : { connectivity }),
      }),
    );
  } catch (error) {
    if (isGenError(error)) {
      const Kind = error.constructor as new (m: string, o: { cause: unknown }) => GenError;
      throw new Kind(`${fn}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * The MADE network (Germain et al. 2015, "MADE: Masked Autoencoder for Distribution
 * Estimation"), shared by @gen/autoregressive's `Made` and @gen/flows' `MaskedAutoregressive`:
 *
 *   h⁰ = x,  hˡ = act(hˡ⁻¹·(Wˡ ⊙ Mˡₘ) + bˡ),  out = h^L·(W^{L+1} ⊙ M^{L+1}ₘ) + b^{L+1},
 *
 * with x: [..., D] and out: [..., P·D], masks from {@link madeMasks}. Output unit j·D + i is
 * parameter j of input i and depends only on the inputs before i in the ordering of mask set m,
 * so reshaping to [..., P, D] separates the parameters. One set of weights serves a pool of
 * `numMasks` mask sets: `apply(x)` uses set 0, `apply(x, m)` set m. Layer l is the Dense child
 * `masked<l>` (weights `<name>/masked<l>/kernel` and `…/bias`, drawn from the l-th child of
 * `rng.split(L + 1)`), whose kernel is masked at apply time. A `Network`, so it can be given
 * to `MaskedAutoregressive` as its conditioner.
 *
 * ```ts
 * const made = new MadeNetwork({ inputSize: 3, hiddenSizes: [16, 16], outputsPerInput: 2 });
 * const out = made.apply(tf.randomNormal([8, 3])); // [8, 6]: shifts then log-scales
 * made.orderings[0];                               // [0, 1, 2]
 * ```
 */
export class MadeNetwork extends Module {
  readonly inputSize: number;
  readonly hiddenSizes: readonly number[];
  readonly outputsPerInput: number;
  readonly numMasks: number;
  /** orderings[m][i] is the position of input i under mask set m. */
  readonly orderings: readonly (readonly number[])[];
  /** The layers, input first; their kernels are masked when the network is applied. */
  readonly layers: readonly Dense[];
  /** The masked input → output map of `directConnections`, else null. */
  readonly direct: Dense | null;
  /** masks[m][l]: the 0/1 mask of layer l under mask set m, [in, out]. */
  private readonly masks: tf.Tensor2D[][];
  /** directMasks[m]: the [D, P·D] mask of the direct map under mask set m (empty without it). */
  private readonly directMasks: tf.Tensor2D[];
  private readonly plan: ActivationPlan;

  constructor(options: MadeNetworkOptions) {
    const fn = 'MadeNetwork';
    assertOptions(fn, options, OPTIONS);
    super(options.name ?? 'made');
    const { inputSize, hiddenSizes, outputsPerInput = 1, numMasks = 1 } = options;
    const { zeroInitLast = false, activation = 'relu', directConnections = false } = options;
    assertInteger(fn, 'inputSize', inputSize, 1);
    assertSizes(fn, 'hiddenSizes', hiddenSizes);
    assertInteger(fn, 'outputsPerInput', outputsPerInput, 1);
    assertInteger(fn, 'numMasks', numMasks, 1);
    if (typeof zeroInitLast !== 'boolean') {
      throw invalidArgument(fn, 'zeroInitLast', zeroInitLast, 'must be a boolean');
    }
    if (typeof directConnections !== 'boolean') {
      throw invalidArgument(fn, 'directConnections', directConnections, 'must be a boolean');
    }
    this.plan = resolveActivationPlan(fn, 'activation', activation);
    const rng = resolveRng(fn, options);
    if (options.maskRng !== undefined) assertRng(fn, 'maskRng', options.maskRng);
    const maskRng = options.maskRng ?? rng.split(1)[0]!;
    const maskSets = buildMaskSets(fn, options, numMasks, maskRng);

    const sizes = [inputSize, ...hiddenSizes, inputSize * outputsPerInput];
    const rngs = rng.split(sizes.length - 1);
    this.layers = rngs.map((layerRng, l) => {
      const last = l === rngs.length - 1;
      const layer = new Dense({
        inputSize: sizes[l]!,
        outputSize: sizes[l + 1]!,
        rng: layerRng,
        name: `masked${l}`,
        ...(last && zeroInitLast ? { kernelInitializer: 'zeros', biasInitializer: 'zeros' } : {}),
      });
      return this.addModule(`masked${l}`, layer);
    });
    this.direct = directConnections
      ? this.addModule(
          'direct',
          new Dense({
            inputSize,
            outputSize: inputSize * outputsPerInput,
            useBias: false,
            kernelInitializer: 'zeros',
            rng: rng.split(1)[0]!,
            name: 'direct',
          }),
        )
      : null;
    // keep: a network built inside a user's tf.tidy must not lose its masks when it ends.
    this.masks = maskSets.map((set) => set.masks.map((mask) => tf.keep(tf.tensor2d(mask))));
    // Output unit u sees input k when its degree is strictly greater, as from the last layer.
    this.directMasks = directConnections
      ? maskSets.map((set) =>
          tf.keep(
            tf.tensor2d(set.inputDegrees.map((k) => set.outputDegrees.map((u) => (u > k ? 1 : 0)))),
          ),
        )
      : [];
    this.orderings = maskSets.map((set) => set.inputDegrees.map((d) => d - 1));
    this.inputSize = inputSize;
    this.hiddenSizes = [...hiddenSizes];
    this.outputsPerInput = outputsPerInput;
    this.numMasks = numMasks;
  }

  /** The ordering of mask set 0: ordering[i] is the position of input i. */
  get ordering(): readonly number[] {
    return this.orderings[0]!;
  }

  /** `x: [..., D]` → `[..., P·D]` under mask set `mask` (default 0). */
  apply(x: tf.Tensor, mask = 0): tf.Tensor {
    const fn = 'MadeNetwork.apply';
    this.assertLive(fn);
    assertLastAxis(fn, 'x', x, this.inputSize);
    assertInteger(fn, 'mask', mask, 0, this.numMasks - 1);
    const masks = this.masks[mask]!;
    const last = this.layers.length - 1;
    const outputSize = this.inputSize * this.outputsPerInput;
    return tf.tidy(() =>
      asStack(x, this.inputSize, outputSize, (input) => {
        const out = this.layers.reduce((h, layer, l) => {
          const kernel = tf.mul(layer.kernel, masks[l]!);
          return fusedDense(h, kernel, layer.bias, l < last ? this.plan : LINEAR);
        }, input);
        if (this.direct === null) return out;
        const direct = tf.mul(this.direct.kernel, this.directMasks[mask]!);
        return tf.add(out, fusedDense(input, direct, null, LINEAR));
      }),
    );
  }

  override dispose(): void {
    if (this.isDisposed) return;
    tf.dispose([...this.masks.flat(), ...this.directMasks]);
    super.dispose();
  }
}
