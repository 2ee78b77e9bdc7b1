import { type ModelState, type NamedTensors, NumericalError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { StatefulModel } from './checkpoint/training-state.js';

/**
 * The NaN/Inf guard's memory: in 'restore' mode a copy of the weights (and of the model's
 * declared state) at the last read point whose losses and gradients were all finite.
 */
export class Guard {
  private readonly fn: string;
  private readonly mode: 'stop' | 'restore' | false;
  private readonly model: StatefulModel;
  private snapshot: { step: number; weights: NamedTensors; state?: ModelState } | undefined;

  constructor(fn: string, mode: 'stop' | 'restore' | false, model: StatefulModel) {
    this.fn = fn;
    this.mode = mode;
    this.model = model;
  }

  /** Records the weights of `step` as the last good ones ('restore' mode only). */
  good(step: number): void {
    if (this.mode !== 'restore') return;
    if (this.snapshot !== undefined) tf.dispose(this.snapshot.weights);
    this.snapshot = { step, weights: this.model.getWeights() };
    if (typeof this.model.getState === 'function') {
      this.snapshot.state = JSON.parse(JSON.stringify(this.model.getState())) as ModelState;
    }
  }

  /**
   * Throws `NumericalError` naming `badStep` when the guard is on; in 'restore' mode puts the
   * last good weights back first. `lastCheckpoint` is the step of the last checkpoint written.
   */
  check(badStep: number | undefined, step: number, lastCheckpoint: number | undefined): void {
    if (badStep === undefined || this.mode === false) return;
    let weights = `the model keeps the weights of step ${step}`;
    if (this.mode === 'restore' && this.snapshot !== undefined) {
      this.model.setWeights(this.snapshot.weights);
      if (this.snapshot.state !== undefined) this.model.setState?.(this.snapshot.state);
      weights = `the weights of step ${this.snapshot.step} were restored`;
    }
    const checkpoint =
      lastCheckpoint === undefined
        ? ''
        : `; the last checkpoint (step ${lastCheckpoint}) was written before the failure`;
    throw new NumericalError(
      `${this.fn}: the loss or a gradient was NaN or infinite at step ${badStep}; training stopped at step ${step} and ${weights}${checkpoint}`,
    );
  }

  dispose(): void {
    if (this.snapshot !== undefined) tf.dispose(this.snapshot.weights);
    this.snapshot = undefined;
  }
}
