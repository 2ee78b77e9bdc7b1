/**
 * View: what the discriminator learns. A frozen generator q = p shifted by Δ and a discriminator
 * trained against it (@gen/gan's `Gan` with a fixed sampler as generator, @gen/train's
 * `createTrainer`): the trained D(x) converges to D*(x) = p/(p + q), its loss to
 * log 4 − 2·JSD(p‖q). Beside it JSD and W₁ against Δ (quadrature, @gen/divergences): JSD
 * saturates at log 2 and its gradient vanishes, W₁ grows like |Δ| with gradient 1. The WGAN
 * objectives show why the critic must be Lipschitz: unconstrained, its value grows without bound.
 */
import { h } from '../shell/dom.js';
import { formatNumber } from '../shell/format.js';
import { LossHistory, lossCurvePlot } from '../shell/loss-curve.js';
import { serial } from '../shell/serial.js';
import { rateElement, TrainLoop } from '../shell/train-loop.js';
import { startTrainingWorker } from '../worker/client.js';
import type { DiscriminatorWorkerApi } from '../worker/discriminator.worker.js';
import { buildControls } from './discriminator/controls.js';
import {
  isCritic,
  type ProbeCheckpoint,
  type ProbeSettings,
  STEPS_PER_CHUNK,
} from './discriminator/model.js';
import {
  densityPlot,
  discriminatorPlot,
  gradientPlot,
  jsdPlot,
  type Snapshot,
  w1Plot,
} from './discriminator/plots.js';
import {
  type DivergenceCurves,
  linspace,
  MAX_SEPARATION,
  optimalLoss,
  type Theory,
  trapezoid,
  weightedMeanAbs,
} from './discriminator/theory.js';
import type { DemoView } from './types.js';

const SWEEP = linspace(0.1, MAX_SEPARATION, 80);
/** The animation sweeps Δ back and forth over [0, ANIMATE_MAX] by ANIMATE_STEP per chunk. */
const ANIMATE_MAX = 6;
const ANIMATE_STEP = 0.1;
/** Least time between two redraws of the trained D and its loss (ms). */
const DRAW_INTERVAL = 250;
const BATCH_SERIES = 'L_D on training batches';

/** What the view hands over across a backend switch: settings, history, the probe's checkpoint. */
interface Suspended {
  kind: 'discriminator/v1';
  settings: ProbeSettings;
  separation: number;
  direction: number;
  preset: string;
  animate: boolean;
  lastLoss: number;
  history: { series: string; step: number; value: number }[];
  checkpoint: ProbeCheckpoint;
}

function isSuspended(value: unknown): value is Suspended {
  return (value as Suspended | undefined)?.kind === 'discriminator/v1';
}

/** The centred values of `ys` under the weights `w` (a critic is defined up to a constant). */
function centred(ys: readonly number[], w: readonly number[]): number[] {
  let num = 0;
  let den = 0;
  ys.forEach((y, i) => {
    num += w[i]! * y;
    den += w[i]!;
  });
  const mean = den > 0 ? num / den : 0;
  return ys.map((y) => y - mean);
}

const view: DemoView = {
  id: 'discriminator',
  title: 'What the discriminator learns',
  async mount(root, ctx) {
    const train = h('button', { type: 'button', 'data-testid': 'train' }, 'Train');
    const reset = h('button', { type: 'button' }, 'Reset');
    const stepText = h('span', { 'data-testid': 'step', class: 'stat' }, '0');
    const metricText = h('span', { 'data-testid': 'metric', class: 'stat' }, '—');
    const metricLabel = h('span', {}, 'mean |D − D*|');
    const lossText = h('span', { 'data-testid': 'loss', class: 'stat' }, '—');
    const optimumText = h('span', { 'data-testid': 'optimum', class: 'stat' }, '—');
    const optimumLabel = h('span', {}, 'optimum log 4 − 2·JSD');
    const rate = rateElement();
    const status = h('p', { class: 'note', role: 'status' });
    const workerNote = h('p', { class: 'note', 'data-testid': 'worker-note' });
    const densityBox = h('div', { class: 'plot', 'aria-label': 'densities p and q' });
    const dBox = h('div', { class: 'plot', 'aria-label': 'trained discriminator and D*' });
    const jsdBox = h('div', { class: 'plot', 'aria-label': 'JSD against the separation' });
    const w1Box = h('div', { class: 'plot', 'aria-label': 'W1 against the separation' });
    const gradBox = h('div', { class: 'plot', 'aria-label': 'gradients against the separation' });
    const lossBox = h('div', { class: 'plot', 'aria-label': 'discriminator loss over steps' });
    const dReadout = h('p', { class: 'note', 'data-testid': 'd-readout' });
    const divReadout = h('p', { class: 'note', 'data-testid': 'divergence-readout' });
    const controls = buildControls();
    root.append(
      h('h2', {}, 'What the discriminator learns'),
      h(
        'p',
        { class: 'lead' },
        'The generator is frozen: q is the data distribution p shifted by Δ. A discriminator (a ' +
          'leaky-ReLU MLP, @gen/gan and @gen/train) trains against it and converges to the optimal ' +
          'D*(x) = p(x)/(p(x) + q(x)); its loss then reaches log 4 − 2·JSD(p‖q), so a perfect ' +
          'discriminator measures the Jensen–Shannon divergence. But JSD saturates at log 2 once p ' +
          'and q stop overlapping, and its gradient in Δ vanishes, while the Wasserstein-1 distance ' +
          'keeps growing like |Δ| with gradient 1. Train a WGAN critic to see why it must be ' +
          'Lipschitz: without a constraint its value grows without bound; with a gradient penalty ' +
          'it approaches W₁.',
      ),
      h(
        'div',
        { class: 'toolbar' },
        train,
        reset,
        h('span', {}, 'step ', stepText),
        h('span', {}, metricLabel, ' ', metricText),
        h('span', {}, 'loss ', lossText),
        h('span', {}, optimumLabel, ' ', optimumText),
        rate,
      ),
      controls.element,
      workerNote,
      status,
      h(
        'div',
        { class: 'cards' },
        h(
          'div',
          { class: 'card' },
          h('h3', {}, 'Data p, generator q and the discriminator'),
          densityBox,
          dBox,
          dReadout,
          h('h3', {}, 'Discriminator loss over steps'),
          lossBox,
        ),
        h(
          'div',
          { class: 'card' },
          h('h3', {}, 'JSD saturates at log 2, W₁ keeps a gradient'),
          jsdBox,
          w1Box,
          gradBox,
          divReadout,
        ),
      ),
    );

    // Shown once the first frame is drawn: tests and users start from a drawn view.
    train.hidden = true;
    const exclusive = serial();
    const restored = isSuspended(ctx.restored) ? ctx.restored : undefined;
    if (restored !== undefined) {
      controls.apply(restored.settings, restored.preset);
      controls.animate.checked = restored.animate;
    }
    // The probe and the quadratures live in a Web Worker; the page keeps what it draws.
    const worker = await startTrainingWorker<DiscriminatorWorkerApi>(
      new Worker(new URL('../worker/discriminator.worker.ts', import.meta.url), {
        type: 'module',
        name: 'discriminator training',
      }),
      ctx.backend(),
      ctx.signal,
    );
    workerNote.textContent = worker.backend.note;
    /** The settings of the probe in the worker, with its current separation. */
    let settings = controls.settings();
    let steps = 0;
    const history = new LossHistory();
    let lastLoss = Number.NaN;
    let direction = restored?.direction ?? 1;
    if (restored !== undefined) {
      settings = { ...restored.settings, separation: restored.separation };
      controls.separation.set(restored.separation);
      try {
        steps = await worker.api.reset(restored.settings, restored.checkpoint);
        await worker.api.setSeparation(restored.separation);
        for (const p of restored.history) history.push(p.step, { [p.series]: p.value });
        lastLoss = restored.lastLoss;
        status.textContent = `Continued at step ${steps} on ${worker.backend.active}.`;
      } catch (error) {
        console.warn(error);
        settings = controls.settings();
        steps = await worker.api.reset(settings);
        history.clear();
        status.textContent = `The run could not be continued (${(error as Error).message}); started over.`;
      }
    } else {
      steps = await worker.api.reset(settings);
    }
    const first = await worker.api.theory(settings.shape, settings.separation, SWEEP);
    let theory: Theory = first.theory;
    let sweep: DivergenceCurves = first.sweep!;
    let sweepShape = settings.shape.id;

    const width = (el: HTMLElement) => Math.max(260, el.clientWidth);
    const critic = () => isCritic(settings.objective);
    /** What the discriminator's loss would be at its optimum (see the lead text). */
    const optimum = () => (critic() ? -theory.here.w1[0]! : optimalLoss(theory.here.jsd[0]!));

    let lastSnapshot: Snapshot | undefined;
    let theoryDirty = false;
    const drawTrained = () => {
      if (lastSnapshot === undefined) return;
      dBox.replaceChildren(discriminatorPlot(lastSnapshot, width(dBox)));
      lossBox.replaceChildren(
        lossCurvePlot(history, {
          width: width(lossBox),
          yLabel: critic() ? 'critic loss E_q f − E_p f' : 'discriminator loss',
          smoothing: 0.6,
        }),
      );
    };
    // Plots are redrawn in an animation frame, at most once per frame however fast chunks land:
    // the trained D and its loss in one frame, the theory's four plots (when Δ moved) in the next.
    let drawPending = false;
    let theoryNext = false;
    let lastDraw = Number.NEGATIVE_INFINITY;
    const scheduleDraw = () => {
      if (drawPending) return;
      drawPending = true;
      const wait = theoryNext ? 0 : Math.max(0, lastDraw + DRAW_INTERVAL - performance.now());
      setTimeout(() => requestAnimationFrame(drawFrame), wait);
    };
    const drawFrame = () => {
      drawPending = false;
      if (ctx.signal.aborted) return;
      if (!theoryNext) lastDraw = performance.now();
      if (theoryNext) {
        theoryNext = false;
        drawTheory();
      } else {
        drawTrained();
        if (theoryDirty) {
          theoryDirty = false;
          theoryNext = true;
        }
      }
      if (theoryNext) scheduleDraw();
    };

    const drawTheory = () => {
      const delta = theory.delta;
      densityBox.replaceChildren(densityPlot(theory, width(densityBox)));
      jsdBox.replaceChildren(jsdPlot(sweep, delta, width(jsdBox)));
      w1Box.replaceChildren(w1Plot(sweep, delta, width(w1Box)));
      gradBox.replaceChildren(gradientPlot(sweep, delta, width(gradBox)));
      const c = theory.here;
      divReadout.textContent =
        `At Δ = ${formatNumber(delta)}: JSD = ${formatNumber(c.jsd[0]!)} (log 2 = ` +
        `${formatNumber(Math.LN2)}), dJSD/dΔ = ${formatNumber(c.dJsd[0]!)}; W₁ = ` +
        `${formatNumber(c.w1[0]!)}, dW₁/dΔ = ${formatNumber(c.dW1[0]!)}.`;
    };

    const evaluate = async () => {
      const output = await worker.api.read(theory.xs);
      if (ctx.signal.aborted) return;
      const out = Array.from(output);
      const { xs, p, q, dStar } = theory;
      const m = p.map((pi, i) => (pi + q[i]!) / 2);
      let snapshot: Snapshot;
      if (critic()) {
        // The critic's estimate of W₁: E_p f − E_q f, by quadrature on the grid.
        const value = trapezoid(
          xs,
          out.map((f, i) => f * (p[i]! - q[i]!)),
        );
        metricLabel.textContent = 'critic value E_p f − E_q f';
        metricText.textContent = formatNumber(value);
        optimumLabel.textContent = 'optimum −W₁';
        const slope = theory.delta > 0 ? -1 : 0;
        snapshot = {
          xs,
          p,
          q,
          optimum: centred(
            xs.map((x) => slope * x),
            m,
          ),
          trained: centred(out, m),
          critic: true,
        };
        dReadout.textContent =
          `The critic's value E_p f − E_q f = ${formatNumber(value)} against W₁ = ` +
          `${formatNumber(theory.here.w1[0]!)}: a 1-Lipschitz critic cannot exceed W₁; weight ` +
          'clipping bounds it by an unknown constant times W₁.';
      } else {
        const d = out.map((logit) => 1 / (1 + Math.exp(-logit)));
        const error = weightedMeanAbs(d, dStar, m);
        metricLabel.textContent = 'mean |D − D*|';
        metricText.textContent = formatNumber(error);
        optimumLabel.textContent = 'optimum log 4 − 2·JSD';
        snapshot = { xs, p, q, optimum: dStar, trained: d, critic: false };
        dReadout.textContent =
          `Mean |D(x) − D*(x)| under (p + q)/2: ${formatNumber(error)}. D*(x) is ½ where ` +
          'p = q, near 1 where only data lives and near 0 where only fakes do.';
      }
      optimumText.textContent = formatNumber(optimum());
      lossText.textContent = formatNumber(lastLoss);
      stepText.textContent = String(steps);
      lastSnapshot = snapshot;
      scheduleDraw();
    };

    /** Re-derives the theory for the current Δ (and the sweep for a new p). */
    const refreshTheory = async () => {
      const shape = settings.shape;
      const next = await worker.api.theory(
        shape,
        settings.separation,
        sweepShape !== shape.id ? SWEEP : undefined,
      );
      theory = next.theory;
      if (next.sweep !== undefined) {
        sweep = next.sweep;
        sweepShape = shape.id;
      }
      theoryDirty = true;
      scheduleDraw();
    };

    const restart = () =>
      exclusive(async () => {
        settings = controls.settings();
        steps = await worker.api.reset(settings);
        history.clear();
        lastLoss = Number.NaN;
        status.textContent = '';
        await refreshTheory();
        await evaluate();
      });

    const moveSeparation = (delta: number) =>
      exclusive(async () => {
        settings = { ...settings, separation: delta };
        await worker.api.setSeparation(delta);
        await refreshTheory();
        await evaluate();
      });

    const loop = new TrainLoop({
      signal: ctx.signal,
      button: train,
      status,
      steps: () => steps,
      rate,
      chunk: () =>
        exclusive(async () => {
          if (ctx.signal.aborted) return;
          root.dataset.chunk = 'running';
          try {
            await trainChunk();
          } finally {
            delete root.dataset.chunk;
          }
        }),
    });
    /** One chunk: Δ moved (when animated), STEPS_PER_CHUNK updates, the trained D read back. */
    const trainChunk = async () => {
      if (controls.animate.checked) {
        let next = settings.separation + direction * ANIMATE_STEP;
        if (next > ANIMATE_MAX || next < 0) {
          direction = -direction;
          next = settings.separation + direction * ANIMATE_STEP;
        }
        next = Math.round(Math.min(ANIMATE_MAX, Math.max(0, next)) * 1000) / 1000;
        controls.separation.set(next);
        settings = { ...settings, separation: next };
        await worker.api.setSeparation(next);
        await refreshTheory();
      }
      const trained = await worker.api.train(STEPS_PER_CHUNK);
      lastLoss = trained.loss;
      steps = trained.steps;
      history.push(steps, {
        [BATCH_SERIES]: lastLoss,
        [critic() ? 'optimum −W₁' : 'optimum log 4 − 2·JSD']: optimum(),
      });
      await evaluate();
    };
    reset.addEventListener('click', () => void restart());
    controls.onChange((kind) => {
      if (kind === 'separation') void moveSeparation(controls.separation.value());
      else void restart();
    });
    train.hidden = true;
    drawTheory();
    await exclusive(evaluate);
    // The first frame at once: tests and users start from a drawn view.
    drawTrained();
    train.hidden = false;
    return {
      async suspend(): Promise<Suspended | undefined> {
        loop.pause();
        return exclusive(async () => {
          if (worker.terminated) return undefined;
          const checkpoint = await worker.api.checkpoint();
          return {
            kind: 'discriminator/v1' as const,
            settings,
            separation: settings.separation,
            direction,
            preset: controls.preset(),
            animate: controls.animate.checked,
            lastLoss,
            history: history.rows(0).map(({ series, step, value }) => ({ series, step, value })),
            checkpoint,
          };
        });
      },
      dispose() {
        loop.pause();
        worker.terminate();
      },
    };
  },
};

export default view;
