import { Rng } from '@gen/core';
import type { Command } from 'commander';
import { IMAGE_DATASETS } from '../data/datasets.js';
import { badFlag, UsageError } from '../errors.js';
import { assertFiniteRows } from '../evaluation/finite-output.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { printJson } from '../output.js';
import { writePlot } from '../plot.js';
import { imageGridSpec } from '../plots/specs.js';
import { checkOutFile } from '../run/out-path.js';
import { LIMITS, parseInteger, parseSeed } from '../run/parse.js';
import { readRunConfig } from '../run/run-dir.js';
import { buildModel, loadTrain, loadTrained, startBackend } from '../training/session.js';

interface SampleFlags {
  n?: string;
  out?: string;
  force?: boolean;
  seed?: string;
  json?: boolean;
}

/** Tiles in a `--out *.png` grid: a 20 × 20 grid is as much as a picture shows. */
const MAX_PNG_TILES = 400;

const toCsv = (rows: number[][]) =>
  rows
    .map((r) => r.join(','))
    .join('\n')
    .concat('\n');

/** Writes image rows as a grid of 28×28 tiles, grey levels clamped to [0, 1] (white to black). */
async function writeGrid(path: string, rows: number[][], title: string): Promise<void> {
  const clamped = rows.map((row) => row.map((v) => Math.min(1, Math.max(0, v))));
  await writePlot(path, imageGridSpec(clamped, Math.ceil(Math.sqrt(rows.length)), title));
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
  if (png && !(IMAGE_DATASETS as readonly string[]).includes(config.data)) {
    throw new UsageError(
      `--out: a .png grid needs a run on images (${IMAGE_DATASETS.join(', ')}); '${paths.root}' is on '${config.data}': write .csv or .json`,
    );
  }
  if (png && n > MAX_PNG_TILES) {
    badFlag('-n', flags.n, `at most ${MAX_PNG_TILES} samples for a .png grid`);
  }
  await startBackend(config.backend);
  const train = await loadTrain(config);
  const dim = train.info.dim;
  const built = buildModel(config, train, paths.config);
  train.x.dispose();
  try {
    if (!built.sample) throw new UsageError(`<run>: model '${config.model}' does not sample`);
    if (n * dim > LIMITS.sampleValues) {
      badFlag(
        '-n',
        flags.n,
        `at most ${Math.floor(LIMITS.sampleValues / dim)} samples of ${dim} numbers`,
      );
    }
    const step = await loadTrained(built, paths, config);
    const drawn = built.sample(n, Rng.fromSeed(seed));
    const rows = (await drawn.array()) as number[][];
    drawn.dispose();
    assertFiniteRows(rows, `the run '${paths.root}' at step ${step}`);
    const doc = { run: paths.root, model: config.model, step, seed, samples: rows };
    if (out !== undefined) {
      if (png)
        await writeGrid(out, rows, `${config.model} at step ${step}: samples (seed ${seed})`);
      else
        await writeFileAtomic(out, /\.json$/i.test(out) ? `${JSON.stringify(doc)}\n` : toCsv(rows));
      if (flags.json) printJson({ ...doc, samples: undefined, out, n });
      else process.stdout.write(`wrote ${n} samples to ${out}\n`);
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
    .option('--json', 'print one JSON document')
    .action(sample);
}
