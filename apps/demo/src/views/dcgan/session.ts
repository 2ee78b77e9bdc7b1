import { isGenError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { formatNumber } from '../../shell/format.js';
import { LossHistory, lossCurvePlot } from '../../shell/loss-curve.js';
import { serial } from '../../shell/serial.js';
import { TrainLoop } from '../../shell/train-loop.js';
import { drawDigits } from '../vae/images.js';
import { disposeMnistTensors, type MnistTensors } from '../vae/mnist-tensors.js';
import { normalLatents, slerpPath } from './latent.js';
import { type DcganLayout, GRID, PATH_STEPS } from './layout.js';
import {
  DCGAN_OPTIONS,
  disposePretrainedDcgan,
  loadPretrainedDcgan,
  type PretrainedDcgan,
} from './pretrained-dcgan.js';
import {
  type DcganSettings,
  DcganTrainer,
  equilibriumDiscriminatorLoss,
  STEPS_PER_CHUNK,
} from './trainer.js';

/** While training, the samples, the interpolation and the plot are redrawn at most this often. */
const RENDER_EVERY_MS = 2000;
/** Seeds of the n-th grid draw and the n-th pair of endpoints. */
const GRID_SEED = 1000;
const ENDS_SEED = 2000;
/** The loss series' names and colours (the reference line grey). */
const D_SERIES = 'D loss';
const G_SERIES = 'G loss';
const EQUILIBRIUM_SERIES = 'D at equilibrium: 2·log 2';
const LOSS_COLORS = { [D_SERIES]: '#c0392b', [G_SERIES]: '#2c7fb8', [EQUILIBRIUM_SERIES]: '#999' };

/** The trained model, or why it could not be loaded. */
export type PretrainedSource = { pretrained: PretrainedDcgan } | { error: string };

/**
 * The DCGAN view's state: one model at a time (trained or fresh weights), its loss history, the
 * fixed latent draws, and the training loop. Every tensor operation runs as a task on one serial
 * queue, so a control never interleaves with a training step.
 */
export class DcganSession {
  private trainer: DcganTrainer;
  private readonly history = new LossHistory();
  private readonly exclusive = serial();
  private readonly loop: TrainLoop;
  private readonly pretrained: PretrainedDcgan | undefined;
  /** The critic's real half of the headline metric: the first 64 training digits. */
  private readonly real: tf.Tensor2D;
  /** The first grid draw: the fakes of the headline metric. */
  private fixed: Float32Array = new Float32Array(0);
  private grid: Float32Array = new Float32Array(0);
  private ends: Float32Array = new Float32Array(0);
  private draws = 0;
  private endDraws = 0;
  private equilibrium = Number.NaN;
  private lastRender = 0;
  /** The step the panels show (−1: none yet, or another model). */
  private renderedStep = -1;

  /** Owns `data` and the trained weights from here on: {@link dispose} releases them. */
  constructor(
    private readonly data: MnistTensors,
    private readonly els: DcganLayout,
    private readonly source: PretrainedSource,
    private readonly signal: AbortSignal,
  ) {
    this.pretrained = 'pretrained' in source ? source.pretrained : undefined;
    if (this.pretrained === undefined) els.startFrom.value = 'scratch';
    this.real = tf.slice(data.train, [0, 0], [GRID * GRID, -1]);
    this.trainer = this.build();
    this.loop = new TrainLoop({
      signal,
      button: els.train,
      status: els.status,
      chunk: () => this.exclusive(() => this.chunk()),
      steps: () => this.trainer.steps,
      rate: els.rate,
    });
  }

  /** Draws the latents, the first samples and metric, then enables the controls. */
  async start(): Promise<void> {
    const { els } = this;
    this.equilibrium = await equilibriumDiscriminatorLoss(this.trainer.gan.loss);
    const d = DCGAN_OPTIONS.latentSize;
    this.fixed = await normalLatents(GRID * GRID, d, GRID_SEED);
    this.grid = this.fixed;
    this.ends = await normalLatents(2, d, ENDS_SEED);
    els.lossNote.textContent =
      `Faint dots: each generator step's losses (D: the mean over its discriminator updates, ` +
      `each on its own batch); lines: smoothed. Grey: ${formatNumber(this.equilibrium)} = 2·log 2, ` +
      `the non-saturating discriminator loss −log D(x) − log(1 − D(G(z))) when D = ½ everywhere ` +
      `(G's loss −log D(G(z)) is then log 2 ≈ ${formatNumber(Math.LN2)}). The headline, ` +
      `"D loss on a fixed batch", is the same loss on the first 64 training digits and G's ` +
      `images of the first 64 latent draws, redrawn with the samples.`;
    await this.exclusive(() => this.render());
    // A pause between chunks leaves no chunk to redraw: draw the model as it stopped.
    els.train.addEventListener('click', () => {
      if (!this.loop.isRunning) {
        this.task(async () => {
          if (!this.loop.isRunning && this.renderedStep !== this.trainer.steps) await this.render();
        });
      }
    });
    els.reset.addEventListener('click', () => this.reset());
    els.startFrom.addEventListener('change', () => this.reset());
    els.newDraws.addEventListener('click', () =>
      this.task(async () => {
        this.draws += 1;
        this.grid = await normalLatents(GRID * GRID, d, GRID_SEED + this.draws);
        await this.render();
      }),
    );
    els.newEnds.addEventListener('click', () =>
      this.task(async () => {
        this.endDraws += 1;
        this.ends = await normalLatents(2, d, ENDS_SEED + this.endDraws);
        await this.render();
      }),
    );
    els.learningRate.onChange((v) => this.task(async () => this.trainer.setLearningRate(v)));
    els.batchSize.onChange((v) => this.task(async () => this.trainer.setBatchSize(v)));
    els.discriminatorSteps.onChange((v) =>
      this.task(async () => this.trainer.setDiscriminatorSteps(v)),
    );
    this.setBusy(false);
  }

  /** Stops training; the model and the data are disposed once the running task ends. */
  dispose(): void {
    this.loop.pause();
    void this.exclusive(async () => {
      this.trainer.dispose();
      this.real.dispose();
      disposeMnistTensors(this.data);
      if (this.pretrained !== undefined) disposePretrainedDcgan(this.pretrained);
    });
  }

  private settings(): DcganSettings {
    const { els } = this;
    return {
      learningRate: els.learningRate.value(),
      batchSize: els.batchSize.value(),
      discriminatorSteps: els.discriminatorSteps.value(),
    };
  }

  /** Runs `task` on the queue; an error stops training and is shown. */
  private task(task: () => Promise<void>): void {
    void this.exclusive(async () => {
      if (!this.signal.aborted) await task();
    }).catch((error: unknown) => this.fail(error));
  }

  private fail(error: unknown): void {
    if (this.signal.aborted) return;
    this.loop.pause();
    this.setBusy(false);
    console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    const hint = isGenError(error, 'NUMERICAL_FAILURE')
      ? ' Lower the learning rate and reset.'
      : '';
    this.els.status.textContent = `${message}${hint}`;
  }

  /**
   * A model with the released architecture: the trained weights when "start from" says so (and
   * they loaded), else fresh ones; the origin line says which.
   */
  private build(): DcganTrainer {
    const { els, pretrained } = this;
    const trainer = new DcganTrainer(this.data.train, this.settings());
    if (pretrained === undefined || els.startFrom.value !== 'trained') {
      els.origin.textContent =
        'error' in this.source
          ? `The trained model could not be loaded (${this.source.error}); started from scratch.`
          : `Started from scratch: fresh random weights of the same Gan.dcgan (${pretrained?.architecture ?? 'latent 64, width 32, batch norm'}).`;
      return trainer;
    }
    try {
      loadPretrainedDcgan(trainer.gan, pretrained);
    } catch (error) {
      trainer.dispose();
      throw error;
    }
    const steps = pretrained.steps === undefined ? '' : `, ${pretrained.steps} steps`;
    els.origin.textContent =
      `Started from the trained model pretrained/dcgan-mnist (Gan.dcgan: ${pretrained.architecture}${steps} ` +
      'of gen train gan on all 60 000 MNIST digits, non-saturating loss); Train continues from it ' +
      'with fresh Adam moments, and the step counts from here.';
    return trainer;
  }

  /** A new model (see {@link build}) and an empty history; controls wait until it is drawn. */
  private reset(): void {
    this.loop.pause();
    this.setBusy(true);
    this.task(async () => {
      const next = this.build();
      this.trainer.dispose();
      this.trainer = next;
      this.history.clear();
      this.els.losses.textContent = '—';
      await this.render();
      this.setBusy(false);
    });
  }

  private setBusy(busy: boolean): void {
    const { els } = this;
    for (const button of [els.train, els.reset, els.newDraws, els.newEnds]) button.disabled = busy;
    els.startFrom.disabled = busy || this.pretrained === undefined;
    els.status.textContent = busy ? 'Building the model…' : '';
  }

  /** One generator step; the panels are redrawn every few seconds and when paused. */
  private async chunk(): Promise<void> {
    if (this.signal.aborted) return;
    const losses = await this.trainer.train(STEPS_PER_CHUNK);
    if (this.signal.aborted) return;
    const step = this.trainer.steps;
    this.history.push(step, {
      [D_SERIES]: losses.discriminator,
      [G_SERIES]: losses.generator,
      [EQUILIBRIUM_SERIES]: this.equilibrium,
    });
    this.els.step.textContent = String(step);
    this.els.losses.textContent = `${formatNumber(losses.discriminator)} / ${formatNumber(losses.generator)}`;
    if (!this.loop.isRunning || performance.now() - this.lastRender > RENDER_EVERY_MS) {
      await this.render();
    }
  }

  /** The samples, the headline metric, the interpolation row and the loss plot. */
  private async render(): Promise<void> {
    const { els, trainer } = this;
    // The metric's fakes come from the first grid draw, whichever the grid shows now.
    const evaluation = await trainer.evaluate(this.real, this.fixed);
    const samples = this.grid === this.fixed ? evaluation.samples : await trainer.images(this.grid);
    const d = DCGAN_OPTIONS.latentSize;
    const path = slerpPath(this.ends.subarray(0, d), this.ends.subarray(d), PATH_STEPS);
    const images = await trainer.images(path);
    if (this.signal.aborted) return;
    this.lastRender = performance.now();
    this.renderedStep = trainer.steps;
    els.step.textContent = String(trainer.steps);
    els.metric.textContent = formatNumber(evaluation.discriminatorLoss);
    els.metricStep.textContent = String(trainer.steps);
    drawDigits(els.samples, samples, GRID * GRID, GRID);
    drawDigits(els.path, images, PATH_STEPS, PATH_STEPS);
    const width = Math.max(260, els.lossChart.clientWidth);
    els.lossChart.replaceChildren(
      lossCurvePlot(this.history, {
        width,
        height: Math.round(Math.min(340, Math.max(200, width * 0.6))),
        yLabel: 'loss (nats)',
        colors: LOSS_COLORS,
      }),
    );
  }
}
