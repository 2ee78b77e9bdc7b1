import { isGenError } from '@gen/core';
import type * as Comlink from 'comlink';
import { formatNumber } from '../../shell/format.js';
import { LossHistory, lossCurvePlot } from '../../shell/loss-curve.js';
import { StepRate } from '../../shell/train-loop.js';
import type { WorkerApi } from '../../worker/host.js';
import type { VaeBuilt, VaeFrame, VaeInit, VaeWorkerApi } from '../../worker/vae.worker.js';
import { type LatentPoint, pickDot } from './latent-map.js';
import type { VaeLayout } from './layout.js';
import { drawInterpolation, drawLatentMap, drawPanels } from './panels.js';
import {
  DEFAULT_SETTINGS,
  type HeldOut,
  STEPS_PER_CHUNK,
  type VaeSettings,
  type VaeSnapshot,
} from './trainer.js';

/** While training, panels are redrawn at most this often (ms); always when paused. */
const RENDER_EVERY_MS = 2500;
/** While training, the loss curves are redrawn at most this often (ms). */
const LOSS_EVERY_MS = 1000;

/** The loss curves' series. */
const TRAIN_SERIES = 'training loss';
const HELD_OUT_SERIES = 'held-out −ELBO';
const KL_SERIES = 'held-out KL';

/** Reads a select's number (its options are all valid), or `fallback`. */
function readSelect(input: HTMLSelectElement, fallback: number): number {
  const v = Number.parseFloat(input.value);
  return Number.isFinite(v) ? v : fallback;
}

/** One recorded point of a loss curve (plain data, to hand over across a backend switch). */
interface CurvePoint {
  series: string;
  step: number;
  value: number;
}

/** What the view hands over across a backend switch (plain data). */
export interface VaeSuspended {
  kind: 'vae/v1';
  snapshot: VaeSnapshot;
  startFrom: string;
  origin: string;
  endpoints: [number, number];
  losses: CurvePoint[];
  kls: CurvePoint[];
  trainLoss: string;
}

export function isVaeSuspended(value: unknown): value is VaeSuspended {
  return (value as VaeSuspended | undefined)?.kind === 'vae/v1';
}

/** The worker's API as the page sees it. */
export type VaeApi = Comlink.Remote<VaeWorkerApi & WorkerApi>;

/**
 * The VAE view's state machine on the page: the model trains in the worker; every call to it
 * runs as a task on one serial queue (training chunks, redraws, resets, the suspend), so controls
 * never interleave with a step. Each model starts from the trained weights ("start from: trained
 * model") when they fit the settings, else from scratch, and the origin line says which and why.
 * The page only draws what the worker reads back.
 */
export class VaeSession {
  private running = false;
  private stopped = false;
  private queue: Promise<void> = Promise.resolve();
  private lastRender = 0;
  private lastLossDraw = 0;
  private step = 0;
  private latentSize: number;
  /** Whether the model drawn last is a conditional VAE (its panels read the labels). */
  private conditional = false;
  /** Training loss and held-out −ELBO, and the held-out KL, against steps of this model. */
  private readonly losses = new LossHistory();
  private readonly kls = new LossHistory();
  private readonly speed = new StepRate();
  /** The latent map's points as last drawn (undefined before the first render). */
  private points: LatentPoint[] | undefined;
  /** Which endpoint the next click on the map sets: 0 the start, 1 the end. */
  private nextEnd: 0 | 1 = 0;
  private readonly hasPretrained: boolean;
  /** Why the trained model is missing (undefined when it loaded). */
  private readonly sourceError: string | undefined;
  private readonly onResize = () => {
    this.drawMap();
    this.drawLosses();
  };

  /**
   * `fetchError`: why the page could not fetch the trained weights (undefined when it did);
   * `restored`: a run suspended before a backend switch; `backend`: the worker's backend.
   */
  constructor(
    private readonly api: VaeApi,
    private readonly init: VaeInit,
    fetchError: string | undefined,
    private readonly els: VaeLayout,
    private readonly restored: VaeSuspended | undefined,
    private readonly backend: string,
  ) {
    this.hasPretrained = init.pretrained !== undefined;
    this.sourceError = fetchError ?? init.pretrainedError;
    if (!this.hasPretrained) els.startFrom.value = 'scratch';
    this.latentSize = readSelect(els.latentSize, DEFAULT_SETTINGS.latentSize);
  }

  /** Builds the model (or continues the restored run), draws it, then enables the controls. */
  async start(): Promise<void> {
    const { els, restored } = this;
    let continued = '';
    if (restored !== undefined) {
      const s = restored.snapshot.settings;
      this.applySettings(s);
      if (this.hasPretrained) els.startFrom.value = restored.startFrom;
      els.from.set(restored.endpoints[0]);
      els.to.set(restored.endpoints[1]);
      try {
        const built = await this.api.build(s, false, this.endpoints(), restored.snapshot);
        els.origin.textContent = restored.origin;
        this.losses.clear();
        this.kls.clear();
        for (const p of restored.losses) this.losses.push(p.step, { [p.series]: p.value });
        for (const p of restored.kls) this.kls.push(p.step, { [p.series]: p.value });
        this.show(built.frame, undefined);
        els.trainLoss.textContent = restored.trainLoss;
        this.drawLosses();
        continued = `Continued at step ${built.frame.step} on ${this.backend}.`;
      } catch (error) {
        console.warn(error);
        continued = `The run could not be continued (${error instanceof Error ? error.message : String(error)}); started over.`;
        this.step = -1;
      }
    }
    if (restored === undefined || this.step < 0) await this.rebuild();
    els.train.addEventListener('click', () => this.toggle());
    els.reset.addEventListener('click', () => this.reset());
    els.startFrom.addEventListener('change', () => this.chooseStart());
    els.learningRate.addEventListener('change', () =>
      this.enqueue(() => this.api.setLearningRate(this.settings().learningRate)),
    );
    els.batchSize.addEventListener('change', () =>
      this.enqueue(() => this.api.setBatchSize(this.settings().batchSize)),
    );
    // The field reports valid values only: a bad β leaves the model training with the last good one.
    els.beta.onChange(() => this.reset());
    for (const el of [els.latentSize, els.hiddenSize, els.conditional]) {
      el.addEventListener('change', () => this.reset());
    }
    for (const field of [els.from, els.to]) field.onChange(() => this.showEndpoints());
    els.latentMap.addEventListener('click', (event) => this.pick(event));
    window.addEventListener('resize', this.onResize);
    this.setBusy(false);
    els.status.textContent = continued;
  }

  /** Stops training and captures the run (checkpoint bytes, step, settings, curves). */
  async suspend(): Promise<VaeSuspended> {
    this.setRunning(false);
    return new Promise<VaeSuspended>((resolve, reject) => {
      this.queue = this.queue.then(async () => {
        try {
          const { els } = this;
          resolve({
            kind: 'vae/v1',
            snapshot: await this.api.snapshot(),
            startFrom: els.startFrom.value,
            origin: els.origin.textContent ?? '',
            endpoints: [els.from.value(), els.to.value()],
            losses: this.losses.rows(0).map(({ series, step, value }) => ({ series, step, value })),
            kls: this.kls.rows(0).map(({ series, step, value }) => ({ series, step, value })),
            trainLoss: els.trainLoss.textContent ?? '—',
          });
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** Stops training; the worker (and every tensor in it) goes with the view's signal. */
  dispose(): void {
    this.stop();
    window.removeEventListener('resize', this.onResize);
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
      conditional: els.conditional.checked,
    };
  }

  private applySettings(s: VaeSettings): void {
    const { els } = this;
    els.learningRate.value = String(s.learningRate);
    els.batchSize.value = String(s.batchSize);
    els.beta.set(s.beta);
    els.latentSize.value = String(s.latentSize);
    els.hiddenSize.value = String(s.hiddenSize);
    els.conditional.checked = s.conditional === true;
  }

  private endpoints(): [number, number] {
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

  /**
   * New endpoints: the map's path at once, then the interpolation strip (a conditional model's
   * manifold follows the start's label too: then every panel is read again).
   */
  private showEndpoints(): void {
    this.drawMap();
    this.enqueue(async () => {
      if (this.conditional) {
        const latest = await this.api.frame(this.endpoints());
        if (this.stopped || latest.panels === null) return;
        this.drawFrame(latest);
        return;
      }
      const values = await this.api.interpolation(this.endpoints());
      if (this.stopped) return;
      drawInterpolation(this.els.interpolation, values);
    });
  }

  /** Draws a frame's panels (the caller checked it has them) and the map. */
  private drawFrame(frame: VaeFrame): void {
    if (frame.panels === null) return;
    this.lastRender = performance.now();
    this.conditional = frame.conditional;
    this.points = drawPanels(
      frame.panels,
      { latentSize: frame.latentSize, conditional: frame.conditional, start: this.endpoints()[0] },
      this.init.testLabels,
      this.els,
    );
    this.drawMap();
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

  /** Shows a frame: records its held-out numbers (and the training loss, after a chunk), draws its panels. */
  private show(frame: VaeFrame, trainLoss: number | undefined): void {
    this.step = frame.step;
    this.latentSize = frame.latentSize;
    this.conditional = frame.conditional;
    this.record(frame.held, trainLoss);
    this.drawFrame(frame);
  }

  /** Records the held-out numbers (and the training loss, after a chunk) at the current step. */
  private record(held: HeldOut, trainLoss?: number): void {
    const { step, els } = this;
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
    if (this.stopped) return;
    this.setRunning(false);
    this.els.reset.disabled = false;
    this.els.startFrom.disabled = !this.hasPretrained;
    console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    // @gen/train's NaN guard stopped training: the usual cure is a smaller step. Comlink keeps
    // an error's name and message, not its class.
    const numerical =
      isGenError(error, 'NUMERICAL_FAILURE') ||
      (error as Error | undefined)?.name === 'NumericalError';
    const hint = numerical ? ' Lower the learning rate and reset.' : '';
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

  /** The origin line of a model `built` by the worker. */
  private describe(built: VaeBuilt): string {
    const p = this.init.pretrained;
    if (built.origin === 'trained' && p !== undefined) {
      const steps = p.steps === undefined ? '' : `, ${p.steps} steps`;
      return `Started from the trained model (${p.architecture}${steps} of gen train on all 60 000 MNIST digits); Train continues from it, step counts from here.`;
    }
    if (built.mismatch !== undefined && p !== undefined) {
      return `Started from scratch: ${built.mismatch}, so its weights do not fit. Start from the trained model to go back to ${p.architecture}.`;
    }
    return this.sourceError !== undefined
      ? `The trained model could not be loaded (${this.sourceError}); started from scratch.`
      : 'Started from scratch: fresh random weights.';
  }

  /**
   * A new model from the current settings (in the worker): the trained weights when "start
   * from" says so and they fit, else fresh ones (and "start from" turns to scratch); says which
   * in the origin line, then redraws everything.
   */
  private async rebuild(): Promise<void> {
    const { els } = this;
    const trained = this.hasPretrained && els.startFrom.value === 'trained';
    const built = await this.api.build(this.settings(), trained, this.endpoints());
    if (this.stopped) return;
    if (built.origin !== 'trained') els.startFrom.value = 'scratch';
    els.origin.textContent = this.describe(built);
    this.losses.clear();
    this.kls.clear();
    els.rate.textContent = '';
    this.show(built.frame, undefined);
    this.drawLosses();
  }

  /** "Start from: trained model" also sets the sizes the trained model has. */
  private chooseStart(): void {
    const { els } = this;
    const p = this.init.pretrained;
    if (els.startFrom.value === 'trained' && p !== undefined) {
      els.hiddenSize.value = String(p.hiddenSize);
      els.latentSize.value = String(p.latentSize);
      // The trained model is unconditional.
      els.conditional.checked = false;
    }
    this.reset();
  }

  /** A new model (see {@link rebuild}); the controls are disabled until it is drawn. */
  private reset(): void {
    this.setRunning(false);
    this.setBusy(true);
    this.enqueue(async () => {
      await this.rebuild();
      this.setBusy(false);
    });
  }

  private setBusy(busy: boolean): void {
    this.els.train.disabled = busy;
    this.els.reset.disabled = busy;
    this.els.startFrom.disabled = busy || !this.hasPretrained;
    this.els.status.textContent = busy ? 'Building a new model…' : '';
  }

  /** A few steps in the worker, the held-out metric, maybe the panels; then queues the next chunk. */
  private async chunk(): Promise<void> {
    if (!this.running) return;
    const { els } = this;
    const redraw = performance.now() - this.lastRender > RENDER_EVERY_MS;
    // Marks a chunk in flight (tests wait for it to land after a pause).
    els.view.dataset.chunk = 'running';
    const { batchLoss, frame } = await this.api
      .train(STEPS_PER_CHUNK, redraw ? this.endpoints() : null)
      .finally(() => {
        delete els.view.dataset.chunk;
      });
    if (this.stopped) return;
    this.show(frame, batchLoss);
    const rate = this.speed.record(frame.step, performance.now());
    if (rate !== undefined) {
      els.rate.textContent = `${formatNumber(rate, { digits: 3 })} steps/s`;
    }
    if (!Number.isFinite(frame.held.negElbo)) {
      this.setRunning(false);
      els.status.textContent = `The held-out −ELBO is not finite at step ${frame.step}; lower the learning rate and reset.`;
    }
    const now = performance.now();
    if (!this.running || now - this.lastLossDraw > LOSS_EVERY_MS) this.drawLosses();
    // The chunk that ends a run (paused) always redraws, from the model it stopped with.
    if (!this.running && frame.panels === null) {
      const latest = await this.api.frame(this.endpoints());
      if (this.stopped) return;
      this.drawFrame(latest);
    }
    if (!this.running || this.stopped) return;
    this.enqueue(() => this.chunk());
  }
}
