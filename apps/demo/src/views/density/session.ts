/**
 * One run of the density playground: the data set (in data and training units), the model, the
 * evaluation grid, and a frame read back with `await data()` for the plot.
 */
import { Rng } from '@gen/core';
import { makeToy, type ToyName } from '@gen/data';
import * as tf from '@tensorflow/tfjs-core';
import type { ChunkCheckpoint } from './chunk-trainer.js';
import { makeGrid, plotExtent, trainingScale } from './grid.js';
import type { DensityModel, ModelSettings } from './model.js';
import { createModel, type ModelName } from './models.js';
import type { Frame } from './plot.js';

/** Data points per run, and how many of them (and of the samples) are drawn. */
const N_DATA = 2000;
const N_SHOWN = 600;
/** Cells per side of the heatmap (one batched model call). */
export const GRID_SIZE = 96;

/** What a run is made of. */
export interface RunSettings extends ModelSettings {
  /** A `makeToy` data set, or 'custom': points the user drew (passed to `create`). */
  dataset: ToyName | 'custom';
  model: ModelName;
}

/** Fewest drawn points a custom run trains on. */
export const MIN_CUSTOM_POINTS = 20;

/** The run's data: the toy set, or the drawn points for 'custom'. */
function dataOf(settings: RunSettings, points: readonly number[][] | undefined): tf.Tensor2D {
  if (settings.dataset !== 'custom') {
    return makeToy(settings.dataset, { n: N_DATA, seed: settings.seed }).x as tf.Tensor2D;
  }
  if (points === undefined || points.length < MIN_CUSTOM_POINTS) {
    throw new RangeError(
      `DensityRun.create: a custom data set needs at least ${MIN_CUSTOM_POINTS} points, got ${points?.length ?? 0}`,
    );
  }
  return tf.tensor2d(
    points.map((p) => [p[0]!, p[1]!]),
    [points.length, 2],
  );
}

/** Data, model and grid of one run; `dispose()` frees every tensor. */
export class DensityRun {
  metric = Number.NaN;
  private readonly model: DensityModel;
  private readonly rng: Rng;
  private constructor(
    readonly settings: RunSettings,
    private readonly rows: number[][],
    private readonly x: tf.Tensor2D,
    private readonly scale: number,
    private readonly extent: number,
    private readonly grid: tf.Tensor2D,
  ) {
    this.model = createModel(settings.model, settings);
    this.rng = Rng.fromSeed(settings.seed + 1);
  }

  /**
   * Draws the data set, builds the model and computes the starting metric; with `checkpoint`,
   * the run checkpoints there after every chunk and, with `checkpoint.resume`, continues from
   * the latest checkpoint (the same settings made it: the data set and the model are rebuilt
   * from them, the weights, optimiser state and data order come from the checkpoint). A
   * 'custom' data set trains on `points` (data units, at least {@link MIN_CUSTOM_POINTS}).
   */
  static async create(
    settings: RunSettings,
    checkpoint?: ChunkCheckpoint,
    points?: readonly number[][],
  ): Promise<DensityRun> {
    const toy = { x: dataOf(settings, points) };
    const rows = (await toy.x.array()) as number[][];
    const scale = trainingScale(rows);
    const extent = plotExtent(rows);
    const g = makeGrid(extent, GRID_SIZE);
    const x = tf.tidy(() => tf.div(toy.x, scale) as tf.Tensor2D);
    toy.x.dispose();
    const grid = tf.tidy(
      () => tf.div(tf.tensor2d(g.points, [GRID_SIZE * GRID_SIZE, 2]), scale) as tf.Tensor2D,
    );
    const run = new DensityRun(settings, rows, x, scale, extent, grid);
    try {
      if (checkpoint !== undefined) run.model.training.checkpointTo(checkpoint);
      run.metric = await run.model.train(x, 0, run.rng);
    } catch (error) {
      run.dispose();
      throw error;
    }
    return run;
  }

  /** Steps done (after a resume: counted from the run's first step). */
  get steps(): number {
    return this.model.training.step;
  }

  get metricName(): string {
    return this.model.metricName;
  }

  /** Steps per chunk of the view: the model's, the metric being read once per chunk. */
  get stepsPerChunk(): number {
    return this.model.stepsPerChunk;
  }

  /** `n` training steps; updates `steps` and `metric`. */
  async train(n: number): Promise<void> {
    this.metric = await this.model.train(this.x, n, this.rng);
  }

  /**
   * The heatmap (log p, or the ELBO, in data units: log p_train(x / s) − 2 log s), samples and
   * clusters.
   */
  async frame(): Promise<Frame> {
    const shift = this.model.heatKind === 'discriminator' ? 0 : 2 * Math.log(this.scale);
    const heatT = tf.tidy(() => tf.sub(this.model.heat(this.grid), shift));
    const samplesT = tf.tidy(() =>
      tf.mul(this.model.sample(N_SHOWN, Rng.fromSeed(4242)), this.scale),
    );
    const shown = this.rows.slice(0, N_SHOWN);
    const { model, x } = this;
    const clustersT =
      model.clusters === undefined
        ? undefined
        : tf.tidy(() => model.clusters!(tf.slice(x, 0, N_SHOWN) as tf.Tensor2D));
    try {
      return {
        extent: this.extent,
        gridSize: GRID_SIZE,
        heat: (await heatT.data()) as Float32Array,
        heatKind: this.model.heatKind,
        data: shown,
        clusters: clustersT === undefined ? null : Int32Array.from(await clustersT.data()),
        samples: (await samplesT.array()) as number[][],
      };
    } finally {
      tf.dispose([heatT, samplesT, ...(clustersT === undefined ? [] : [clustersT])]);
    }
  }

  dispose(): void {
    this.model.dispose();
    tf.dispose([this.x, this.grid]);
  }
}
