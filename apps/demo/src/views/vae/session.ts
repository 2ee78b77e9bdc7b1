import { isGenError } from '@gen/core';
import { formatNumber } from '../../shell/format.js';
import { LossHistory, lossCurvePlot } from '../../shell/loss-curve.js';
import { StepRate } from '../../shell/train-loop.js';
import { type LatentPoint, pickDot } from './latent-map.js';
import type { VaeLayout } from './layout.js';
import { disposeMnistTensors, type MnistTensors } from './mnist-tensors.js';
import { drawLatentMap, type Endpoints, renderInterpolation, renderPanels } from './panels.js';
import {
  disposePretrainedVae,
  loadPretrainedVae,
  type PretrainedVae,
  pretrainedMismatch,
} from './pretrained-vae.js';
import {
  DEFAULT_SETTINGS,
  type HeldOut,
  STEPS_PER_CHUNK,
  type VaeSettings,
  VaeTrainer,
} from './trainer.js';

/** While training, panels are redrawn at most this often (ms); always when paused. */
const RENDER_EVERY_MS = 1500;
/** While training, the loss curves are redrawn at most this often (ms). */
const LOSS_EVERY_MS = 400;

/** The loss curves' series. */
const TRAIN_SERIES = 'training loss';
const HELD_OUT_SERIES = 'held-out −ELBO';
const KL_SERIES = 'held-out KL';

/** Reads a select's number (its options are all valid), or `fallback`. */
function readSelect(input: HTMLSelectElement, fallback: number): number {
  const v = Number.parseFloat(input.value);
  return Number.isFinite(v) ? v : fallback;
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
  private lastLossDraw = 0;
  private readonly pretrained: PretrainedVae | undefined;
  /** Training loss and held-out −ELBO, and the held-out KL, against steps of this model. */
  private readonly losses = new LossHistory();
  private readonly kls = new LossHistory();
  private readonly speed = new StepRate();
  /** The latent map's points as last drawn (undefined before the first render). */
  private points: LatentPoint[] | undefined;
  /** Which endpoint the next click on the map sets: 0 the start, 1 the end. */
  private nextEnd: 0 | 1 = 0;
  private readonly onResize = () => {
    this.drawMap();
    this.drawLosses();
  };

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
    // The field reports valid values only: a bad β leaves the model training with the last good one.
    els.beta.onChange(() => this.reset());
    for (const el of [els.latentSize, els.hiddenSize]) {
      el.addEventListener('change', () => this.reset());
    }
    for (const field of [els.from, els.to]) field.onChange(() => this.showEndpoints());
    els.latentMap.addEventListener('click', (event) => this.pick(event));
    window.addEventListener('resize', this.onResize);
    this.setBusy(false);
  }

  /** Stops training; the model and the data are disposed once the running task ends. */
  dispose(): void {
    this.stop();
    window.removeEventListener('resize', this.onResize);
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
      learningRate: readSelect(els.learningRate, d.learningRate),
      batchSize: readSelect(els.batchSize, d.batchSize),
      beta: els.beta.value(),
      latentSize: readSelect(els.latentSize, d.latentSize),
      hiddenSize: readSelect(els.hiddenSize, d.hiddenSize),
    };
  }

  private endpoints(): Endpoints {
    return [this.els.from.value(), this.els.to.value()];
  }

  /** A click on the map: the dot it hits (or the nearest) becomes the start, then the end. */
  private pick(event: MouseEvent): void {
    const index = pickDot(this.els.latentMap, event.target, event.clientX, event.clientY);
    if (index === undefined || this.points === undefined || index >= this.points.length) return;
    (this.nextEnd === 0 ? this.els.from : this.els.to).set(index);
    this.nextEnd = this.nextEnd === 0 ? 1 : 0;
    this.showEndpoints();
  }

  /** New endpoints: the map's path at once, then the interpolation strip. */
  private showEndpoints(): void {
    this.drawMap();
    this.enqueue(async () => {
      await renderInterpolation(
        this.trainer,
        this.data,
        this.endpoints(),
        this.els.interpolation,
        () => this.stopped,
      );
    });
  }

  private drawMap(): void {
    const { points, els } = this;
    if (points === undefined) return;
    const [from, to] = this.endpoints();
    drawLatentMap(els.latentMap, points, [from, to]);
    const digit = (i: number) => (points[i] === undefined ? '' : ` (a ${points[i].digit})`);
    els.mapHint.textContent = `Interpolating from test digit #${from}${digit(from)} to #${to}${digit(to)}. Click a digit on the map to pick the ${this.nextEnd === 0 ? 'start' : 'end'}.`;
  }

  private drawLosses(): void {
    const { els } = this;
    this.lastLossDraw = performance.now();
    const width = Math.max(260, els.lossPlot.clientWidth || 360);
    els.lossPlot.replaceChildren(
      lossCurvePlot(this.losses, {
        width,
        height: 220,
        smoothing: 0.6,
        yLabel: 'nats per image',
        colors: { [TRAIN_SERIES]: '#1f5fbf', [HELD_OUT_SERIES]: '#d9480f' },
      }),
    );
    els.klPlot.replaceChildren(
      lossCurvePlot(this.kls, {
        width,
        height: 120,
        smoothing: 0,
        yLabel: 'KL (nats)',
        colors: { [KL_SERIES]: '#2b8a3e' },
      }),
    );
  }

  /** Records the held-out numbers (and the training loss, after a chunk) at the current step. */
  private record(held: HeldOut, trainLoss?: number): void {
    const step = this.trainer.steps;
    const { els } = this;
    this.losses.push(step, {
      ...(trainLoss === undefined ? {} : { [TRAIN_SERIES]: trainLoss }),
      [HELD_OUT_SERIES]: held.negElbo,
    });
    this.kls.push(step, { [KL_SERIES]: held.kl });
    const nats = (v: number) => formatNumber(v, { decimals: 2 });
    els.metric.textContent = nats(held.negElbo);
    els.step.textContent = String(step);
    els.trainLoss.textContent = trainLoss === undefined ? '—' : nats(trainLoss);
    els.lossNote.textContent = `Held out now: −ELBO ${nats(held.negElbo)} = reconstruction ${nats(held.reconstruction)} + KL ${nats(held.kl)}. The training loss is each batch's reconstruction + β·KL (the −ELBO when β = 1), one point per ${STEPS_PER_CHUNK} steps.${this.losses.length <= 1 ? ' Press Train to draw the curves.' : ''}`;
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
    if (!running) this.speed.pause();
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
    const held = await this.trainer.heldOut();
    if (this.stopped) return;
    this.losses.clear();
    this.kls.clear();
    this.record(held);
    this.els.rate.textContent = '';
    this.drawLosses();
    await this.render();
  }

  private async render(): Promise<void> {
    this.lastRender = performance.now();
    const points = await renderPanels(
      this.trainer,
      this.data,
      this.endpoints(),
      this.els,
      () => this.stopped,
    );
    if (points === undefined) return;
    this.points = points;
    this.drawMap();
  }

  /** A few steps, the held-out metric, maybe a redraw; then yields and queues the next chunk. */
  private async chunk(): Promise<void> {
    if (!this.running) return;
    const batchLoss = await this.trainer.train(STEPS_PER_CHUNK);
    if (this.stopped) return;
    const held = await this.trainer.heldOut();
    if (this.stopped) return;
    this.record(held, batchLoss);
    const rate = this.speed.record(this.trainer.steps, performance.now());
    if (rate !== undefined) {
      this.els.rate.textContent = `${formatNumber(rate, { digits: 3 })} steps/s`;
    }
    if (!Number.isFinite(held.negElbo)) {
      this.setRunning(false);
      this.els.status.textContent = `The held-out −ELBO is not finite at step ${this.trainer.steps}; lower the learning rate and reset.`;
    }
    const now = performance.now();
    if (!this.running || now - this.lastLossDraw > LOSS_EVERY_MS) this.drawLosses();
    if (!this.running || now - this.lastRender > RENDER_EVERY_MS) {
      await this.render();
    }
    if (!this.running || this.stopped) return;
    // A macrotask: input, the test driver and painting get a turn between chunks.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    this.enqueue(() => this.chunk());
  }
}
