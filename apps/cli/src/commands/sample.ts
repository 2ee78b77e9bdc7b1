import { Rng } from '@gen/core';
import type { Command } from 'commander';
import { badFlag, UsageError } from '../errors.js';
import { assertFiniteRows } from '../evaluation/finite-output.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { familyOf } from '../models/registry.js';
import { printJson } from '../output.js';
import { checkOutFile } from '../run/out-path.js';
import { LIMITS, parseInteger, parseSeed } from '../run/parse.js';
import { readRunConfig } from '../run/run-dir.js';
import { buildModel, loadFor, loadTrained, startBackend } from '../training/session.js';

interface SampleFlags {
  n?: string;
  out?: string;
  force?: boolean;
  seed?: string;
  json?: boolean;
}

const toCsv = (rows: number[][]) =>
  rows
    .map((r) => r.join(','))
    .join('\n')
    .concat('\n');

/** `gen sample <run> -n N`: draws from a trained model; prints CSV (or JSON) or writes a file. */
async function sample(dir: string, flags: SampleFlags): Promise<void> {
  const n = parseInteger('-n', flags.n ?? '10', 1, LIMITS.sampleValues);
  const seed = parseSeed('--seed', flags.seed ?? '0');
  if (flags.out !== undefined && !/\.(csv|json)$/i.test(flags.out)) {
    throw new UsageError(`--out: expected a .csv or .json file, got ${JSON.stringify(flags.out)}`);
  }
  const out =
    flags.out === undefined ? undefined : checkOutFile('--out', flags.out, flags.force ?? false);
  const { config, paths } = readRunConfig(dir);
  const family = familyOf(config.model);
  await startBackend(config.backend);
  const train = await loadFor(family, config.data, 'train', config.limit);
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
    const step = await loadTrained(built, paths);
    const drawn = built.sample(n, Rng.fromSeed(seed));
    const rows = (await drawn.array()) as number[][];
    drawn.dispose();
    assertFiniteRows(rows, `the run '${paths.root}' at step ${step}`);
    const doc = { run: paths.root, model: config.model, step, seed, samples: rows };
    if (out !== undefined) {
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
    .option('--out <file>', 'write them to a .csv or .json file instead of stdout')
    .option('--force', 'overwrite the --out file if it exists')
    .option('--seed <n>', 'seed of the draws', '0')
    .option('--json', 'print one JSON document')
    .action(sample);
}
