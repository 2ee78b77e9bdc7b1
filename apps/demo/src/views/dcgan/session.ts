import { isGenError } from '@gen/core';
import { formatNumber } from '../../shell/format.js';
import { LossHistory, lossCurvePlot } from '../../shell/loss-curve.js';
import { serial } from '../../shell/serial.js';
import { TrainLoop } from '../../shell/train-loop.js';
import type { TrainingWorker } from '../../worker/client.js';
import type {
  DcganDraws,
  DcganFrame,
  DcganInit,
  DcganWorkerApi,
} from '../../worker/dcgan.worker.js';
import { drawDigits } from '../vae/images.js';
import { type DcganLayout, GRID, PATH_STEPS } from './layout.js';
import { type DcganSettings, type DcganSnapshot, STEPS_PER_CHUNK } from './trainer.js';

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

/** What the view hands over across a backend switch (plain data). */
export interface DcganSuspended {
  kind: 'dcgan/v1';
  snapshot: DcganSnapshot;
  startFrom: string;
  origin: string;
  draws: number;
  endDraws: number;
  losses: { series: string; step: number; value: number }[];
  lastLosses: string;
}

export function isDcganSuspended(value: unknown): value is DcganSuspended {
  return (value as DcganSuspended | undefined)?.kind === 'dcgan/v1';
}

/**
 * The DCGAN view's page side: the model trains in a Web Worker (`src/worker/dcgan.worker.ts`);
 * the page keeps the loss history and the latent-draw seeds and draws what the worker sends.
 * Every call to the worker runs as a task on one serial queue, so a control never interleaves
 * with a training step.
 */
export class DcganSession {
  private readonly history = new LossHistory();
  private readonly exclusive = serial();
  private readonly loop: TrainLoop;
  private readonly api: TrainingWorker<DcganWorkerApi>['api'];
  private readonly hasPretrained: boolean;
  private steps = 0;
  private draws = 0;
  private endDraws = 0;
  private lastRender = 0;
  /** The step the panels show (−1: none yet, or another model). */
  private renderedStep = -1;

  /**
   * `init` is what the worker found (`fetchError`: why the page could not fetch the weights);
   * `restored` a run suspended before a backend switch.
   */
  constructor(
    private readonly worker: TrainingWorker<DcganWorkerApi>,
    private readonly init: DcganInit,
    private readonly fetchError: string | undefined,
    private readonly els: DcganLayout,
    private readonly signal: AbortSignal,
    private readonly restored: DcganSuspended | undefined,
  ) {
    this.api = worker.api;
    this.hasPretrained = init.pretrained !== undefined;
    if (!this.hasPretrained) els.startFrom.value = 'scratch';
    this.loop = new TrainLoop({
      signal,
      button: els.train,
      status: els.status,
      chunk: () => this.exclusive(() => this.chunk()),
      steps: () => this.steps,
      rate: els.rate,
    });
  }

  /** Builds the model (or continues the restored run), draws it, then enables the controls. */
  async start(): Promise<void> {
    const { els, restored } = this;
    const equilibrium = this.init.equilibrium;
    els.lossNote.textContent =
      `Faint dots: each generator step's losses (D: the mean over its discriminator updates, ` +
      `each on its own batch); lines: smoothed. Grey: ${formatNumber(equilibrium)} = 2·log 2, ` +
      `the non-saturating discriminator loss −log D(x) − log(1 − D(G(z))) when D = ½ everywhere ` +
      `(G's loss −log D(G(z)) is then log 2 ≈ ${formatNumber(Math.LN2)}). The headline, ` +
      `"D loss on a fixed batch", is the same loss on the first 64 training digits and G's ` +
      `images of the first 64 latent draws, redrawn with the samples.`;
    let continued = '';
    if (restored !== undefined) {
      try {
        await this.exclusive(async () => {
          this.steps = await this.api.build(false, restored.snapshot.settings, restored.snapshot);
        });
        this.applySettings(restored.snapshot.settings);
        if (this.hasPretrained) els.startFrom.value = restored.startFrom;
        els.origin.textContent = restored.origin;
        this.draws = restored.draws;
        this.endDraws = restored.endDraws;
        for (const p of restored.losses) this.history.push(p.step, { [p.series]: p.value });
        els.losses.textContent = restored.lastLosses;
        continued = `Continued at step ${this.steps} on ${this.worker.backend.active}.`;
      } catch (error) {
        console.warn(error);
        continued = `The run could not be continued (${error instanceof Error ? error.message : String(error)}); started over.`;
        await this.exclusive(() => this.build());
      }
    } else {
      await this.exclusive(() => this.build());
    }
    await this.exclusive(() => this.render());
    // A pause between chunks leaves no chunk to redraw: draw the model as it stopped.
    els.train.addEventListener('click', () => {
      if (!this.loop.isRunning) {
        this.task(async () => {
          if (!this.loop.isRunning && this.renderedStep !== this.steps) await this.render();
        });
      }
    });
    els.reset.addEventListener('click', () => this.reset());
    els.startFrom.addEventListener('change', () => this.reset());
    els.newDraws.addEventListener('click', () =>
      this.task(async () => {
        this.draws += 1;
        await this.render();
      }),
    );
    els.newEnds.addEventListener('click', () =>
      this.task(async () => {
        this.endDraws += 1;
        await this.render();
      }),
    );
    els.learningRate.onChange((v) => this.task(() => this.api.setLearningRate(v)));
    els.batchSize.onChange((v) => this.task(() => this.api.setBatchSize(v)));
    els.discriminatorSteps.onChange((v) => this.task(() => this.api.setDiscriminatorSteps(v)));
    this.setBusy(false);
    els.status.textContent = continued;
  }

  /** Stops training and captures the run (checkpoint bytes, step, settings, history). */
  async suspend(): Promise<DcganSuspended> {
    this.loop.pause();
    return this.exclusive(async () => ({
      kind: 'dcgan/v1' as const,
      snapshot: await this.api.snapshot(),
      startFrom: this.els.startFrom.value,
      origin: this.els.origin.textContent ?? '',
      draws: this.draws,
      endDraws: this.endDraws,
      losses: this.history.rows(0).map(({ series, step, value }) => ({ series, step, value })),
      lastLosses: this.els.losses.textContent ?? '—',
    }));
  }

  /** Stops training; the worker (and every tensor in it) goes. */
  dispose(): void {
    this.loop.pause();
    this.worker.terminate();
  }

  private settings(): DcganSettings {
    const { els } = this;
    return {
      learningRate: els.learningRate.value(),
      batchSize: els.batchSize.value(),
      discriminatorSteps: els.discriminatorSteps.value(),
    };
  }

  private applySettings(settings: DcganSettings): void {
    const { els } = this;
    els.learningRate.set(settings.learningRate);
    els.batchSize.set(settings.batchSize);
    els.discriminatorSteps.set(settings.discriminatorSteps);
  }

  private seeds(): DcganDraws {
    return {
      gridSeed: GRID_SEED + this.draws,
      endsSeed: ENDS_SEED + this.endDraws,
      fixedSeed: GRID_SEED,
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
    // Comlink keeps an error's name and message, not its class.
    const numerical =
      isGenError(error, 'NUMERICAL_FAILURE') ||
      (error as Error | undefined)?.name === 'NumericalError';
    const hint = numerical ? ' Lower the learning rate and reset.' : '';
    this.els.status.textContent = `${message}${hint}`;
  }

  /**
   * A model with the released architecture in the worker: the trained weights when "start from"
   * says so (and they loaded), else fresh ones; the origin line says which.
   */
  private async build(): Promise<void> {
    const { els, init } = this;
    const trained = this.hasPretrained && els.startFrom.value === 'trained';
    this.steps = await this.api.build(trained, this.settings());
    const error = this.fetchError ?? init.error;
    if (!trained) {
      els.origin.textContent =
        error !== undefined
          ? `The trained model could not be loaded (${error}); started from scratch.`
          : `Started from scratch: fresh random weights of the same Gan.dcgan (${init.pretrained?.architecture ?? 'latent 64, width 32, batch norm'}).`;
      return;
    }
    const p = init.pretrained!;
    const steps = p.steps === undefined ? '' : `, ${p.steps} steps`;
    els.origin.textContent =
      `Started from the trained model pretrained/dcgan-mnist (Gan.dcgan: ${p.architecture}${steps} ` +
      'of gen train gan on all 60 000 MNIST digits, non-saturating loss); Train continues from it ' +
      'with fresh Adam moments, and the step counts from here.';
  }

  /** A new model (see {@link build}) and an empty history; controls wait until it is drawn. */
  private reset(): void {
    this.loop.pause();
    this.setBusy(true);
    this.task(async () => {
      await this.build();
      this.history.clear();
      this.els.losses.textContent = '—';
      await this.render();
      this.setBusy(false);
    });
  }

  private setBusy(busy: boolean): void {
    const { els } = this;
    for (const button of [els.train, els.reset, els.newDraws, els.newEnds]) button.disabled = busy;
    els.startFrom.disabled = busy || !this.hasPretrained;
    els.status.textContent = busy ? 'Building the model…' : '';
  }

  /** One generator step; the panels are redrawn every few seconds and when paused. */
  private async chunk(): Promise<void> {
    if (this.signal.aborted) return;
    const redraw = !this.loop.isRunning || performance.now() - this.lastRender > RENDER_EVERY_MS;
    // Marks a chunk in flight (tests wait for it to land after a pause).
    const root = this.els.train.closest<HTMLElement>('section.view');
    if (root !== null) root.dataset.chunk = 'running';
    const { losses, step, frame } = await this.api
      .train(STEPS_PER_CHUNK, redraw ? this.seeds() : null)
      .finally(() => {
        if (root !== null) delete root.dataset.chunk;
      });
    if (this.signal.aborted) return;
    this.steps = step;
    this.history.push(step, {
      [D_SERIES]: losses.discriminator,
      [G_SERIES]: losses.generator,
      [EQUILIBRIUM_SERIES]: this.init.equilibrium,
    });
    this.els.step.textContent = String(step);
    this.els.losses.textContent = `${formatNumber(losses.discriminator)} / ${formatNumber(losses.generator)}`;
    if (frame !== null) this.show(frame);
    // Paused while the step ran: the frame drawn (if any) may be older than the model.
    else if (!this.loop.isRunning) await this.render();
  }

  /** Asks the worker for the samples, the metric and the interpolation row, and draws them. */
  private async render(): Promise<void> {
    const frame = await this.api.frame(this.seeds());
    if (this.signal.aborted) return;
    this.show(frame);
  }

  /** The samples, the headline metric, the interpolation row and the loss plot. */
  private show(frame: DcganFrame): void {
    const { els } = this;
    this.lastRender = performance.now();
    this.renderedStep = frame.step;
    this.steps = frame.step;
    els.step.textContent = String(frame.step);
    els.metric.textContent = formatNumber(frame.discriminatorLoss);
    els.metricStep.textContent = String(frame.step);
    drawDigits(els.samples, frame.samples, GRID * GRID, GRID);
    drawDigits(els.path, frame.path, PATH_STEPS, PATH_STEPS);
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
