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
import { codeMapPlot, type DigitRow, digitRows } from './autoencoders/plots.js';
import {
  AeTrainer,
  DEFAULT_SETTINGS,
  type HeldOut,
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
import { disposeMnistTensors, loadMnistTensors } from './vae/mnist-tensors.js';

/** While training, the digit panels are redrawn at most this often (ms); always when paused. */
const RENDER_EVERY_MS = 2500;

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

  root.append(
    h('h2', {}, 'Autoencoders on MNIST: bottleneck, denoising, latent traversal'),
    h(
      'p',
      { class: 'lead' },
      'A deterministic autoencoder (Autoencoder.mlp of @gen/vae: 784 → hidden → bottleneck → hidden → 784, ReLU) ' +
        'learns to reconstruct dynamically binarised MNIST digits under a Bernoulli (binary cross-entropy) loss, in your browser. ' +
        'With noise on, it is a denoising autoencoder: the input is corrupted, the target stays the clean digit. ' +
        'The headline is the reconstruction loss (nats per image) of 256 clean held-out test digits.',
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

  const data = await loadMnistTensors(import.meta.env.BASE_URL, ctx.signal);
  const testCount = data.test.shape[0];
  const exclusive = serial();
  const history = new LossHistory();
  let trainer: AeTrainer;
  let lastRender = 0;
  let disposed = false;

  const settings = () => ({
    learningRate: learningRate.value(),
    batchSize: batchSize.value(),
    latentSize: latentSize.value(),
    hiddenSize: hiddenSize.value(),
    noise: noiseKind.value as NoiseKind,
    noiseLevel: noiseLevel.value(),
  });

  const showHeldOut = (held: HeldOut) => {
    metricText.textContent = formatNumber(held.clean, { decimals: 2 });
    denoisingText.textContent =
      trainer.autoencoder.noise === null
        ? 'no noise'
        : `${formatNumber(held.denoising, { decimals: 2 })} nats`;
    if (!Number.isFinite(held.clean)) {
      loop.pause();
      status.textContent = `The held-out loss is not finite at step ${formatCount(trainer.steps)}; lower the learning rate and reset.`;
    }
  };

  const drawLoss = () => {
    const width = Math.max(260, lossChart.clientWidth || 360);
    lossChart.replaceChildren(
      lossCurvePlot(history, { width, yLabel: 'nats per image', smoothing: 0.8 }),
    );
  };

  const render = async () => {
    lastRender = performance.now();
    const index = Math.min(picked.value(), testCount - 1);
    const panels = await trainer.panels(index);
    if (ctx.signal.aborted) return;
    const L = trainer.settings.latentSize;
    const rows: DigitRow[] = [{ label: 'input', values: panels.inputs, key: 'input' }];
    if (panels.corrupted !== null) {
      rows.push({ label: 'corrupted', values: panels.corrupted, key: 'corrupted' });
    }
    rows.push({ label: 'reconstruction', values: panels.reconstructions, key: 'reconstruction' });
    recon.replaceChildren(digitRows(rows, RECON_COUNT, 'Test digits'));
    const noise = trainer.autoencoder.noise;
    reconNote.textContent =
      (noise === null
        ? `Test digits #0–${RECON_COUNT - 1} and their reconstructions through a ${L}-number bottleneck.`
        : `Test digits #0–${RECON_COUNT - 1}, the same digits corrupted (${noise.type === 'mask' ? `each pixel zeroed with probability ${formatNumber(noise.rate)}` : `Gaussian noise, σ = ${formatNumber(noise.std)}`}, one fixed draw) and the reconstructions of the corrupted digits.`) +
      ' Click a digit to traverse its code.';
    if (L >= 2) {
      const width = Math.max(260, Math.min(520, codeMap.clientWidth || 360));
      codeMap.replaceChildren(codeMapPlot(panels.codes, L, data.testLabels, index, width));
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
      `Test digit #${index} (label ${data.testLabels[index]}) has code (${code}). ` +
      `Row zᵢ decodes that code with dimension i alone set to ${TRAVERSAL_STEPS} values from its mean − ${TRAVERSAL_SPAN}σ to mean + ${TRAVERSAL_SPAN}σ over the codes of ${formatCount(Math.min(MAP_POINTS, testCount))} test digits.`;
  };

  const refresh = async () => {
    const held = await trainer.heldOut();
    if (ctx.signal.aborted) return;
    stepText.textContent = String(trainer.steps);
    showHeldOut(held);
    drawLoss();
    await render();
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
      const next = new AeTrainer(data, settings());
      trainer.dispose();
      trainer = next;
      history.clear();
      batchText.textContent = '—';
      status.textContent = '';
      await refresh();
      setBusy(false);
    }).catch(fail);
  };

  const fail = (error: unknown) => {
    loop.pause();
    setBusy(false);
    console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    const hint = isGenError(error, 'NUMERICAL_FAILURE')
      ? ' Lower the learning rate and reset.'
      : '';
    status.textContent = `${message}${hint}`;
  };

  /** Runs `task` on the serial queue after the chunk in flight; redraws unless training. */
  const edit = (task: () => void) =>
    exclusive(async () => {
      if (disposed) return;
      task();
      if (!loop.isRunning) await refresh();
    }).catch(fail);

  const loop = new TrainLoop({
    signal: ctx.signal,
    button: train,
    status,
    steps: () => trainer.steps,
    rate,
    chunk: () =>
      exclusive(async () => {
        if (ctx.signal.aborted || disposed) return;
        const batchLoss = await trainer.train(STEPS_PER_CHUNK);
        const held = await trainer.heldOut();
        if (ctx.signal.aborted) return;
        history.push(trainer.steps, {
          'training batch': batchLoss,
          'held-out (clean)': held.clean,
        });
        batchText.textContent = formatNumber(batchLoss, { decimals: 2 });
        stepText.textContent = String(trainer.steps);
        showHeldOut(held);
        drawLoss();
        // The chunk that ends a run (paused) always redraws, from the model it stopped with.
        if (!loop.isRunning || performance.now() - lastRender > RENDER_EVERY_MS) await render();
      }),
  });

  try {
    trainer = new AeTrainer(data, settings());
    await exclusive(refresh);
  } catch (error) {
    disposeMnistTensors(data);
    throw error;
  }
  status.textContent = '';
  setBusy(false);

  reset.addEventListener('click', () => void restart());
  latentSize.onChange(() => void restart());
  hiddenSize.onChange(() => void restart());
  for (const button of sizeButtons) {
    button.addEventListener('click', () => {
      const n = Number(button.dataset.size);
      const same = n === trainer.settings.latentSize;
      latentSize.set(n);
      if (!same) void restart();
    });
  }
  learningRate.onChange((v) => void edit(() => trainer.setLearningRate(v)));
  batchSize.onChange((v) => void edit(() => trainer.setBatchSize(v)));
  const applyNoise = () =>
    void edit(() => trainer.setNoise(noiseKind.value as NoiseKind, noiseLevel.value()));
  noiseKind.addEventListener('change', applyNoise);
  noiseLevel.onChange(applyNoise);
  picked.onChange(() => void exclusive(render).catch(fail));
  recon.addEventListener('click', (event) => {
    const target = event.target;
    if (!(target instanceof HTMLCanvasElement)) return;
    const column = columnAt(event.offsetX, target.clientWidth, RECON_COUNT);
    picked.set(column);
    void exclusive(render).catch(fail);
  });

  return {
    dispose() {
      loop.pause();
      void exclusive(async () => {
        disposed = true;
        trainer.dispose();
        disposeMnistTensors(data);
      });
    },
  };
}

const view: DemoView = { id: 'autoencoders', title: 'Autoencoders', mount };
export default view;
