import {
  assertInteger,
  assertRng,
  type GenError,
  invalidArgument,
  isGenError,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { type ActivationPlan, resolveActivationPlan } from './activation.js';
import { Dense } from './dense.js';
import { asStack, fusedDense } from './fused-dense.js';
import { madeMasks } from './made-masks.js';
import type { MadeNetworkOptions } from './made-network.js';
import { Module } from './module.js';
import { assertLastAxis, assertOptions, assertSizes, resolveRng } from './options.js';

export interface ConditionalMadeNetworkOptions extends MadeNetworkOptions {
  /** C, the width of the condition (context) every layer reads through unmasked weights. */
  conditionSize: number;
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
  'conditionSize',
  'seed',
  'rng',
  'maskRng',
  'name',
] as const;

const LINEAR = resolveActivationPlan('ConditionalMadeNetwork', 'activation', 'none');

/**
 * A MADE network with a context input (nflows' `MADE(context_features=…)`, Papamakarios et al.
 * 2017 §3.4): every layer, the output layer included, adds an unmasked linear map of the
 * condition c: [..., C] to its pre-activation,
 *
 *   hˡ = act(hˡ⁻¹·(Wˡ ⊙ Mˡₘ) + c·Vˡ + bˡ),  out = h^L·(W^{L+1} ⊙ M^{L+1}ₘ) + c·V^{L+1} + b^{L+1},
 *
 * so output unit j·D + i depends on c and on the inputs before i in the ordering, never on x_i
 * or later ones (the masks are @gen/nn's `madeMasks`, as in `MadeNetwork`). A `Network` on the
 * concatenation `[x, c]`: `apply(input)` takes `[..., D + C]` (x first); `applyWithCondition(x,
 * c, m)` takes the two apart. Weights: `<name>/masked<l>/kernel`, `…/bias` (as `MadeNetwork`) and
 * `<name>/context<l>/kernel` (`[C, width]`, no bias). With `zeroInitLast` both maps of the last
 * layer start at zero.
 *
 * ```ts
 * const net = new ConditionalMadeNetwork({ inputSize: 3, hiddenSizes: [16], conditionSize: 4 });
 * const out = net.applyWithCondition(x, labels); // x: [n, 3], labels: [n, 4] → [n, 3]
 * ```
 */
export class ConditionalMadeNetwork extends Module {
  readonly inputSize: number;
  readonly conditionSize: number;
  readonly hiddenSizes: readonly number[];
  readonly outputsPerInput: number;
  readonly numMasks: number;
  /** orderings[m][i] is the position of input i under mask set m. */
  readonly orderings: readonly (readonly number[])[];
  /** The masked layers, input first. */
  readonly layers: readonly Dense[];
  /** The unmasked condition → layer maps, one per layer. */
  readonly contextLayers: readonly Dense[];
  /** The masked input → output map of `directConnections`, else null. */
  readonly direct: Dense | null;
  private readonly masks: tf.Tensor2D[][];
  private readonly directMasks: tf.Tensor2D[];
  private readonly plan: ActivationPlan;

  constructor(options: ConditionalMadeNetworkOptions) {
    const fn = 'ConditionalMadeNetwork';
    assertOptions(fn, options, OPTIONS);
    super(options.name ?? 'made');
    const { inputSize, hiddenSizes, outputsPerInput = 1, numMasks = 1 } = options;
    const { zeroInitLast = false, activation = 'relu', directConnections = false } = options;
    const { conditionSize } = options;
    assertInteger(fn, 'inputSize', inputSize, 1);
    assertInteger(fn, 'conditionSize', conditionSize, 1);
    assertSizes(fn, 'hiddenSizes', hiddenSizes);
    assertInteger(fn, 'outputsPerInput', outputsPerInput, 1);
    assertInteger(fn, 'numMasks', numMasks, 1);
    for (const [arg, value] of [
      ['zeroInitLast', zeroInitLast],
      ['directConnections', directConnections],
    ] as const) {
      if (typeof value !== 'boolean') throw invalidArgument(fn, arg, value, 'must be a boolean');
    }
    this.plan = resolveActivationPlan(fn, 'activation', activation);
    const rng = resolveRng(fn, options);
    if (options.maskRng !== undefined) assertRng(fn, 'maskRng', options.maskRng);
    const maskRng = options.maskRng ?? rng.split(1)[0]!;
    const maskSets = buildMaskSets(fn, options, numMasks, maskRng);

    const sizes = [inputSize, ...hiddenSizes, inputSize * outputsPerInput];
    const rngs = rng.split(2 * (sizes.length - 1));
    const zeros = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;
    const last = sizes.length - 2;
    this.layers = sizes.slice(0, -1).map((size, l) =>
      this.addModule(
        `masked${l}`,
        new Dense({
          inputSize: size,
          outputSize: sizes[l + 1]!,
          rng: rngs[l]!,
          name: `masked${l}`,
          ...(l === last && zeroInitLast ? zeros : {}),
        }),
      ),
    );
    this.contextLayers = sizes.slice(1).map((size, l) =>
      this.addModule(
        `context${l}`,
        new Dense({
          inputSize: conditionSize,
          outputSize: size,
          useBias: false,
          rng: rngs[sizes.length - 1 + l]!,
          name: `context${l}`,
          ...(l === last && zeroInitLast ? { kernelInitializer: 'zeros' as const } : {}),
        }),
      ),
    );
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
    this.directMasks = directConnections
      ? maskSets.map((set) =>
          tf.keep(
            tf.tensor2d(set.inputDegrees.map((k) => set.outputDegrees.map((u) => (u > k ? 1 : 0)))),
          ),
        )
      : [];
    this.orderings = maskSets.map((set) => set.inputDegrees.map((d) => d - 1));
    this.inputSize = inputSize;
    this.conditionSize = conditionSize;
    this.hiddenSizes = [...hiddenSizes];
    this.outputsPerInput = outputsPerInput;
    this.numMasks = numMasks;
  }

  /** `input: [..., D + C]` (x, then the condition) → `[..., P·D]` under mask set `mask`. */
  apply(input: tf.Tensor, mask = 0): tf.Tensor {
    const fn = 'ConditionalMadeNetwork.apply';
    this.assertLive(fn);
    assertLastAxis(fn, 'input', input, this.inputSize + this.conditionSize);
    return tf.tidy(() => {
      const [x, c] = tf.split(input, [this.inputSize, this.conditionSize], -1) as [
        tf.Tensor,
        tf.Tensor,
      ];
      return this.compute(fn, x, c, mask);
    });
  }

  /**
   * `x: [..., D]` and `condition: [..., C]` (the same leading axes, or one row `[1, C]` / `[C]`
   * shared by all) → `[..., P·D]` under mask set `mask` (default 0).
   */
  applyWithCondition(x: tf.Tensor, condition: tf.Tensor, mask = 0): tf.Tensor {
    const fn = 'ConditionalMadeNetwork.applyWithCondition';
    this.assertLive(fn);
    assertLastAxis(fn, 'x', x, this.inputSize);
    assertLastAxis(fn, 'condition', condition, this.conditionSize);
    const lead = x.shape.slice(0, -1);
    const shared = condition.size === this.conditionSize;
    if (!shared && !tf.util.arraysEqual(condition.shape.slice(0, -1), lead)) {
      throw new ShapeMismatchError(
        `${fn}: argument 'condition' must have shape [${[...lead, this.conditionSize].join(', ')}] (or one row), got [${condition.shape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const c = shared
        ? tf.broadcastTo(tf.reshape(condition, [this.conditionSize]), [...lead, this.conditionSize])
        : condition;
      return this.compute(fn, x, c, mask);
    });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    tf.dispose([...this.masks.flat(), ...this.directMasks]);
    super.dispose();
  }

  private compute(fn: string, x: tf.Tensor, c: tf.Tensor, mask: number): tf.Tensor {
    assertInteger(fn, 'mask', mask, 0, this.numMasks - 1);
    const masks = this.masks[mask]!;
    const last = this.layers.length - 1;
    const outputSize = this.inputSize * this.outputsPerInput;
    const context = tf.reshape(c, [1, -1, this.conditionSize]);
    return asStack(x, this.inputSize, outputSize, (input) => {
      const out = this.layers.reduce((h, layer, l) => {
        const kernel = tf.mul(layer.kernel, masks[l]!);
        const pre = tf.add(
          fusedDense(h, kernel, layer.bias, LINEAR),
          fusedDense(context, this.contextLayers[l]!.kernel, null, LINEAR),
        );
        return l < last ? this.plan.activate(pre) : pre;
      }, input);
      if (this.direct === null) return out;
      const direct = tf.mul(this.direct.kernel, this.directMasks[mask]!);
      return tf.add(out, fusedDense(input, direct, null, LINEAR));
    });
  }
}

/** The mask sets of the pool; madeMasks' errors re-raised under `fn`. */
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
