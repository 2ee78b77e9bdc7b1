import { isGenError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { VaeLayout } from './layout.js';
import { disposeMnistTensors, type MnistTensors } from './mnist-tensors.js';
import { type Endpoints, renderPanels } from './panels.js';
import { DEFAULT_SETTINGS, STEPS_PER_CHUNK, type VaeSettings, VaeTrainer } from './trainer.js';

/** While training, panels are redrawn at most this often (ms); always when paused. */
const RENDER_EVERY_MS = 1500;

/** Reads a numeric control, falling back to `fallback` when empty or out of [min, max]. */
function readNumber(input: HTMLInputElement | HTMLSelectElement, fallback: number): number {
  const v = Number.parseFloat(input.value);
  const min = input instanceof HTMLInputElement ? Number.parseFloat(input.min) : -Infinity;
  const max = input instanceof HTMLInputElement ? Number.parseFloat(input.max) : Infinity;
  return Number.isFinite(v) && v >= min && v <= max ? v : fallback;
}

/**
 * The VAE view's state machine: every tensor operation runs as a task on one serial queue
 * (training chunks, redraws, resets, disposal), so controls never interleave with a step.
 */
export class VaeSession {
  private trainer: VaeTrainer;
  private running = false;
  private stopped = false;
  private queue: Promise<void> = Promise.resolve();
  private lastRender = 0;

  constructor(
    private readonly data: MnistTensors,
    private readonly els: VaeLayout,
  ) {
    this.trainer = new VaeTrainer(data, this.settings());
  }

  /** Computes the first metric and panels, then enables the controls. */
  async start(): Promise<void> {
    await this.refresh();
    const { els } = this;
    els.train.addEventListener('click', () => this.toggle());
    els.reset.addEventListener('click', () => this.reset());
    els.learningRate.addEventListener('change', () =>
      this.enqueue(async () => this.trainer.setLearningRate(this.settings().learningRate)),
    );
    els.batchSize.addEventListener('change', () =>
      this.enqueue(async () => this.trainer.setBatchSize(this.settings().batchSize)),
    );
    for (const el of [els.beta, els.latentSize, els.hiddenSize]) {
      el.addEventListener('change', () => this.reset());
    }
    for (const el of [els.from, els.to]) {
      el.addEventListener('change', () => this.enqueue(() => this.render()));
    }
    this.setBusy(false);
  }

  /** Stops training; the model and the data are disposed once the running task ends. */
  dispose(): void {
    this.stop();
    void this.queue.then(() => {
      this.trainer.dispose();
      disposeMnistTensors(this.data);
    });
  }

  /** Stops training for good (the view's signal aborted). */
  stop(): void {
    this.stopped = true;
    this.running = false;
  }

  private settings(): VaeSettings {
    const { els } = this;
    const d = DEFAULT_SETTINGS;
    return {
      learningRate: readNumber(els.learningRate, d.learningRate),
      batchSize: readNumber(els.batchSize, d.batchSize),
      beta: readNumber(els.beta, d.beta),
      latentSize: readNumber(els.latentSize, d.latentSize),
      hiddenSize: readNumber(els.hiddenSize, d.hiddenSize),
    };
  }

  private endpoints(): Endpoints {
    return [readNumber(this.els.from, 0), readNumber(this.els.to, 1)];
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => (this.stopped ? undefined : task()))
      .catch((error: unknown) => this.fail(error));
  }

  private fail(error: unknown): void {
    this.setRunning(false);
    this.els.reset.disabled = false;
    console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    // @gen/train's NaN guard stopped training: the usual cure is a smaller step.
    const hint = isGenError(error, 'NUMERICAL_FAILURE')
      ? ' Lower the learning rate and reset.'
      : '';
    this.els.status.textContent = `${message}${hint}`;
  }

  private setRunning(running: boolean): void {
    this.running = running;
    this.els.train.textContent = running ? 'Pause' : 'Train';
    this.els.train.setAttribute('aria-pressed', String(running));
  }

  private toggle(): void {
    this.setRunning(!this.running);
    if (this.running) this.enqueue(() => this.chunk());
  }

  /** A fresh model from the current settings; the buttons are disabled until it is drawn. */
  private reset(): void {
    this.setRunning(false);
    this.setBusy(true);
    this.enqueue(async () => {
      this.trainer.dispose();
      this.trainer = new VaeTrainer(this.data, this.settings());
      await this.refresh();
      this.setBusy(false);
    });
  }

  private setBusy(busy: boolean): void {
    this.els.train.disabled = busy;
    this.els.reset.disabled = busy;
    this.els.status.textContent = busy ? 'Building a new model…' : '';
  }

  /** Re-reads the metric and redraws everything (after a reset or at start). */
  private async refresh(): Promise<void> {
    const metric = await this.trainer.heldOutNegElbo();
    if (this.stopped) return;
    this.els.metric.textContent = metric.toFixed(2);
    this.els.step.textContent = String(this.trainer.steps);
    this.els.trainLoss.textContent = '—';
    await this.render();
  }

  private async render(): Promise<void> {
    this.lastRender = performance.now();
    await renderPanels(this.trainer, this.data, this.endpoints(), this.els, () => this.stopped);
  }

  /** A few steps, the held-out metric, maybe a redraw; then yields and queues the next chunk. */
  private async chunk(): Promise<void> {
    if (!this.running) return;
    const batchLoss = await this.trainer.train(STEPS_PER_CHUNK);
    if (this.stopped) return;
    const metric = await this.trainer.heldOutNegElbo();
    if (this.stopped) return;
    this.els.trainLoss.textContent = batchLoss.toFixed(2);
    this.els.metric.textContent = metric.toFixed(2);
    this.els.step.textContent = String(this.trainer.steps);
    if (!Number.isFinite(metric)) {
      this.setRunning(false);
      this.els.status.textContent = `The held-out −ELBO is not finite at step ${this.trainer.steps}; lower the learning rate and reset.`;
    }
    if (!this.running || performance.now() - this.lastRender > RENDER_EVERY_MS) {
      await this.render();
    }
    if (!this.running || this.stopped) return;
    await tf.nextFrame();
    this.enqueue(() => this.chunk());
  }
}
