import { join } from 'node:path';
import type { HistoryEntry } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/datasets.js';
import type { BuiltModel } from '../models/family.js';
import { writePlot } from '../plot.js';
import { heatmapSpec, imageGridSpec, lossSpec, scatterSpec } from './specs.js';

const GRID = 60;
// Log densities more than this many nats below the maximum share the lowest colour.
const DENSITY_RANGE = 12;

/** The first `n` rows of `x` as arrays. */
async function headRows(x: tf.Tensor, n: number): Promise<number[][]> {
  const head = tf.slice(x, 0, Math.min(n, x.shape[0]!));
  const rows = (await head.array()) as number[][];
  head.dispose();
  return rows;
}

async function densityCells(built: BuiltModel, x: tf.Tensor2D) {
  const [lo, hi] = tf.tidy(() => [tf.min(x, 0), tf.max(x, 0)]) as [tf.Tensor, tf.Tensor];
  const [min, max] = [await lo.data(), await hi.data()];
  tf.dispose([lo, hi]);
  const pad = (i: number) => 0.1 * (max[i]! - min[i]!);
  const x0 = min[0]! - pad(0);
  const y0 = min[1]! - pad(1);
  const dx = (max[0]! + pad(0) - x0) / GRID;
  const dy = (max[1]! + pad(1) - y0) / GRID;
  const centres: number[][] = [];
  for (let j = 0; j < GRID; j++) {
    for (let i = 0; i < GRID; i++) centres.push([x0 + (i + 0.5) * dx, y0 + (j + 0.5) * dy]);
  }
  const grid = tf.tensor2d(centres);
  const logp = built.density!.logDensity(grid);
  const values = Array.from(await logp.data());
  tf.dispose([grid, logp]);
  const top = Math.max(...values.filter(Number.isFinite));
  return centres.map(([cx, cy], k) => ({
    x0: cx! - dx / 2,
    x1: cx! + dx / 2,
    y0: cy! - dy / 2,
    y1: cy! + dy / 2,
    value: Math.max(Number.isFinite(values[k]) ? values[k]! : -Infinity, top - DENSITY_RANGE),
  }));
}

/**
 * Writes the run's plots under `dir` and returns their paths: `loss.png` always; for points
 * `samples.png` (model samples over the data) and, for models with a density, `density.png`;
 * for images `samples.png` (a grid of draws) and `reconstructions.png` (autoencoders, VAEs).
 */
export async function writePlots(
  dir: string,
  input: {
    title: string;
    history: readonly HistoryEntry[];
    built: BuiltModel;
    train: Dataset;
    samples: tf.Tensor | undefined;
  },
): Promise<string[]> {
  const { title, history, built, train, samples } = input;
  const written: string[] = [];
  const plot = async (name: string, spec: Parameters<typeof writePlot>[1]) => {
    const path = join(dir, name);
    await writePlot(path, spec);
    written.push(path);
  };
  await plot('loss.png', lossSpec(history, `${title}: training loss`));
  if (train.info.kind === 'points') {
    if (samples) {
      const data = await headRows(train.x, 2000);
      const drawn = await headRows(samples, samples.shape[0]!);
      await plot('samples.png', scatterSpec(data, drawn, `${title}: samples over the data`));
    }
    if (!samples && built.reconstruct) {
      const data = await headRows(train.x, 1000);
      const input = tf.tensor2d(data);
      const recon = built.reconstruct(input);
      const rows = await headRows(recon, data.length);
      tf.dispose([input, recon]);
      await plot(
        'reconstructions.png',
        scatterSpec(data, rows, `${title}: reconstructions over the data`),
      );
    }
    if (built.density && train.info.dim === 2) {
      const cells = await densityCells(built, train.x);
      await plot(
        'density.png',
        heatmapSpec(cells, `${title}: ${built.density.label} heatmap`, built.density.label),
      );
    }
    return written;
  }
  if (samples) {
    const shown = await headRows(samples, 36);
    await plot('samples.png', imageGridSpec(shown, 6, `${title}: samples`));
  }
  if (built.reconstruct) {
    const originals = tf.slice(train.x, 0, Math.min(8, train.info.n));
    const labels = train.condition ? tf.slice(train.condition, 0, originals.shape[0]) : undefined;
    const recon = built.reconstruct(originals, labels);
    labels?.dispose();
    const rows = [
      ...((await originals.array()) as number[][]),
      ...((await recon.array()) as number[][]),
    ];
    tf.dispose([originals, recon]);
    await plot(
      'reconstructions.png',
      imageGridSpec(rows, rows.length / 2, `${title}: data (top), reconstructions (bottom)`),
    );
  }
  return written;
}
