/**
 * View: autoregressive and flow models. The released PixelCNN samples digits pixel by pixel in
 * raster order (one network pass per pixel), with each pixel's conditional p(x_i = 1 | x_<i)
 * beside the sample; a RealNVP trained live on a 2-D toy set is opened up layer by layer, with
 * each layer's log |det J| in the change of variables log p(x) = log p(z) − Σ log |det J|.
 * Sampling and training run in a Web Worker (`src/worker/sequential.worker.ts`) on the page's
 * backend; the page only draws, at most once per animation frame. A backend switch continues
 * the batch of digits (pixels, position, Rng state) and the flow (@gen/train checkpoint).
 */
import type { ToyName } from '@gen/data';
import { h } from '../shell/dom.js';
import { numberField } from '../shell/field.js';
import { formatCount, formatNumber } from '../shell/format.js';
import { LossHistory, lossCurvePlot } from '../shell/loss-curve.js';
import { serial } from '../shell/serial.js';
import { rateElement, StepRate, TrainLoop } from '../shell/train-loop.js';
import { startTrainingWorker, type TrainingWorker } from '../worker/client.js';
import type {
  PixelFrame,
  SamplerSuspended,
  SequentialWorkerApi,
} from '../worker/sequential.worker.js';
import {
  DEFAULT_FLOW_SETTINGS,
  FLOW_DATA_SETS,
  FLOW_LAYERS,
  type FlowCheckpoint,
  type FlowSettings,
  type LayerSnapshot,
} from './sequential/flow-layers.js';
import { PRETRAINED_PIXELCNN_PATH } from './sequential/pixel-sampler.js';
import { drawDigit, logDetText, stagePlot, stageTitle } from './sequential/render.js';
import type { DemoView, ViewContext, ViewHandle } from './types.js';
import './sequential/style.css';

/**
 * Worker time a chunk of PixelCNN passes may take (ms). The page is free meanwhile; the bound
 * only keeps a pause, a restart or a backend switch prompt.
 */
const CHUNK_BUDGET_MS = 250;
/** Chunks of flow training (of FLOW_STEPS_PER_CHUNK steps each) per chunk of the view. */
const FLOW_CHUNKS = 2;
/** The flow's layer plots are refreshed at most this often while training (ms). */
const FLOW_REDRAW_MS = 1500;
/** How long a finished batch of digits stays on screen before the next one starts (ms). */
const FINISHED_PAUSE_MS = 1500;
/** Training points shown under the data-space plot. */
const DATA_SHOWN = 500;

/** What the view hands over across a backend switch: settings, the batch, the flow's checkpoint. */
interface Suspended {
  kind: 'sequential/v1';
  digits: number;
  seed: number;
  speed: number;
  flowSettings: FlowSettings;
  pixelsDrawn: number;
  history: { step: number; value: number }[];
  sampler?: SamplerSuspended;
  flow?: FlowCheckpoint;
}

function isSuspended(value: unknown): value is Suspended {
  return (value as Suspended | undefined)?.kind === 'sequential/v1';
}

interface DigitCells {
  figure: HTMLElement;
  sample: HTMLCanvasElement;
  probability: HTMLCanvasElement;
  caption: HTMLElement;
}

interface StageCells {
  plot: HTMLElement;
  logDet: HTMLElement;
}

async function mount(root: HTMLElement, ctx: ViewContext): Promise<ViewHandle> {
  // ---- layout ----------------------------------------------------------------------------
  const train = h('button', { type: 'button', 'data-testid': 'train' }, 'Train');
  const stepText = h('span', { 'data-testid': 'step', class: 'stat' }, '0');
  const metricText = h('span', { 'data-testid': 'metric', class: 'stat' }, '0');
  const metricLabel = h('span', {}, 'NLL of the pixels drawn (nats per digit)');
  const rate = rateElement();
  const status = h('p', { class: 'note', role: 'status', 'data-testid': 'status' });
  const workerNote = h('p', { class: 'note', 'data-testid': 'worker-note' });

  const digitsField = numberField({
    label: 'digits',
    value: 4,
    min: 1,
    max: 16,
    integer: true,
    testid: 'digits',
    hint: '(restarts)',
  });
  const speedField = numberField({
    label: 'pixels per frame, at most',
    value: 56,
    min: 1,
    max: 784,
    integer: true,
    testid: 'speed',
  });
  const seedField = numberField({
    label: 'seed',
    value: 0,
    min: 0,
    max: 1_000_000,
    integer: true,
    testid: 'seed',
    hint: '(restarts)',
  });
  const restart = h('button', { type: 'button', 'data-testid': 'restart' }, 'Restart sampling');
  const origin = h(
    'p',
    { class: 'note', 'data-testid': 'origin' },
    'Fetching the trained PixelCNN…',
  );
  const digits = h('div', { class: 'seq-digits', 'aria-label': 'digits being sampled' });
  const swatch = (colour: string) =>
    h('span', { class: 'seq-swatch', style: `background:${colour}` });
  const legend = h(
    'div',
    { class: 'seq-legend' },
    h('span', {}, swatch('rgb(228,87,46)'), 'next pixel'),
    h('span', {}, swatch('rgb(222,228,236)'), 'not drawn yet'),
    h('span', {}, swatch('#fff'), '→', swatch('rgb(31,78,156)'), 'p(xᵢ = 1 | x<ᵢ) from 0 to 1'),
  );

  const datasetSelect = h(
    'select',
    { 'data-testid': 'flow-data' },
    ...FLOW_DATA_SETS.map((name) => h('option', { value: name }, name)),
  );
  const lrField = numberField({
    label: 'learning rate',
    value: DEFAULT_FLOW_SETTINGS.learningRate,
    min: 1e-5,
    max: 0.1,
    step: 1e-3,
    testid: 'flow-lr',
    hint: '(restarts the flow)',
  });
  const batchField = numberField({
    label: 'batch size',
    value: DEFAULT_FLOW_SETTINGS.batchSize,
    min: 8,
    max: 1024,
    integer: true,
    testid: 'flow-batch',
    hint: '(restarts the flow)',
  });
  const flowSeedField = numberField({
    label: 'flow seed',
    value: DEFAULT_FLOW_SETTINGS.seed,
    min: 0,
    max: 1_000_000,
    integer: true,
    testid: 'flow-seed',
    hint: '(restarts the flow)',
  });
  const resetFlow = h('button', { type: 'button', 'data-testid': 'flow-reset' }, 'Reset flow');
  const flowStep = h('span', { class: 'stat', 'data-testid': 'flow-step' }, '0');
  const flowNll = h('span', { class: 'stat', 'data-testid': 'flow-nll' }, '—');
  const flowRate = h('span', { class: 'rate', 'data-testid': 'flow-rate' }, '');
  const equation = h('p', { class: 'seq-equation', 'data-testid': 'flow-equation' });
  const stages: StageCells[] = [];
  const stageGrid = h('div', { class: 'seq-stages' });
  for (let k = 0; k <= FLOW_LAYERS; k++) {
    const cells = {
      plot: h('div', { class: 'plot', 'aria-label': stageTitle(k) }),
      logDet: h('span', { class: 'seq-logdet' }, k === 0 ? 'log p(z) = log N(z; 0, I)' : ''),
    };
    stages.push(cells);
    stageGrid.append(
      h(
        'figure',
        { class: 'seq-stage' },
        cells.plot,
        h('figcaption', {}, h('strong', {}, stageTitle(k)), h('br'), cells.logDet),
      ),
    );
  }
  const lossPlot = h('div', { class: 'plot', 'aria-label': 'flow NLL over training steps' });

  root.append(
    h('h2', {}, 'Autoregressive and flow models'),
    h(
      'p',
      { class: 'lead' },
      'Two exact likelihoods. A PixelCNN factorises p(x) = Πᵢ p(xᵢ | x<ᵢ) in raster order, so ' +
        'sampling takes one network pass per pixel: 784 passes for a batch of digits, watched here ' +
        'pixel by pixel. A flow pushes noise z ~ N(0, I) through invertible layers, and its density ' +
        'follows from the change of variables log p(x) = log p(z) − Σₖ log |det Jₖ|, shown layer by layer. ' +
        'Both models run in a Web Worker; the page only draws.',
    ),
    h(
      'div',
      { class: 'toolbar' },
      train,
      h('span', {}, 'pixels drawn ', stepText),
      h('span', {}, metricLabel, ' ', metricText),
      rate,
    ),
    workerNote,
    status,
    h(
      'div',
      { class: 'cards' },
      h(
        'div',
        { class: 'card wide' },
        h('h3', {}, 'PixelCNN: sampling pixel by pixel'),
        h(
          'div',
          { class: 'toolbar' },
          digitsField.element,
          speedField.element,
          seedField.element,
          restart,
        ),
        origin,
        legend,
        digits,
      ),
      h(
        'div',
        { class: 'card wide' },
        h('h3', {}, 'RealNVP: the change of variables, layer by layer'),
        h(
          'div',
          { class: 'toolbar' },
          h(
            'label',
            { class: 'control' },
            h('span', {}, 'data (restarts the flow)'),
            datasetSelect,
          ),
          lrField.element,
          batchField.element,
          flowSeedField.element,
          resetFlow,
        ),
        h(
          'div',
          { class: 'toolbar' },
          h('span', {}, 'flow steps ', flowStep),
          h('span', {}, 'NLL (nats per point) ', flowNll),
          flowRate,
        ),
        h(
          'p',
          { class: 'note' },
          `Base samples and the grid lines z₁, z₂ ∈ {−2, …, 2} pushed through each of the ${FLOW_LAYERS} ` +
            'affine couplings in turn; colours follow the quadrant each sample started in. Grey: the training data.',
        ),
        stageGrid,
        equation,
        lossPlot,
      ),
    ),
  );

  // ---- state -----------------------------------------------------------------------------
  // The PixelCNN, its sampler and the flow live in a Web Worker; the page keeps what it draws.
  const restored = isSuspended(ctx.restored) ? ctx.restored : undefined;
  const exclusive = serial();
  let disposed = false;
  let worker: TrainingWorker<SequentialWorkerApi> | undefined;
  let modelLoaded = false;
  let pix: PixelFrame | undefined;
  let digitCells: DigitCells[] = [];
  let pixelsDrawn = 0;
  let msPerPass: number | undefined;
  let finishedAt: number | undefined;
  let batchNumber = 0;
  let batchSeed = 0;

  let flowSteps = 0;
  let flowData: Float32Array | undefined;
  let snapshot: LayerSnapshot | undefined;
  let snapshotShown = true;
  const history = new LossHistory();
  const flowSpeed = new StepRate();
  let lastFlowDraw = Number.NEGATIVE_INFINITY;

  const api = () => {
    if (worker === undefined) throw new Error('the sequential worker is not running');
    return worker.api;
  };

  const headline = () => {
    if (pix === undefined) return Number.NaN;
    let total = 0;
    for (const ll of pix.logLikelihood) total -= ll;
    return total / pix.n;
  };

  const showProgress = () => {
    stepText.textContent = String(pixelsDrawn);
    metricText.textContent = formatNumber(headline());
  };

  // ---- PixelCNN panel --------------------------------------------------------------------
  const buildDigits = (n: number) => {
    digitCells = Array.from({ length: n }, (_, j) => {
      const sample = h('canvas', { 'aria-label': `digit ${j + 1}: pixels drawn` });
      const probability = h('canvas', {
        'aria-label': `digit ${j + 1}: p(x_i = 1 | x_<i) of each pixel drawn`,
      });
      const caption = h('figcaption', {});
      const figure = h(
        'figure',
        { class: 'seq-digit' },
        h('div', {}, h('div', { class: 'seq-canvas-label' }, 'sample'), sample),
        h('div', {}, h('div', { class: 'seq-canvas-label' }, 'p(xᵢ = 1 | x<ᵢ)'), probability),
        caption,
      );
      return { figure, sample, probability, caption };
    });
    digits.replaceChildren(...digitCells.map((c) => c.figure));
  };

  const drawDigits = () => {
    const s = pix;
    if (s === undefined) return;
    if (digitCells.length !== s.n) buildDigits(s.n);
    const side = s.width;
    const size = s.size;
    digitCells.forEach((cells, j) => {
      drawDigit(cells.sample, s.pixels, j * size, side, s.drawn, 'sample');
      drawDigit(cells.probability, s.probabilities, j * size, side, s.drawn, 'probability');
      const nll = `−log p so far ${formatNumber(-s.logLikelihood[j]!)} nats`;
      if (s.done) {
        cells.caption.textContent = `done: ${formatCount(size)} pixels, ${nll}`;
      } else {
        const r = Math.floor(s.drawn / side);
        const c = s.drawn % side;
        cells.caption.textContent = `next pixel (${r}, ${c}): p(xᵢ = 1 | x<ᵢ) = ${formatNumber(s.next[j]!, { digits: 3 })} · ${nll}`;
      }
    });
  };

  /** A new batch of digits, seeded by the seed field and the batch number (or `state` continued). */
  const newBatch = async (fresh: boolean, state?: SamplerSuspended) => {
    if (!modelLoaded) return;
    if (fresh) {
      batchNumber = 0;
      pixelsDrawn = 0;
      batchSeed = seedField.value();
    }
    finishedAt = undefined;
    const frame =
      state === undefined
        ? await api().newBatch(digitsField.value(), batchSeed, batchNumber)
        : await api().newBatch(state.state.n, state.seed, state.batch, state.state);
    batchNumber = (state?.batch ?? batchNumber) + 1;
    if (state !== undefined) batchSeed = state.seed;
    pix = frame;
    scheduleDraw();
  };

  const samplePixels = async () => {
    const s = pix;
    if (s === undefined) return;
    if (s.done) {
      finishedAt ??= performance.now();
      if (performance.now() - finishedAt >= FINISHED_PAUSE_MS) await newBatch(false);
      return;
    }
    const budget = msPerPass === undefined ? 1 : Math.floor(CHUNK_BUDGET_MS / msPerPass);
    const count = Math.max(1, Math.min(speedField.value(), budget));
    const frame = await api().sample(count);
    const perPass = frame.ms / Math.max(1, frame.count);
    msPerPass = msPerPass === undefined ? perPass : 0.7 * msPerPass + 0.3 * perPass;
    pixelsDrawn += frame.count;
    pix = frame;
  };

  // ---- flow panel ------------------------------------------------------------------------
  const flowSettings = (): FlowSettings => ({
    dataset: datasetSelect.value as ToyName,
    learningRate: lrField.value(),
    batchSize: batchField.value(),
    seed: flowSeedField.value(),
  });

  const drawLoss = () => {
    lossPlot.replaceChildren(
      lossCurvePlot(history, {
        width: Math.max(260, lossPlot.clientWidth),
        yLabel: 'flow NLL (nats per point)',
      }),
    );
  };

  const drawStage = (layers: LayerSnapshot, k: number) => {
    const cells = stages[k]!;
    const width = Math.max(120, cells.plot.clientWidth);
    cells.plot.replaceChildren(
      stagePlot(layers, k, width, k === FLOW_LAYERS ? flowData : undefined),
    );
    if (k > 0) cells.logDet.textContent = logDetText(layers, k);
  };

  const drawEquation = (layers: LayerSnapshot) => {
    const sum = layers.meanLogDet.reduce((a, b) => a + b, 0);
    equation.textContent =
      `Mean over the samples: log p(z) = ${formatNumber(layers.meanBaseLogProb)}, ` +
      `Σₖ log |det Jₖ| = ${formatNumber(sum)}, so log p(x) = log p(z) − Σₖ log |det Jₖ| = ` +
      `${formatNumber(layers.meanChangeOfVariables)} (flow.logProb(x): ${formatNumber(layers.meanFlowLogProb)}).`;
  };

  const newFlow = async (state?: { settings: FlowSettings; checkpoint: FlowCheckpoint }) => {
    history.clear();
    flowSpeed.pause();
    flowRate.textContent = '';
    const { frame, data } = await api().newFlow(
      state?.settings ?? flowSettings(),
      DATA_SHOWN,
      state?.checkpoint,
    );
    flowData = data;
    flowSteps = frame.step;
    flowStep.textContent = String(frame.step);
    flowNll.textContent = formatNumber(frame.nll);
    if (frame.snapshot !== undefined) {
      snapshot = frame.snapshot;
      snapshotShown = false;
    }
    lastFlowDraw = performance.now();
    scheduleDraw();
  };

  const trainFlow = async () => {
    const due = performance.now() - lastFlowDraw >= FLOW_REDRAW_MS;
    const frame = await api().trainFlow(FLOW_CHUNKS, due);
    flowSteps = frame.step;
    history.push(frame.step, { NLL: frame.nll });
    flowStep.textContent = String(frame.step);
    flowNll.textContent = formatNumber(frame.nll);
    const speed = flowSpeed.record(frame.step, performance.now());
    if (speed !== undefined)
      flowRate.textContent = `${formatNumber(speed, { digits: 3 })} flow steps/s`;
    if (frame.snapshot !== undefined) {
      snapshot = frame.snapshot;
      snapshotShown = false;
      lastFlowDraw = performance.now();
    }
  };

  // ---- drawing: at most one piece of work per animation frame ---------------------------
  // Digits and numbers are cheap and drawn every frame a chunk lands; the flow's five plots and
  // its loss curve cost more, so each goes in a frame of its own (no long task on the page).
  let framePending = false;
  let flowQueue: (() => void)[] = [];
  const scheduleDraw = () => {
    if (framePending || disposed) return;
    framePending = true;
    requestAnimationFrame(() => {
      framePending = false;
      if (disposed) return;
      drawDigits();
      showProgress();
      if (!snapshotShown && snapshot !== undefined) {
        snapshotShown = true;
        const layers = snapshot;
        flowQueue = [
          ...stages.map((_, k) => () => drawStage(layers, k)),
          () => {
            drawEquation(layers);
            drawLoss();
          },
        ];
      }
      const next = flowQueue.shift();
      next?.();
      if (flowQueue.length > 0) scheduleDraw();
    });
  };
  /** Draws everything pending at once (at mount: the page shows a complete view). */
  const drawNow = () => {
    drawDigits();
    showProgress();
    if (!snapshotShown && snapshot !== undefined) {
      snapshotShown = true;
      flowQueue = [];
      for (let k = 0; k < stages.length; k++) drawStage(snapshot, k);
      drawEquation(snapshot);
      drawLoss();
    }
    // Plots an animation frame has begun: the rest of them now.
    for (let next = flowQueue.shift(); next !== undefined; next = flowQueue.shift()) next();
  };
  const redrawFlow = () => {
    if (snapshot === undefined) return;
    snapshotShown = false;
    scheduleDraw();
  };

  // ---- wiring ----------------------------------------------------------------------------
  const guarded = (task: () => Promise<void>) => () =>
    exclusive(async () => {
      if (disposed) return;
      try {
        await task();
        status.textContent = '';
      } catch (error) {
        if (disposed) return;
        console.error(error);
        status.textContent = `Not applied: ${error instanceof Error ? error.message : String(error)}`;
      }
    });
  const restartSampling = guarded(() => newBatch(true));
  const restartFlow = guarded(() => newFlow());
  digitsField.onChange(() => void restartSampling());
  seedField.onChange(() => void restartSampling());
  restart.addEventListener('click', () => void restartSampling());
  for (const field of [lrField, batchField, flowSeedField])
    field.onChange(() => void restartFlow());
  datasetSelect.addEventListener('change', () => void restartFlow());
  resetFlow.addEventListener('click', () => void restartFlow());

  const loop = new TrainLoop({
    signal: ctx.signal,
    button: train,
    status,
    steps: () => pixelsDrawn,
    rate,
    chunk: () =>
      exclusive(async () => {
        if (disposed) return;
        root.dataset.chunk = 'running';
        try {
          await samplePixels();
          await trainFlow();
        } finally {
          delete root.dataset.chunk;
        }
        scheduleDraw();
      }),
  });
  ctx.signal.addEventListener('abort', () => loop.pause(), { once: true });
  // Plots are sized from their containers: redraw them when the window changes size.
  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  const onResize = () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(redrawFlow, 200);
  };
  window.addEventListener('resize', onResize);
  // On pause, bring the throttled flow plots up to date.
  train.addEventListener('click', () => {
    if (loop.isRunning) return;
    void exclusive(async () => {
      if (disposed || worker === undefined) return;
      snapshot = await worker.api.flowSnapshot();
      lastFlowDraw = performance.now();
      redrawFlow();
    });
  });

  // ---- start -----------------------------------------------------------------------------
  train.hidden = true;
  if (restored !== undefined) {
    // A backend switch: the settings in force before it, then the runs continued below.
    digitsField.set(restored.digits);
    seedField.set(restored.seed);
    speedField.set(restored.speed);
    datasetSelect.value = restored.flowSettings.dataset;
    lrField.set(restored.flowSettings.learningRate);
    batchField.set(restored.flowSettings.batchSize);
    flowSeedField.set(restored.flowSettings.seed);
  }
  worker = await startTrainingWorker<SequentialWorkerApi>(
    new Worker(new URL('../worker/sequential.worker.ts', import.meta.url), {
      type: 'module',
      name: 'sequential sampling and training',
    }),
    ctx.backend(),
    ctx.signal,
  );
  workerNote.textContent = worker.backend.note;
  // The worker's relative URLs resolve against its script: give it the page's absolute URL.
  const weightsUrl = new URL(
    `${import.meta.env.BASE_URL}${PRETRAINED_PIXELCNN_PATH}`,
    document.baseURI,
  ).href;
  const loading = worker.api.loadPixelCnn(weightsUrl).then(
    (info) => ({ info }),
    (error: unknown) => ({ error }),
  );
  await exclusive(async () => {
    if (restored?.flow !== undefined) {
      try {
        await newFlow({ settings: restored.flowSettings, checkpoint: restored.flow });
        for (const p of restored.history) history.push(p.step, { NLL: p.value });
        return;
      } catch (error) {
        console.warn(error);
      }
    }
    await newFlow();
  });
  const result = await loading;
  if ('info' in result) {
    const { layers, kernelSize, channels } = result.info;
    modelLoaded = true;
    origin.textContent =
      `The released run pretrained/pixelcnn-mnist: PixelCNN with ${String(layers)} masked ` +
      `${String(kernelSize)}×${String(kernelSize)} convolutions of ${String(channels)} channels, ` +
      'trained one epoch on binarised MNIST (test NLL 95.8 nats). One network pass per pixel.';
    await exclusive(async () => {
      if (restored?.sampler !== undefined) {
        try {
          await newBatch(false, restored.sampler);
          pixelsDrawn = restored.pixelsDrawn;
          return;
        } catch (error) {
          console.warn(error);
        }
      }
      await newBatch(true);
    });
  } else if (!disposed) {
    const reason = result.error;
    console.warn(reason);
    origin.textContent = `The trained PixelCNN could not be loaded (${reason instanceof Error ? reason.message : String(reason)}); only the flow trains.`;
  }
  if (restored !== undefined) {
    status.textContent = `Continued at ${formatCount(pixelsDrawn)} pixels and flow step ${formatCount(flowSteps)} on ${worker.backend.active}.`;
  }
  drawNow();
  train.hidden = false;

  return {
    async suspend(): Promise<Suspended | undefined> {
      loop.pause();
      return exclusive(async () => {
        if (worker === undefined || worker.terminated) return undefined;
        const state = await worker.api.suspend();
        return {
          kind: 'sequential/v1' as const,
          digits: digitsField.value(),
          seed: seedField.value(),
          speed: speedField.value(),
          flowSettings: flowSettings(),
          pixelsDrawn,
          history: history.rows(0).map(({ step, value }) => ({ step, value })),
          ...(state.sampler === undefined ? {} : { sampler: state.sampler }),
          ...(state.flow === undefined ? {} : { flow: state.flow }),
        };
      });
    },
    dispose() {
      disposed = true;
      loop.pause();
      clearTimeout(resizeTimer);
      window.removeEventListener('resize', onResize);
      worker?.terminate();
    },
  };
}

const view: DemoView = { id: 'sequential', title: 'Autoregressive and flow models', mount };
export default view;
