import { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { CLASS_COUNT, IMAGE_DATASETS, oneHot } from '../data/datasets.js';
import { badFlag, UsageError } from '../errors.js';
import { assertFiniteRows } from '../evaluation/finite-output.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { printJson } from '../output.js';
import { writePlot } from '../plot.js';
import { imageGridSpec } from '../plots/specs.js';
import { checkOutFile } from '../run/out-path.js';
import { LIMITS, parseInteger, parseSeed } from '../run/parse.js';
import { readRunConfig } from '../run/run-dir.js';
import {
  buildModel,
  disposeData,
  loadTrain,
  loadTrained,
  startBackend,
} from '../training/session.js';

interface SampleFlags {
  n?: string;
  out?: string;
  force?: boolean;
  seed?: string;
  json?: boolean;
  class?: string;
}

/**
 * The class of every draw of a conditional run: `n` of class k for `--class k`, `n` of each
 * class in turn for `--class all`, and row i of class i mod 10 without the flag.
 */
function classesOf(flag: string | undefined, n: number): number[] {
  if (flag === 'all') {
    return Array.from({ length: CLASS_COUNT * n }, (_, i) => Math.floor(i / n));
  }
  if (flag === undefined) return Array.from({ length: n }, (_, i) => i % CLASS_COUNT);
  const k = parseInteger('--class', flag, 0, CLASS_COUNT - 1);
  return new Array<number>(n).fill(k);
}

/** Tiles in a `--out *.png` grid: a 20 × 20 grid is as much as a picture shows. */
const MAX_PNG_TILES = 400;

const toCsv = (rows: number[][]) =>
  rows
    .map((r) => r.join(','))
    .join('\n')
    .concat('\n');

/**
 * Writes image rows as a grid of 28×28 tiles, grey levels clamped to [0, 1] (white to black),
 * `columns` wide (default ⌈√n⌉).
 */
async function writeGrid(
  path: string,
  rows: number[][],
  title: string,
  columns = Math.ceil(Math.sqrt(rows.length)),
): Promise<void> {
  const clamped = rows.map((row) => row.map((v) => Math.min(1, Math.max(0, v))));
  await writePlot(path, imageGridSpec(clamped, columns, title));
}

/**
 * `gen sample <run> -n N`: draws from a trained model; prints CSV (or JSON) or writes a file
 * (a PNG grid for an image run).
 */
async function sample(dir: string, flags: SampleFlags): Promise<void> {
  const n = parseInteger('-n', flags.n ?? '10', 1, LIMITS.sampleValues);
  const seed = parseSeed('--seed', flags.seed ?? '0');
  if (flags.out !== undefined && !/\.(csv|json|png)$/i.test(flags.out)) {
    throw new UsageError(
      `--out: expected a .csv, .json or .png file, got ${JSON.stringify(flags.out)}`,
    );
  }
  const png = flags.out !== undefined && /\.png$/i.test(flags.out);
  const out =
    flags.out === undefined ? undefined : checkOutFile('--out', flags.out, flags.force ?? false);
  const { config, paths } = readRunConfig(dir);
  if (flags.class !== undefined && !config.conditional) {
    throw new UsageError(
      `--class: the run '${paths.root}' is not class-conditional (train it with --conditional), got ${JSON.stringify(flags.class)}`,
    );
  }
  const classes = config.conditional ? classesOf(flags.class, n) : undefined;
  const total = classes?.length ?? n;
  if (png && !(IMAGE_DATASETS as readonly string[]).includes(config.data)) {
    throw new UsageError(
      `--out: a .png grid needs a run on images (${IMAGE_DATASETS.join(', ')}); '${paths.root}' is on '${config.data}': write .csv or .json`,
    );
  }
  if (png && total > MAX_PNG_TILES) {
    badFlag(
      '-n',
      flags.n,
      flags.class === 'all'
        ? `at most ${MAX_PNG_TILES / CLASS_COUNT} samples per class for a .png grid of all ${CLASS_COUNT} classes`
        : `at most ${MAX_PNG_TILES} samples for a .png grid`,
    );
  }
  await startBackend(config.backend);
  const train = await loadTrain(config);
  const dim = train.info.dim;
  const built = buildModel(config, train, paths.config);
  disposeData(train);
  try {
    if (!built.sample) throw new UsageError(`<run>: model '${config.model}' does not sample`);
    if (total * dim > LIMITS.sampleValues) {
      const per = flags.class === 'all' ? CLASS_COUNT : 1;
      badFlag(
        '-n',
        flags.n,
        `at most ${Math.floor(LIMITS.sampleValues / dim / per)} samples of ${dim} numbers${per > 1 ? ' per class' : ''}`,
      );
    }
    const step = await loadTrained(built, paths, config);
    const condition = classes ? tf.tidy(() => oneHot(tf.tensor1d(classes, 'int32'))) : undefined;
    let drawn: tf.Tensor;
    try {
      drawn = built.sample(total, Rng.fromSeed(seed), condition);
    } finally {
      condition?.dispose();
    }
    const rows = (await drawn.array()) as number[][];
    drawn.dispose();
    assertFiniteRows(rows, `the run '${paths.root}' at step ${step}`);
    const doc = {
      run: paths.root,
      model: config.model,
      step,
      seed,
      ...(classes ? { classes } : {}),
      samples: rows,
    };
    if (out !== undefined) {
      if (png) {
        const title = `${config.model} at step ${step}: samples (seed ${seed})`;
        if (flags.class === 'all') await writeGrid(out, rows, `${title}, one row per class`, n);
        else await writeGrid(out, rows, title);
      } else
        await writeFileAtomic(out, /\.json$/i.test(out) ? `${JSON.stringify(doc)}\n` : toCsv(rows));
      if (flags.json) printJson({ ...doc, samples: undefined, out, n: total });
      else process.stdout.write(`wrote ${total} samples to ${out}\n`);
    } else if (flags.json) printJson(doc);
    else process.stdout.write(toCsv(rows));
  } finally {
    built.dispose();
  }
}

/** Registers `gen sample`. */
export function registerSample(program: Command): void {
  program
    .command('sample')
    .description('draw samples from a trained run')
    .argument('<run>', 'run directory written by gen train')
    .option('-n, --n <count>', 'number of samples', '10')
    .option(
      '--out <file>',
      'write them to a .csv or .json file instead of stdout, or (image runs) a .png grid',
    )
    .option('--force', 'overwrite the --out file if it exists')
    .option('--seed <n>', 'seed of the draws', '0')
    .option(
      '--class <k>',
      'conditional runs: draw every sample of class k (0-9), or "all" for n of each class (a .png grid gets one row per class); default: row i of class i mod 10',
    )
    .option('--json', 'print one JSON document')
    .action(sample);
}
