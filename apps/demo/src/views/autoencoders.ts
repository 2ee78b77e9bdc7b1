/**
 * View 6, autoencoders on MNIST: a deterministic autoencoder (`Autoencoder.mlp` of @gen/vae,
 * 784-h-L-h-784, Bernoulli reconstruction loss) trained live by @gen/train, optionally as a
 * denoising autoencoder (pixels zeroed or Gaussian noise on the input, the clean digit as the
 * target). Shows labelled reconstruction rows, the 2-D code map, a latent traversal of any test
 * digit and the loss over time; the headline is the held-out reconstruction loss in nats.
 */
import './autoencoders/style.css';
import { isGenError } from '@gen/core';
import { h, labelled } from '../shell/dom.js';
import { numberField } from '../shell/field.js';
import { formatCount, formatNumber } from '../shell/format.js';
import { LossHistory, lossCurvePlot } from '../shell/loss-curve.js';
import { serial } from '../shell/serial.js';
import { rateElement, TrainLoop } from '../shell/train-loop.js';
import type { AeFrame, AutoencodersWorkerApi } from '../worker/autoencoders.worker.js';
import { startTrainingWorker } from '../worker/client.js';
import { codeMapPlot, type DigitRow, digitRows } from './autoencoders/plots.js';
import {
  type AeSettings,
  type AeSnapshot,
  DEFAULT_SETTINGS,
  MAP_POINTS,
  type NoiseKind,
  RECON_COUNT,
  STEPS_PER_CHUNK,
  TRAVERSAL_SPAN,
  TRAVERSAL_STEPS,
} from './autoencoders/trainer.js';
import { columnAt } from './autoencoders/traversal.js';
import type { DemoView, ViewContext, ViewHandle } from './types.js';
import { MNIST_ASSETS } from './vae/mnist-asset.js';

/** What the view hands over across a backend switch (plain data). */
interface Suspended {
  kind: 'autoencoders/v1';
  snapshot: AeSnapshot;
  picked: number;
  losses: { series: string; step: number; value: number }[];
  batchLoss: string;
}

function isSuspended(value: unknown): value is Suspended {
  return (value as Suspended | undefined)?.kind === 'autoencoders/v1';
}

/** While training, the digit panels are redrawn at most this often (ms); always when paused. */
const RENDER_EVERY_MS = 2500;
/** While training, the loss plot is redrawn at most this often (ms); always when paused. */
const LOSS_EVERY_MS = 1000;

const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';
const subscript = (n: number) =>
  String(n)
    .split('')
    .map((c) => SUBSCRIPT[Number(c)] ?? c)
    .join('');

function card(title: string, ...children: (Node | string)[]): HTMLElement {
  return h('div', { class: 'card' }, h('h3', {}, title), ...children);
}

async function mount(root: HTMLElement, ctx: ViewContext): Promise<ViewHandle> {
  const d = DEFAULT_SETTINGS;
  const train = h('button', { type: 'button', 'data-testid': 'train', disabled: '' }, 'Train');
  const reset = h('button', { type: 'button', disabled: '' }, 'Reset');
  const stepText = h('span', { 'data-testid': 'step', class: 'stat' }, '0');
  const metricText = h('span', { 'data-testid': 'metric', class: 'stat' }, '—');
  const denoisingText = h('span', { 'data-testid': 'denoising-loss', class: 'stat' }, '—');
  const batchText = h('span', { class: 'stat' }, '—');
  const rate = rateElement();
  const status = h('p', { class: 'note', role: 'status' }, 'Loading MNIST…');
  const latentSize = numberField({
    label: 'bottleneck size',
    value: d.latentSize,
    min: 1,
    max: 32,
    integer: true,
    testid: 'latent-size',
    hint: '(restarts)',
  });
  const hiddenSize = numberField({
    label: 'hidden width',
    value: d.hiddenSize,
    min: 8,
    max: 1024,
    integer: true,
    testid: 'hidden-size',
    hint: '(restarts)',
  });
  const learningRate = numberField({
    label: 'learning rate',
    value: d.learningRate,
    min: 1e-5,
    max: 0.1,
    step: 1e-4,
    testid: 'learning-rate',
  });
  const batchSize = numberField({
    label: 'batch size',
    value: d.batchSize,
    min: 1,
    max: 1024,
    integer: true,
    testid: 'batch-size',
  });
  const noiseKind = h(
    'select',
    { 'data-testid': 'noise' },
    h('option', { value: 'none' }, 'none (plain autoencoder)'),
    h('option', { value: 'mask' }, 'zero pixels (probability p)'),
    h('option', { value: 'gaussian' }, 'Gaussian noise (σ)'),
  );
  noiseKind.value = d.noise;
  const noiseLevel = numberField({
    label: 'noise level (p or σ)',
    value: d.noiseLevel,
    min: 0,
    max: 0.95,
    step: 0.05,
    testid: 'noise-level',
  });
  const sizeButtons = [2, 5].map((n) =>
    h('button', { type: 'button', 'data-size': String(n) }, `L = ${n}`),
  );
  const recon = h('div', { 'data-testid': 'reconstructions' });
  const reconNote = h('p', { class: 'note' });
  const codeMap = h('div', { class: 'plot', 'aria-label': 'codes of test digits' });
  const codeNote = h('p', { class: 'note' });
  const lossChart = h('div', { class: 'plot', 'aria-label': 'reconstruction loss over training' });
  const picked = numberField({
    label: 'test digit #',
    value: 0,
    min: 0,
    max: MNIST_ASSETS.test.count - 1,
    integer: true,
    testid: 'picked',
  });
  const traversal = h('div', { 'data-testid': 'traversal' });
  const traversalNote = h('p', { class: 'note' });
  const workerNote = h('p', { class: 'note', 'data-testid': 'worker-note' });

  root.append(
    h('h2', {}, 'Autoencoders on MNIST: bottleneck, denoising, latent traversal'),
    h(
      'p',
      { class: 'lead' },
      'A deterministic autoencoder (Autoencoder.mlp of @gen/vae: 784 → hidden → bottleneck → hidden → 784, ReLU) ' +
        'learns to reconstruct dynamically binarised MNIST digits under a Bernoulli (binary cross-entropy) loss, in your browser. ' +
        'With noise on, it is a denoising autoencoder: the input is corrupted, the target stays the clean digit. ' +
        'The headline is the reconstruction loss (nats per image) of 256 clean held-out test digits. ' +
        'It trains in a Web Worker, so the page stays responsive.',
    ),
    h(
      'div',
      { class: 'toolbar' },
      train,
      reset,
      h('span', {}, 'step ', stepText),
      h('span', {}, 'held-out reconstruction loss ', metricText, ' nats'),
      h('span', {}, 'from corrupted inputs ', denoisingText),
      h('span', {}, 'batch loss ', batchText),
      rate,
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('span', { class: 'ae-sizes' }, latentSize.element, ...sizeButtons),
      hiddenSize.element,
      learningRate.element,
      batchSize.element,
      labelled('input noise', noiseKind),
      noiseLevel.element,
    ),
    workerNote,
    status,
    h(
      'div',
      { class: 'cards ae-stack' },
      h(
        'div',
        { class: 'card wide' },
        h('h3', {}, 'Reconstructions of test digits'),
        recon,
        reconNote,
      ),
    ),
    h(
      'div',
      { class: 'cards ae-pair', style: 'align-items: start' },
      card('Code map (test digits)', codeMap, codeNote),
      card('Reconstruction loss over training', lossChart),
    ),
    h(
      'div',
      { class: 'cards' },
      h(
        'div',
        { class: 'card wide' },
        h('h3', {}, 'Latent traversal'),
        h('div', { class: 'toolbar' }, picked.element),
        traversal,
        traversalNote,
      ),
    ),
  );

  const worker = await startTrainingWorker<AutoencodersWorkerApi>(
    new Worker(new URL('../worker/autoencoders.worker.ts', import.meta.url), {
      type: 'module',
      name: 'autoencoders training',
    }),
    ctx.backend(),
    ctx.signal,
  );
  workerNote.textContent = worker.backend.note;
  const api = worker.api;
  let testLabels: Uint8Array;
  let testCount: number;
  try {
    // A worker resolves relative URLs against its own script: it gets the page's absolute base.
    ({ testLabels, testCount } = await api.init(
      new URL(import.meta.env.BASE_URL, document.baseURI).href,
    ));
  } catch (error) {
    worker.terminate();
    throw error;
  }
  const exclusive = serial();
  const history = new LossHistory();
  /** The latest frame: step, settings in force, noise. */
  let last: AeFrame | undefined;
  let lastRender = 0;
  let disposed = false;

  const settings = (): AeSettings => ({
    learningRate: learningRate.value(),
    batchSize: batchSize.value(),
    latentSize: latentSize.value(),
    hiddenSize: hiddenSize.value(),
    noise: noiseKind.value as NoiseKind,
    noiseLevel: noiseLevel.value(),
  });
  const steps = () => last?.step ?? 0;
  const pickedIndex = () => Math.min(picked.value(), testCount - 1);

  const showHeldOut = (frame: AeFrame) => {
    const held = frame.held;
    metricText.textContent = formatNumber(held.clean, { decimals: 2 });
    denoisingText.textContent =
      frame.noise === null ? 'no noise' : `${formatNumber(held.denoising, { decimals: 2 })} nats`;
    if (!Number.isFinite(held.clean)) {
      loop.pause();
      status.textContent = `The held-out loss is not finite at step ${formatCount(frame.step)}; lower the learning rate and reset.`;
    }
  };

  const drawLoss = () => {
    const width = Math.max(260, lossChart.clientWidth || 360);
    lossChart.replaceChildren(
      lossCurvePlot(history, { width, yLabel: 'nats per image', smoothing: 0.8 }),
    );
  };

  // While training, chunks land faster than a plot is worth redrawing: at most once a second,
  // in an animation frame.
  let lossTimer: ReturnType<typeof setTimeout> | undefined;
  let lastLossDraw = 0;
  const scheduleLoss = () => {
    if (lossTimer !== undefined) return;
    const wait = Math.max(0, LOSS_EVERY_MS - (performance.now() - lastLossDraw));
    lossTimer = setTimeout(() => {
      requestAnimationFrame(() => {
        lossTimer = undefined;
        if (ctx.signal.aborted) return;
        lastLossDraw = performance.now();
        drawLoss();
      });
    }, wait);
  };

  /** Draws the panels of `frame` (asked for test digit `index`). */
  const render = (frame: AeFrame, index: number) => {
    const panels = frame.panels;
    if (panels === null || ctx.signal.aborted) return;
    lastRender = performance.now();
    const L = frame.settings.latentSize;
    const rows: DigitRow[] = [{ label: 'input', values: panels.inputs, key: 'input' }];
    if (panels.corrupted !== null) {
      rows.push({ label: 'corrupted', values: panels.corrupted, key: 'corrupted' });
    }
    rows.push({ label: 'reconstruction', values: panels.reconstructions, key: 'reconstruction' });
    recon.replaceChildren(digitRows(rows, RECON_COUNT, 'Test digits'));
    const noise = frame.noise;
    reconNote.textContent =
      (noise === null
        ? `Test digits #0–${RECON_COUNT - 1} and their reconstructions through a ${L}-number bottleneck.`
        : `Test digits #0–${RECON_COUNT - 1}, the same digits corrupted (${noise.type === 'mask' ? `each pixel zeroed with probability ${formatNumber(noise.rate)}` : `Gaussian noise, σ = ${formatNumber(noise.std)}`}, one fixed draw) and the reconstructions of the corrupted digits.`) +
      ' Click a digit to traverse its code.';
    if (L >= 2) {
      const width = Math.max(260, Math.min(520, codeMap.clientWidth || 360));
      codeMap.replaceChildren(codeMapPlot(panels.codes, L, testLabels, index, width));
      const count = formatCount(Math.min(MAP_POINTS, testCount));
      codeNote.textContent =
        L === 2
          ? `Codes z = f(x) of ${count} test digits, coloured by label; the picked digit is ringed.`
          : `Bottleneck ${L}: the first two of ${L} code dimensions (z₁, z₂) of ${count} test digits.`;
    } else {
      codeMap.replaceChildren();
      codeNote.textContent =
        'A 1-number bottleneck has no 2-D map; choose a bottleneck of 2 or more.';
    }
    const trows: DigitRow[] = [];
    const per = TRAVERSAL_STEPS * 28 * 28;
    for (let dim = 0; dim < L; dim++) {
      trows.push({
        label: `z${subscript(dim + 1)}`,
        values: panels.traversal.subarray(dim * per, (dim + 1) * per),
        key: `z${dim + 1}`,
      });
    }
    traversal.replaceChildren(
      digitRows(trows, TRAVERSAL_STEPS, `Traversal of test digit ${index}`),
    );
    const code = Array.from(panels.pickedCode, (v) => formatNumber(v, { digits: 3 })).join(', ');
    traversalNote.textContent =
      `Test digit #${index} (label ${testLabels[index]}) has code (${code}). ` +
      `Row zᵢ decodes that code with dimension i alone set to ${TRAVERSAL_STEPS} values from its mean − ${TRAVERSAL_SPAN}σ to mean + ${TRAVERSAL_SPAN}σ over the codes of ${formatCount(Math.min(MAP_POINTS, testCount))} test digits.`;
  };

  /** Shows a frame: step, held-out losses, the loss plot and (when it has them) the panels. */
  const show = (frame: AeFrame, index: number) => {
    if (ctx.signal.aborted) return;
    last = frame;
    stepText.textContent = String(frame.step);
    showHeldOut(frame);
    if (loop.isRunning) scheduleLoss();
    else drawLoss();
    render(frame, index);
  };

  /** Asks the worker for the model as it is, with the panels of the picked digit, and shows it. */
  const refresh = async () => {
    const index = pickedIndex();
    show(await api.frame(index), index);
  };

  const setBusy = (busy: boolean) => {
    train.disabled = busy;
    reset.disabled = busy;
  };

  const restart = () => {
    loop.pause();
    setBusy(true);
    return exclusive(async () => {
      if (disposed) return;
      const index = pickedIndex();
      const frame = await api.reset(settings(), index);
      history.clear();
      batchText.textContent = '—';
      status.textContent = '';
      show(frame, index);
      setBusy(false);
    }).catch(fail);
  };

  const fail = (error: unknown) => {
    if (ctx.signal.aborted) return;
    loop.pause();
    setBusy(false);
    console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    // Comlink keeps an error's name and message, not its class.
    const numerical =
      isGenError(error, 'NUMERICAL_FAILURE') ||
      (error as Error | undefined)?.name === 'NumericalError';
    status.textContent = `${message}${numerical ? ' Lower the learning rate and reset.' : ''}`;
  };

  /** Runs `task` on the serial queue after the chunk in flight; redraws unless training. */
  const edit = (task: () => Promise<void>) =>
    exclusive(async () => {
      if (disposed) return;
      await task();
      if (!loop.isRunning) await refresh();
    }).catch(fail);

  const loop = new TrainLoop({
    signal: ctx.signal,
    button: train,
    status,
    steps,
    rate,
    chunk: () =>
      exclusive(async () => {
        if (ctx.signal.aborted || disposed) return;
        const index = pickedIndex();
        const redraw = !loop.isRunning || performance.now() - lastRender > RENDER_EVERY_MS;
        // Marks a chunk in flight (tests wait for it to land after a pause).
        root.dataset.chunk = 'running';
        const { batchLoss, frame } = await api
          .train(STEPS_PER_CHUNK, redraw ? index : null)
          .finally(() => {
            delete root.dataset.chunk;
          });
        if (ctx.signal.aborted) return;
        history.push(frame.step, {
          'training batch': batchLoss,
          'held-out (clean)': frame.held.clean,
        });
        batchText.textContent = formatNumber(batchLoss, { decimals: 2 });
        show(frame, index);
        // The chunk that ends a run (paused) always redraws, from the model it stopped with.
        if (frame.panels === null && !loop.isRunning) await refresh();
      }),
  });

  const restored = isSuspended(ctx.restored) ? ctx.restored : undefined;
  try {
    let continued = '';
    if (restored !== undefined) {
      const s = restored.snapshot.settings;
      latentSize.set(s.latentSize);
      hiddenSize.set(s.hiddenSize);
      learningRate.set(s.learningRate);
      batchSize.set(s.batchSize);
      noiseKind.value = s.noise;
      noiseLevel.set(s.noiseLevel);
      picked.set(restored.picked);
      try {
        await exclusive(async () => {
          const index = pickedIndex();
          const frame = await api.reset(s, index, restored.snapshot);
          for (const p of restored.losses) history.push(p.step, { [p.series]: p.value });
          batchText.textContent = restored.batchLoss;
          show(frame, index);
        });
        continued = `Continued at step ${steps()} on ${worker.backend.active}.`;
      } catch (error) {
        console.warn(error);
        continued = `The run could not be continued (${error instanceof Error ? error.message : String(error)}); started over.`;
      }
    }
    if (last === undefined) {
      await exclusive(async () => {
        const index = pickedIndex();
        show(await api.reset(settings(), index), index);
      });
    }
    status.textContent = continued;
  } catch (error) {
    worker.terminate();
    throw error;
  }
  setBusy(false);

  reset.addEventListener('click', () => void restart());
  latentSize.onChange(() => void restart());
  hiddenSize.onChange(() => void restart());
  for (const button of sizeButtons) {
    button.addEventListener('click', () => {
      const n = Number(button.dataset.size);
      const same = n === last?.settings.latentSize;
      latentSize.set(n);
      if (!same) void restart();
    });
  }
  learningRate.onChange((v) => void edit(() => api.setLearningRate(v)));
  batchSize.onChange((v) => void edit(() => api.setBatchSize(v)));
  const applyNoise = () =>
    void edit(() => api.setNoise(noiseKind.value as NoiseKind, noiseLevel.value()));
  noiseKind.addEventListener('change', applyNoise);
  noiseLevel.onChange(applyNoise);
  picked.onChange(() => void exclusive(refresh).catch(fail));
  recon.addEventListener('click', (event) => {
    const target = event.target;
    if (!(target instanceof HTMLCanvasElement)) return;
    const column = columnAt(event.offsetX, target.clientWidth, RECON_COUNT);
    picked.set(column);
    void exclusive(refresh).catch(fail);
  });

  return {
    async suspend(): Promise<Suspended> {
      loop.pause();
      return exclusive(async () => ({
        kind: 'autoencoders/v1' as const,
        snapshot: await api.snapshot(),
        picked: picked.value(),
        losses: history.rows(0).map(({ series, step, value }) => ({ series, step, value })),
        batchLoss: batchText.textContent ?? '—',
      }));
    },
    dispose() {
      loop.pause();
      disposed = true;
      worker.terminate();
    },
  };
}

const view: DemoView = { id: 'autoencoders', title: 'Autoencoders', mount };
export default view;
