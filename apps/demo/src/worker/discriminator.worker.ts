/**
 * The discriminator view's worker: hosts the discriminator probe (a `Gan` against a frozen
 * shifted generator, trained by @gen/train's `createTrainer`) and the quadratures of the theory
 * (p, q, D*, JSD and W₁ with their derivatives). The page only draws: it gets the trained
 * output on the grid as a Float32Array, moved not copied, and the theory as plain numbers.
 */
import {
  DiscriminatorProbe,
  type ProbeCheckpoint,
  type ProbeSettings,
} from '../views/discriminator/model.js';
import {
  type DivergenceCurves,
  divergenceCurves,
  type Shape,
  type Theory,
  theoryAt,
} from '../views/discriminator/theory.js';
import { exposeWorker, moved } from './host.js';

let probe: DiscriminatorProbe | undefined;

function current(): DiscriminatorProbe {
  if (probe === undefined) throw new Error('discriminator worker: no probe (call reset first)');
  return probe;
}

const api = {
  /** A new probe of `settings` (or `restored` continued); resolves with its step. */
  async reset(settings: ProbeSettings, restored?: ProbeCheckpoint): Promise<number> {
    probe?.dispose();
    probe = undefined;
    const next = new DiscriminatorProbe(settings, restored);
    probe = next;
    await next.start();
    return next.steps;
  },
  /** Moves the frozen generator (training continues). */
  setSeparation(delta: number): void {
    current().setSeparation(delta);
  },
  /** `n` discriminator updates: the newest logged mean loss and the step. */
  async train(n: number): Promise<{ loss: number; steps: number }> {
    const p = current();
    const loss = await p.train(n);
    return { loss, steps: p.steps };
  },
  /** The discriminator's raw output at `xs`. */
  async read(xs: readonly number[]): Promise<Float32Array> {
    const { output } = await current().read(xs);
    const values = new Float32Array(output);
    return moved(values, [values.buffer]);
  },
  /** The theory at Δ = `delta`, and with `sweep` the divergence curves over those Δs. */
  async theory(
    shape: Shape,
    delta: number,
    sweep?: number[],
  ): Promise<{ theory: Theory; sweep?: DivergenceCurves }> {
    const theory = await theoryAt(shape, delta);
    if (sweep === undefined) return { theory };
    return { theory, sweep: await divergenceCurves(shape, sweep) };
  },
  /** The probe as @gen/train checkpoint bytes (to continue it in another worker). */
  async checkpoint(): Promise<ProbeCheckpoint> {
    const saved = await current().checkpoint();
    const bytes = saved.bytes.slice();
    return moved({ step: saved.step, bytes }, [bytes.buffer]);
  },
  dispose(): void {
    probe?.dispose();
    probe = undefined;
  },
};

export type DiscriminatorWorkerApi = typeof api;

exposeWorker(api);
