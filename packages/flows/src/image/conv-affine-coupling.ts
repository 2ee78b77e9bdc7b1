import {
  assertNetwork,
  assertOneOf,
  InvalidArgumentError,
  invalidArgument,
  type Network,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import type { Activation } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { reraiseAs } from '../coupling/conditioner.js';
import { recordPart } from '../flow/transform-configs.js';
import { LearnedBijector } from '../learned-bijector.js';
import { assertOptions, assertSize, resolveRng } from '../options.js';
import {
  logScaleFromRaw,
  parseScale,
  SCALE_OPTIONS,
  type ScaleOptions,
  type ScaleSpec,
} from '../scale.js';
import { CouplingConvNet } from './coupling-conv-net.js';

/** Options of {@link ConvAffineCoupling}. */
export interface ConvAffineCouplingOptions extends ScaleOptions {
  /** C, the channels of the images `[..., h, w, C]`. */
  dim: number;
  /**
   * 'channel' (default): half of the channels condition the other half (C >= 2);
   * 'checkerboard': the pixels with (i + j) even condition the others (any C).
   */
  mask?: 'channel' | 'checkerboard';
  /**
   * Which half is kept (passes through and feeds the conditioner): 0 (default) the first
   * ⌊C/2⌋ channels or the pixels with i + j even; 1 the rest. Alternate it between layers.
   */
  parity?: 0 | 1;
  /** Channels of the built-in conditioner's hidden layers (default 64). */
  hiddenChannels?: number;
  /** Activation of the built-in conditioner's hidden layers (default 'relu'). */
  activation?: Activation;
  /**
   * Your own conditioner: a `Network` mapping `[n, h, w, k]` to `[n, h, w, 2m]` (shifts in the
   * first m channels), k and m the kept and transformed channels ('channel': k = ⌊C/2⌋ or
   * C − ⌊C/2⌋ by parity; 'checkerboard': k = m = C, the input masked to the kept pixels). The
   * layer owns it; it starts as the identity only if the network starts at 0.
   */
  conditioner?: Network;
  /** Seed of the initial weights (default 0); give `seed` or `rng`, not both. */
  seed?: number;
  /** Generator to draw the initial weights from (it advances). */
  rng?: Rng;
  /** First segment of the weight names (default 'convAffineCoupling'). */
  name?: string;
}

const OPTIONS = [
  'dim',
  'mask',
  'parity',
  'hiddenChannels',
  'activation',
  'conditioner',
  'seed',
  'rng',
  'name',
  ...SCALE_OPTIONS,
] as const;

/**
 * Affine coupling on images with a convolutional conditioner (RealNVP, Dinh et al. 2017 §3.3–3.4;
 * Glow, Kingma & Dhariwal 2018 §3.3), channels last. With b the kept part (a channel half or a
 * checkerboard of pixels) and the rest transformed:
 *
 *   y_b = x_b,   y_{1−b} = x_{1−b} ⊙ exp(log s(x_b)) + t(x_b),   log |det J| = Σ log s(x_b)
 *
 * summed over h, w and the transformed channels (one value per image, `eventRank` 3). The
 * conditioner (default: 3×3 conv → act → 1×1 conv → act → zero-initialised 3×3 conv,
 * `hiddenChannels` wide, so a new layer is the identity) reads the kept part and returns the
 * shift t and a raw scale a; log s = c·tanh(a/c) (bounded, c = `logScaleBound` = 2) or the
 * 'softplus' form, as `AffineCoupling`. The inverse is one pass too. Weights
 * `convAffineCoupling/conditioner/conv0/kernel`, ….
 *
 * ```ts
 * const coupling = new ConvAffineCoupling({ dim: 4, hiddenChannels: 32, parity: 1, seed: 0 });
 * const { y, logDet } = coupling.forwardAndLogDet(x); // x: [n, 14, 14, 4] → logDet [n]
 * ```
 */
export class ConvAffineCoupling extends LearnedBijector {
  readonly isConstantJacobian = false;
  override readonly eventRank: number = 3;
  readonly mask: 'channel' | 'checkerboard';
  readonly parity: 0 | 1;
  /** The network computing (t, a) from the kept part. */
  readonly conditioner: Network;
  private readonly scale: ScaleSpec;
  /** Channel split sizes [first, second] ('channel' mask). */
  private readonly halves: [number, number];

  constructor(options: ConvAffineCouplingOptions) {
    const fn = 'ConvAffineCoupling';
    assertOptions(fn, options, OPTIONS);
    const { dim, mask = 'channel', parity = 0, hiddenChannels = 64, activation } = options;
    assertSize(fn, 'dim', dim, 1);
    assertOneOf(fn, 'mask', mask, ['channel', 'checkerboard'] as const);
    if (parity !== 0 && parity !== 1) throw invalidArgument(fn, 'parity', parity, 'must be 0 or 1');
    if (mask === 'channel' && dim < 2) {
      throw invalidArgument(fn, 'dim', dim, "must be >= 2 for mask 'channel' (use 'checkerboard')");
    }
    assertSize(fn, 'hiddenChannels', hiddenChannels, 1);
    const scale = parseScale(fn, options);
    const rng = resolveRng(fn, options);
    const first = Math.floor(dim / 2);
    const halves: [number, number] = [first, dim - first];
    const kept = mask === 'checkerboard' ? dim : halves[parity];
    const transformed = mask === 'checkerboard' ? dim : halves[1 - parity]!;
    const conditioner = buildConditioner(fn, options, () =>
      reraiseAs(
        fn,
        () =>
          new CouplingConvNet({
            inChannels: kept,
            hiddenChannels,
            outChannels: 2 * transformed,
            activation: activation ?? 'relu',
            rng,
          }),
      ),
    );
    super(fn, options.name ?? 'convAffineCoupling', dim);
    recordPart(this, fn, options);
    this.conditioner = this.addNetwork(conditioner);
    this.mask = mask;
    this.parity = parity;
    this.scale = scale;
    this.halves = halves;
  }

  protected _forwardAndLogDet(x: tf.Tensor): { y: tf.Tensor; logDet: tf.Tensor } {
    return this.couple(x, 1);
  }

  protected _inverseAndLogDet(y: tf.Tensor): { x: tf.Tensor; logDet: tf.Tensor } {
    const { y: x, logDet } = this.couple(y, -1);
    return { x, logDet };
  }

  protected override checkShape(fn: string, arg: string, t: tf.Tensor): void {
    if (t.rank < 3 || t.shape[t.rank - 1] !== this.dim) {
      throw new ShapeMismatchError(
        `${fn}: argument '${arg}' must have shape [..., h, w, ${this.dim}], got [${t.shape.join(', ')}]`,
      );
    }
  }

  /** The forward (`sign` 1) or inverse (−1) map of `v` and its log-det per image. */
  private couple(v: tf.Tensor, sign: 1 | -1): { y: tf.Tensor; logDet: tf.Tensor } {
    if (this.mask === 'checkerboard') {
      const kept = checkerboard(v.shape, this.parity);
      const free = tf.sub(1, kept);
      const { shift, logScale: raw } = this.shiftAndLogScale(tf.mul(v, kept), this.dim);
      const logScale = tf.mul(raw, free);
      const t = tf.mul(shift, free);
      const y =
        sign === 1
          ? tf.add(tf.mul(v, tf.exp(logScale)), t)
          : tf.mul(tf.sub(v, t), tf.exp(tf.neg(logScale)));
      return { y, logDet: tf.mul(sign, tf.sum(logScale, [-3, -2, -1])) };
    }
    const [a, b] = tf.split(v, this.halves, -1) as [tf.Tensor, tf.Tensor];
    const [kept, moving] = this.parity === 0 ? [a, b] : [b, a];
    const m = moving.shape[moving.rank - 1]!;
    const { shift, logScale } = this.shiftAndLogScale(kept, m);
    const moved =
      sign === 1
        ? tf.add(tf.mul(moving, tf.exp(logScale)), shift)
        : tf.mul(tf.sub(moving, shift), tf.exp(tf.neg(logScale)));
    const y = tf.concat(this.parity === 0 ? [kept, moved] : [moved, kept], -1);
    return { y, logDet: tf.mul(sign, tf.sum(logScale, [-3, -2, -1])) };
  }

  /** t and log s `[..., h, w, m]` from the kept part `[..., h, w, k]`. */
  private shiftAndLogScale(kept: tf.Tensor, m: number): { shift: tf.Tensor; logScale: tf.Tensor } {
    const [h, w, k] = kept.shape.slice(-3) as [number, number, number];
    const lead = kept.shape.slice(0, -3);
    const rows = kept.rank === 4 ? kept : tf.reshape(kept, [-1, h, w, k]);
    const out = this.conditioner.apply(rows);
    const want = [rows.shape[0]!, h, w, 2 * m];
    if (!tf.util.arraysEqual(out.shape, want)) {
      throw new ShapeMismatchError(
        `${this.kind}: the conditioner must map [${rows.shape.join(', ')}] to [${want.join(', ')}], got [${out.shape.join(', ')}]`,
      );
    }
    const full = kept.rank === 4 ? out : tf.reshape(out, [...lead, h, w, 2 * m]);
    const [shift, raw] = tf.split(full, [m, m], -1) as [tf.Tensor, tf.Tensor];
    return { shift, logScale: logScaleFromRaw(raw, this.scale) };
  }
}

/** The user's conditioner (refused beside the built-in network's options) or the built-in one. */
function buildConditioner(
  fn: string,
  options: ConvAffineCouplingOptions,
  build: () => Network,
): Network {
  const { conditioner } = options;
  if (conditioner === undefined) return build();
  assertNetwork(fn, 'conditioner', conditioner);
  for (const arg of ['hiddenChannels', 'activation'] as const) {
    if (options[arg] !== undefined) {
      throw new InvalidArgumentError(
        `${fn}: give either 'conditioner' or '${arg}', not both ('${arg}' configures the built-in network)`,
      );
    }
  }
  return conditioner;
}

/** The 0/1 checkerboard `[h, w, 1]` of an image shape `[..., h, w, C]`: 1 where i + j ≡ parity. */
function checkerboard(shape: readonly number[], parity: 0 | 1): tf.Tensor {
  const [h, w] = shape.slice(-3) as [number, number];
  const values = new Float32Array(h * w);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) values[i * w + j] = (i + j) % 2 === parity ? 1 : 0;
  return tf.tensor3d(values, [h, w, 1]);
}
