import {
  assertFiniteTensor,
  InvalidArgumentError,
  invalidArgument,
  type NamedTensors,
  type Network,
} from '@gen/core';
import { isModule } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

/** Prefix of the EMA weights in `Gan.getWeights()`. */
export const EMA_PREFIX = 'ema/';

/** What `ema` in the Gan options holds once parsed. */
export interface EmaSettings {
  decay: number;
  start: number;
}

/**
 * An exponential moving average of a generator's trainable variables (Yazıcı et al. 2019):
 * after the t-th generator update, ē ← w for t ≤ start, else ē ← β·ē + (1 − β)·w.
 *
 * A generator update is noticed, not announced: the average holds a reference to each
 * variable's buffer as of the last fold, so an optimiser step cannot write that buffer in place
 * (tfjs's optimisers and @gen/train's fused Adam give a shared buffer's variable a fresh one) and
 * a variable whose buffer is no longer the one referenced has been updated. `sync()` then folds
 * the current weights in once. The Gan calls it after each discriminator update and before each
 * generator loss, sample and `getWeights()`, so every generator update is folded in exactly once,
 * whichever loop runs the updates. Assignments the Gan makes itself (`setWeights`, swapping the
 * average in to sample) are not updates.
 */
export class GeneratorEma {
  private readonly variables: readonly tf.Variable[];
  private readonly names: readonly string[];
  private readonly averages: tf.Variable[];
  private marks: tf.Tensor[];
  /** Generator updates folded in so far (state, checkpointed). */
  updates = 0;

  constructor(
    generator: Network,
    readonly settings: EmaSettings,
  ) {
    this.variables = [...generator.trainableVariables];
    const named = isModule(generator) ? Object.keys(generator.namedWeights()) : null;
    this.names = this.variables.map(
      (_, i) => `${EMA_PREFIX}generator/${named?.[i] ?? `trainable${i}`}`,
    );
    this.averages = this.variables.map((v) => tf.variable(v, false, undefined, 'float32'));
    this.marks = this.currentMarks();
  }

  /** Folds the generator's weights in if they changed since the last fold; true if they did. */
  sync(): boolean {
    if (this.marks.every((m, i) => m.dataId === this.variables[i]!.dataId)) return false;
    this.updates += 1;
    const { decay, start } = this.settings;
    tf.tidy(() => {
      this.averages.forEach((avg, i) => {
        const w = this.variables[i]!;
        avg.assign(this.updates <= start ? w : tf.add(tf.mul(avg, decay), tf.mul(w, 1 - decay)));
      });
    });
    this.resetMarks();
    return true;
  }

  /** Runs `f` with the averages in the generator's variables, the weights restored afterwards. */
  withAverages<T>(f: () => T): T {
    this.sync();
    const saved = this.variables.map((v) => tf.clone(v));
    try {
      this.variables.forEach((v, i) => {
        v.assign(this.averages[i]!);
      });
      return f();
    } finally {
      this.variables.forEach((v, i) => {
        v.assign(saved[i]!);
      });
      tf.dispose(saved);
      this.resetMarks();
    }
  }

  /**
   * Copies of the averages, keyed `ema/` + the weight's name in `Gan.getWeights()` (e.g.
   * `ema/generator/generator/dense0/kernel`); the caller owns them.
   */
  get(): NamedTensors {
    return Object.fromEntries(this.names.map((name, i) => [name, tf.clone(this.averages[i]!)]));
  }

  /** Whether `name` is one of the average's weight names. */
  owns(name: string): boolean {
    return this.names.includes(name);
  }

  /** Throws unless `weights` holds every average, with the right shapes and finite values. */
  check(fn: string, weights: NamedTensors): void {
    this.names.forEach((name, i) => {
      const t = weights[name];
      const want = this.averages[i]!.shape;
      if (!(t instanceof tf.Tensor) || t.isDisposed) {
        throw new InvalidArgumentError(
          `${fn}: argument 'weights' lacks '${name}' (the generator's moving average)`,
        );
      }
      if (!tf.util.arraysEqual(t.shape, want) || t.dtype !== 'float32') {
        throw invalidArgument(
          fn,
          `weights['${name}']`,
          t,
          `must be a float32 tensor of shape [${want.join(', ')}]`,
        );
      }
      assertFiniteTensor(fn, `weights['${name}']`, t);
    });
  }

  /** Assigns the averages from `check`ed weights; the generator's own weights count as synced. */
  set(weights: NamedTensors): void {
    this.names.forEach((name, i) => {
      this.averages[i]!.assign(weights[name]!);
    });
    this.resetMarks();
  }

  /** Marks the generator's current weights as folded in (after the Gan assigns them). */
  resetMarks(): void {
    tf.dispose(this.marks);
    this.marks = this.currentMarks();
  }

  dispose(): void {
    tf.dispose([...this.averages, ...this.marks]);
  }

  /** References to the variables' current buffers (clones share them; nothing is copied). */
  private currentMarks(): tf.Tensor[] {
    return this.variables.map((v) => tf.keep(tf.clone(v)));
  }
}
