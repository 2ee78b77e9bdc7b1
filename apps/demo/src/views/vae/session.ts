import { isGenError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { VaeLayout } from './layout.js';
import { disposeMnistTensors, type MnistTensors } from './mnist-tensors.js';
import { type Endpoints, renderPanels } from './panels.js';
import {
  disposePretrainedVae,
  loadPretrainedVae,
  type PretrainedVae,
  pretrainedMismatch,
} from './pretrained-vae.js';
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

/** The trained model, or why it could not be loaded. */
export type PretrainedSource = { pretrained: PretrainedVae } | { error: string };

/**
 * The VAE view's state machine: every tensor operation runs as a task on one serial queue
 * (training chunks, redraws, resets, disposal), so controls never interleave with a step.
 * Each model starts from the trained weights ("start from: trained model") when they fit the
 * settings, else from scratch, and the origin line says which and why.
 */
export class VaeSession {
  private trainer: VaeTrainer;
  private running = false;
  private stopped = false;
  private queue: Promise<void> = Promise.resolve();
  private lastRender = 0;
  private readonly pretrained: PretrainedVae | undefined;

  /** Owns `data` and the trained weights from here on: {@link dispose} releases them. */
  constructor(
    private readonly data: MnistTensors,
    private readonly els: VaeLayout,
    private readonly source: PretrainedSource,
  ) {
    this.pretrained = 'pretrained' in source ? source.pretrained : undefined;
    if (this.pretrained === undefined) els.startFrom.value = 'scratch';
    this.trainer = this.build();
  }

  /** Computes the first metric and panels, then enables the controls. */
  async start(): Promise<void> {
    await this.refresh();
    const { els } = this;
    els.train.addEventListener('click', () => this.toggle());
    els.reset.addEventListener('click', () => this.reset());
    els.startFrom.addEventListener('change', () => this.chooseStart());
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
      if (this.pretrained !== undefined) disposePretrainedVae(this.pretrained);
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
    this.els.startFrom.disabled = this.pretrained === undefined;
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

  /**
   * A model from the current settings: the trained weights when "start from" says so and they
   * fit, else fresh ones (and "start from" turns to scratch); says which in the origin line.
   */
  private build(): VaeTrainer {
    const { els, pretrained } = this;
    const trainer = new VaeTrainer(this.data, this.settings());
    if (pretrained === undefined || els.startFrom.value !== 'trained') {
      els.origin.textContent =
        'error' in this.source
          ? `The trained model could not be loaded (${this.source.error}); started from scratch.`
          : 'Started from scratch: fresh random weights.';
      return trainer;
    }
    const mismatch = pretrainedMismatch(pretrained, trainer.vae);
    if (mismatch !== undefined) {
      els.startFrom.value = 'scratch';
      els.origin.textContent = `Started from scratch: ${mismatch}, so its weights do not fit. Start from the trained model to go back to ${pretrained.architecture}.`;
      return trainer;
    }
    try {
      loadPretrainedVae(trainer.vae, pretrained);
    } catch (error) {
      trainer.dispose();
      throw error;
    }
    const steps = pretrained.steps === undefined ? '' : `, ${pretrained.steps} steps`;
    els.origin.textContent = `Started from the trained model (${pretrained.architecture}${steps} of gen train on all 60 000 MNIST digits); Train continues from it, step counts from here.`;
    return trainer;
  }

  /** "Start from: trained model" also sets the sizes the trained model has. */
  private chooseStart(): void {
    const { els, pretrained } = this;
    if (els.startFrom.value === 'trained' && pretrained !== undefined) {
      els.hiddenSize.value = String(pretrained.hiddenSize);
      els.latentSize.value = String(pretrained.latentSize);
    }
    this.reset();
  }

  /** A new model (see {@link build}); the controls are disabled until it is drawn. */
  private reset(): void {
    this.setRunning(false);
    this.setBusy(true);
    this.enqueue(async () => {
      const next = this.build();
      this.trainer.dispose();
      this.trainer = next;
      await this.refresh();
      this.setBusy(false);
    });
  }

  private setBusy(busy: boolean): void {
    this.els.train.disabled = busy;
    this.els.reset.disabled = busy;
    this.els.startFrom.disabled = busy || this.pretrained === undefined;
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
