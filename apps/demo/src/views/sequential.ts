/**
 * View: autoregressive and flow models. The released PixelCNN samples digits pixel by pixel in
 * raster order (one network pass per pixel), with each pixel's conditional p(x_i = 1 | x_<i)
 * beside the sample; a RealNVP trained live on a 2-D toy set is opened up layer by layer, with
 * each layer's log |det J| in the change of variables log p(x) = log p(z) − Σ log |det J|.
 */
import type { PixelCnn } from '@gen/autoregressive';
import { Rng } from '@gen/core';
import type { ToyName } from '@gen/data';
import * as tf from '@tensorflow/tfjs-core';
import { h } from '../shell/dom.js';
import { numberField } from '../shell/field.js';
import { formatCount, formatNumber } from '../shell/format.js';
import { LossHistory, lossCurvePlot } from '../shell/loss-curve.js';
import { serial } from '../shell/serial.js';
import { rateElement, StepRate, TrainLoop } from '../shell/train-loop.js';
import {
  DEFAULT_FLOW_SETTINGS,
  FLOW_DATA_SETS,
  FLOW_LAYERS,
  FlowRun,
  type FlowSettings,
  type LayerSnapshot,
} from './sequential/flow-layers.js';
import {
  fetchPretrainedPixelCnn,
  PixelSampler,
  PRETRAINED_PIXELCNN_PATH,
} from './sequential/pixel-sampler.js';
import { drawDigit, logDetText, stagePlot, stageTitle } from './sequential/render.js';
import type { DemoView, ViewContext, ViewHandle } from './types.js';
import './sequential/style.css';

/** Wall time a chunk of PixelCNN passes may take, so the page stays responsive (ms). */
const PASS_BUDGET_MS = 150;
/** The flow's plots are redrawn at most this often while training (ms): drawing costs more than training. */
const FLOW_REDRAW_MS = 1500;
/** How long a finished batch of digits stays on screen before the next one starts (ms). */
const FINISHED_PAUSE_MS = 1500;
/** Training points shown under the data-space plot. */
const DATA_SHOWN = 500;

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
        'follows from the change of variables log p(x) = log p(z) − Σₖ log |det Jₖ|, shown layer by layer.',
    ),
    h(
      'div',
      { class: 'toolbar' },
      train,
      h('span', {}, 'pixels drawn ', stepText),
      h('span', {}, metricLabel, ' ', metricText),
      rate,
    ),
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
  const exclusive = serial();
  let disposed = false;
  let model: PixelCnn | undefined;
  let sampler: PixelSampler | undefined;
  let digitCells: DigitCells[] = [];
  let pixelsDrawn = 0;
  let msPerPass: number | undefined;
  let finishedAt: number | undefined;
  let batchNumber = 0;

  let flowRun: FlowRun | undefined;
  let flowData: Float32Array | undefined;
  const history = new LossHistory();
  const flowSpeed = new StepRate();
  let lastFlowDraw = Number.NEGATIVE_INFINITY;

  const headline = () => {
    if (sampler === undefined) return Number.NaN;
    let total = 0;
    for (const ll of sampler.logLikelihood) total -= ll;
    return total / sampler.n;
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
    const s = sampler;
    if (s === undefined) return;
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

  /** A new batch of digits, seeded by the seed field and the batch number. */
  const newSampler = async (fresh: boolean) => {
    if (model === undefined) return;
    if (fresh) {
      batchNumber = 0;
      pixelsDrawn = 0;
    }
    sampler?.dispose();
    sampler = undefined;
    const n = digitsField.value();
    const next = new PixelSampler(model, n, Rng.fromSeed(seedField.value() + 7919 * batchNumber));
    batchNumber++;
    finishedAt = undefined;
    await next.readNext();
    sampler = next;
    if (digitCells.length !== n) buildDigits(n);
    drawDigits();
    showProgress();
  };

  const samplePixels = async () => {
    const s = sampler;
    if (s === undefined) return;
    if (s.done) {
      finishedAt ??= performance.now();
      if (performance.now() - finishedAt >= FINISHED_PAUSE_MS) await newSampler(false);
      return;
    }
    const budget = msPerPass === undefined ? 1 : Math.floor(PASS_BUDGET_MS / msPerPass);
    const count = Math.max(1, Math.min(speedField.value(), budget));
    const start = performance.now();
    const drawn = await s.step(count);
    const perPass = (performance.now() - start) / Math.max(1, drawn);
    msPerPass = msPerPass === undefined ? perPass : 0.7 * msPerPass + 0.3 * perPass;
    pixelsDrawn += drawn;
    drawDigits();
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

  const drawFlow = async () => {
    const run = flowRun;
    if (run === undefined) return;
    lastFlowDraw = performance.now();
    const snapshot: LayerSnapshot = await run.snapshot();
    if (disposed || run !== flowRun) return;
    stages.forEach((cells, k) => {
      const width = Math.max(120, cells.plot.clientWidth);
      cells.plot.replaceChildren(
        stagePlot(snapshot, k, width, k === FLOW_LAYERS ? flowData : undefined),
      );
      if (k > 0) cells.logDet.textContent = logDetText(snapshot, k);
    });
    const sum = snapshot.meanLogDet.reduce((a, b) => a + b, 0);
    equation.textContent =
      `Mean over the samples: log p(z) = ${formatNumber(snapshot.meanBaseLogProb)}, ` +
      `Σₖ log |det Jₖ| = ${formatNumber(sum)}, so log p(x) = log p(z) − Σₖ log |det Jₖ| = ` +
      `${formatNumber(snapshot.meanChangeOfVariables)} (flow.logProb(x): ${formatNumber(snapshot.meanFlowLogProb)}).`;
  };

  const newFlow = async () => {
    flowRun?.dispose();
    flowRun = undefined;
    history.clear();
    flowSpeed.pause();
    flowRate.textContent = '';
    const run = new FlowRun(flowSettings());
    flowRun = run;
    const shown = tf.slice(run.data, [0, 0], [DATA_SHOWN, 2]);
    flowData = (await shown.data()) as Float32Array;
    shown.dispose();
    const nll = await run.nll();
    flowStep.textContent = '0';
    flowNll.textContent = formatNumber(nll);
    drawLoss();
    await drawFlow();
  };

  const trainFlow = async () => {
    const run = flowRun;
    if (run === undefined) return;
    const loss = await run.train();
    history.push(run.step, { NLL: loss });
    flowStep.textContent = String(run.step);
    flowNll.textContent = formatNumber(loss);
    const speed = flowSpeed.record(run.step, performance.now());
    if (speed !== undefined)
      flowRate.textContent = `${formatNumber(speed, { digits: 3 })} flow steps/s`;
  };

  // ---- wiring ----------------------------------------------------------------------------
  const guarded = (task: () => Promise<void>) => () =>
    exclusive(async () => {
      if (disposed) return;
      try {
        await task();
        status.textContent = '';
      } catch (error) {
        console.error(error);
        status.textContent = `Not applied: ${error instanceof Error ? error.message : String(error)}`;
      }
    });
  const restartSampling = guarded(async () => {
    await newSampler(true);
    showProgress();
  });
  const restartFlow = guarded(newFlow);
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
        await samplePixels();
        // Short chunks keep the page responsive: the flow trains, or (when due) is redrawn.
        if (performance.now() - lastFlowDraw >= FLOW_REDRAW_MS) {
          drawLoss();
          await drawFlow();
        } else {
          await trainFlow();
        }
        showProgress();
      }),
  });
  ctx.signal.addEventListener('abort', () => loop.pause(), { once: true });
  // Plots are sized from their containers: redraw them when the window changes size.
  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  const onResize = () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      void exclusive(async () => {
        if (disposed) return;
        drawLoss();
        await drawFlow();
      });
    }, 200);
  };
  window.addEventListener('resize', onResize);
  // On pause, bring the throttled flow plots up to date.
  train.addEventListener('click', () => {
    if (loop.isRunning) return;
    void exclusive(async () => {
      if (disposed) return;
      drawLoss();
      await drawFlow();
    });
  });

  // ---- start -----------------------------------------------------------------------------
  train.hidden = true;
  const base = import.meta.env.BASE_URL;
  const fetched = fetchPretrainedPixelCnn(`${base}${PRETRAINED_PIXELCNN_PATH}`, ctx.signal).then(
    (loaded) => ({ loaded }),
    (error: unknown) => ({ error }),
  );
  await exclusive(newFlow);
  const result = await fetched;
  if ('loaded' in result) {
    if (ctx.signal.aborted) result.loaded.dispose();
    else {
      model = result.loaded;
      const options = model.toConfig().options;
      origin.textContent =
        `The released run pretrained/pixelcnn-mnist: PixelCNN with ${String(options.layers)} masked ` +
        `${String(options.kernelSize)}×${String(options.kernelSize)} convolutions of ${String(options.channels)} channels, ` +
        'trained one epoch on binarised MNIST (test NLL 95.8 nats). One network pass per pixel.';
      await exclusive(() => newSampler(true));
    }
  } else {
    const reason = result.error;
    console.warn(reason);
    origin.textContent = `The trained PixelCNN could not be loaded (${reason instanceof Error ? reason.message : String(reason)}); only the flow trains.`;
  }
  showProgress();
  train.hidden = false;

  return {
    dispose() {
      disposed = true;
      loop.pause();
      clearTimeout(resizeTimer);
      window.removeEventListener('resize', onResize);
      void exclusive(async () => {
        sampler?.dispose();
        sampler = undefined;
        flowRun?.dispose();
        flowRun = undefined;
        model?.dispose();
        model = undefined;
      });
    },
  };
}

const view: DemoView = { id: 'sequential', title: 'Autoregressive and flow models', mount };
export default view;
