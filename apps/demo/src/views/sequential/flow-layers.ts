/**
 * A RealNVP flow on a 2-D toy data set, opened up layer by layer: base samples z ~ N(0, I) and
 * a grid of lines in z-space are pushed through each coupling in turn, with each layer's
 * log |det J|, so the change of variables log p(x) = log p(z) − Σ_k log |det J_k| can be read off
 * the plots. Trained by @gen/train's `createTrainer`.
 */
import { Rng } from '@gen/core';
import { makeToy, type ToyName } from '@gen/data';
import { AffineCoupling, Flow, standardNormal } from '@gen/flows';
import {
  type CheckpointStore,
  createTrainer,
  memoryCheckpointStore,
  type Trainer,
} from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';

/** Coupling layers (alternating which coordinate is kept) and their conditioners' widths. */
export const FLOW_LAYERS = 4;
const HIDDEN = [32, 32];
/** Training points drawn from the toy data set. */
export const FLOW_DATA_SIZE = 2000;
/** Steps per training chunk: also the trainer's `logEvery`, so each chunk ends on one row. */
export const FLOW_STEPS_PER_CHUNK = 2;
/** Base samples pushed through the layers (fixed for a run, so the plots move smoothly). */
export const PUSHED_SAMPLES = 400;
/** The z-grid: lines at these values, from −GRID_EXTENT to GRID_EXTENT. */
export const GRID_VALUES = [-2, -1, 0, 1, 2];
export const GRID_EXTENT = 3;
const GRID_POINTS = 41;

/** The data sets offered (all 2-D). */
export const FLOW_DATA_SETS: readonly ToyName[] = [
  'moons',
  '8gaussians',
  'circles',
  'checkerboard',
  'pinwheel',
  'spirals',
];

/** A RealNVP `Flow` of {@link FLOW_LAYERS} affine couplings on 2-D data. */
export function makeFlow(seed: number, layers = FLOW_LAYERS): Flow {
  return new Flow({
    base: standardNormal(2),
    transforms: Array.from(
      { length: layers },
      (_, i) =>
        new AffineCoupling({
          dim: 2,
          hiddenSizes: HIDDEN,
          parity: (i % 2) as 0 | 1,
          seed: seed + i,
        }),
    ),
  });
}

/**
 * `z` `[m, 2]` pushed through the flow's transforms one at a time: `stages[0]` = z,
 * `stages[k]` = f_k(stages[k−1]) (`stages[K]` is the data-space point x), and `logDets[k−1]` =
 * log |det ∂f_k/∂z| at stages[k−1], `[m]`. All tensors are new and the caller's.
 */
export function pushForward(
  flow: Flow,
  z: tf.Tensor2D,
): { stages: tf.Tensor2D[]; logDets: tf.Tensor1D[] } {
  const stages: tf.Tensor2D[] = [tf.clone(z)];
  const logDets: tf.Tensor1D[] = [];
  for (const transform of flow.transforms) {
    const { y, logDet } = transform.forwardAndLogDet(stages.at(-1)!);
    stages.push(y as tf.Tensor2D);
    logDets.push(logDet as tf.Tensor1D);
  }
  return { stages, logDets };
}

/** Grid lines in z-space: for each value v, the line z₁ = v and the line z₂ = v. */
export function gridLines(): { points: Float32Array; line: Int32Array } {
  const lines = GRID_VALUES.length * 2;
  const points = new Float32Array(lines * GRID_POINTS * 2);
  const line = new Int32Array(lines * GRID_POINTS);
  let k = 0;
  GRID_VALUES.forEach((v, a) => {
    for (const vertical of [true, false]) {
      const id = a * 2 + (vertical ? 0 : 1);
      for (let j = 0; j < GRID_POINTS; j++) {
        const t = -GRID_EXTENT + (2 * GRID_EXTENT * j) / (GRID_POINTS - 1);
        points[2 * k] = vertical ? v : t;
        points[2 * k + 1] = vertical ? t : v;
        line[k] = id;
        k++;
      }
    }
  });
  return { points, line };
}

/** What the layer plots show, read back once. */
export interface LayerSnapshot {
  /** Per stage (base, after each layer): the pushed samples `[m·2]` and grid points. */
  samples: Float32Array[];
  grid: Float32Array[];
  /** Grid line of each grid point. */
  gridLine: Int32Array;
  /** Quadrant (0–3) of each base sample in z-space, to follow it through the layers. */
  quadrant: Int32Array;
  /** Mean log |det J_k| over the samples, per layer. */
  meanLogDet: number[];
  /** Means over the samples of log p(z), of log p(x) by the change of variables, and of flow.logProb(x). */
  meanBaseLogProb: number;
  meanChangeOfVariables: number;
  meanFlowLogProb: number;
}

/** Pushes `z` and the grid through `flow` and reads everything back in one go. */
export async function layerSnapshot(flow: Flow, z: tf.Tensor2D): Promise<LayerSnapshot> {
  const m = z.shape[0];
  const grid = gridLines();
  const { packed, sizes } = tf.tidy(() => {
    const all = tf.concat([z, tf.tensor2d(grid.points, [grid.line.length, 2])]);
    const { stages, logDets } = pushForward(flow, all as tf.Tensor2D);
    const samplesOnly = (t: tf.Tensor) => tf.slice(t, [0], [m]);
    const meanLogDet = logDets.map((d) => tf.mean(samplesOnly(d)));
    const baseLogProb = flow.base.logProb(z);
    const sumLogDet = tf.addN(logDets.map(samplesOnly));
    const x = tf.slice(stages.at(-1)!, [0, 0], [m, 2]);
    const parts = [
      ...stages.map((s) => tf.reshape(s, [-1])),
      tf.stack(meanLogDet),
      tf.stack([
        tf.mean(baseLogProb),
        tf.mean(tf.sub(baseLogProb, sumLogDet)),
        tf.mean(flow.logProb(x)),
      ]),
    ];
    return { packed: tf.concat(parts), sizes: parts.map((p) => p.size) };
  });
  const values = (await packed.data()) as Float32Array;
  packed.dispose();
  let offset = 0;
  const take = (size: number) => {
    const part = values.slice(offset, offset + size);
    offset += size;
    return part;
  };
  const samples: Float32Array[] = [];
  const gridStages: Float32Array[] = [];
  for (let k = 0; k < sizes.length - 2; k++) {
    const stage = take(sizes[k]!);
    samples.push(stage.slice(0, 2 * m));
    gridStages.push(stage.slice(2 * m));
  }
  const meanLogDet = [...take(sizes.at(-2)!)];
  const [meanBaseLogProb, meanChangeOfVariables, meanFlowLogProb] = take(3);
  const base = samples[0]!;
  const quadrant = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    quadrant[i] = (base[2 * i]! >= 0 ? 0 : 1) + (base[2 * i + 1]! >= 0 ? 0 : 2);
  }
  return {
    samples,
    grid: gridStages,
    gridLine: grid.line,
    quadrant,
    meanLogDet,
    meanBaseLogProb: meanBaseLogProb!,
    meanChangeOfVariables: meanChangeOfVariables!,
    meanFlowLogProb: meanFlowLogProb!,
  };
}

/** Settings of one flow run. */
export interface FlowSettings {
  dataset: ToyName;
  learningRate: number;
  batchSize: number;
  seed: number;
}

export const DEFAULT_FLOW_SETTINGS: FlowSettings = {
  dataset: 'moons',
  learningRate: 3e-3,
  batchSize: 256,
  seed: 0,
};

/** Checkpoints are written only when asked ({@link FlowRun.checkpoint}): an interval never reached. */
const NEVER = 1_000_000_000;

/** A flow run captured with {@link FlowRun.checkpoint}: @gen/train checkpoint bytes and step. */
export interface FlowCheckpoint {
  step: number;
  bytes: Uint8Array;
}

/**
 * One training run of the flow: its data, its trainer and the base samples it shows. With
 * `restored` (a checkpoint of a run with the same settings, e.g. taken before a backend switch)
 * the run continues: weights, Adam's state, data order and step come from the checkpoint once
 * {@link start} has run.
 */
export class FlowRun {
  readonly flow: Flow;
  readonly data: tf.Tensor2D;
  /** Fixed base samples pushed through the layers. */
  readonly z: tf.Tensor2D;
  private readonly trainer: Trainer;
  private readonly store: CheckpointStore;

  constructor(
    readonly settings: FlowSettings,
    restored?: FlowCheckpoint,
  ) {
    this.store = memoryCheckpointStore({ keep: 1 });
    if (restored !== undefined) {
      // The memory store keeps the bytes at once; a bad checkpoint is refused by start().
      void this.store.save(restored.step, restored.bytes).catch(() => undefined);
    }
    this.data = makeToy(settings.dataset, { n: FLOW_DATA_SIZE, seed: settings.seed }).x;
    this.flow = makeFlow(settings.seed);
    this.z = this.flow.base.sample(PUSHED_SAMPLES, Rng.fromSeed(settings.seed + 1)) as tf.Tensor2D;
    this.trainer = createTrainer(this.flow, this.data, {
      // The view trains until paused: a total that is never reached.
      steps: Number.MAX_SAFE_INTEGER,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      rng: Rng.fromSeed(settings.seed + 2),
      logEvery: FLOW_STEPS_PER_CHUNK,
      checkpoint: { store: this.store, every: NEVER },
      ...(restored === undefined ? {} : { resume: this.store }),
    });
  }

  /** Starts the trainer (reading the restored checkpoint, if any) without taking a step. */
  async start(): Promise<void> {
    await this.trainer.run(0);
  }

  /** The run as @gen/train checkpoint bytes at the current step. */
  async checkpoint(): Promise<FlowCheckpoint> {
    await this.trainer.save();
    const step = this.step;
    const bytes = await this.store.load(step);
    if (bytes === undefined) throw new Error('FlowRun.checkpoint: no checkpoint was written');
    return { step, bytes };
  }

  get step(): number {
    return this.trainer.status.step;
  }

  /** {@link FLOW_STEPS_PER_CHUNK} Adam steps; resolves with their mean NLL (nats per point). */
  async train(): Promise<number> {
    const { history } = await this.trainer.run(FLOW_STEPS_PER_CHUNK);
    return history.at(-1)?.loss ?? Number.NaN;
  }

  /** The NLL of all the training data as the flow stands. */
  async nll(): Promise<number> {
    const loss = tf.tidy(() => this.flow.loss(this.data));
    const value = (await loss.data())[0]!;
    loss.dispose();
    return value;
  }

  snapshot(): Promise<LayerSnapshot> {
    return layerSnapshot(this.flow, this.z);
  }

  dispose(): void {
    this.trainer.dispose();
    this.flow.dispose();
    this.data.dispose();
    this.z.dispose();
  }
}
