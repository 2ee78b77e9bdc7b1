import { Rng } from '@gen/core';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { familyOf } from '../models/registry.js';
import { printJson } from '../output.js';
import { parseInteger } from '../run/parse.js';
import { readRunConfig } from '../run/run-dir.js';
import { buildModel, loadFor, loadTrained, startBackend } from '../training/session.js';

interface SampleFlags {
  n?: string;
  out?: string;
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
  const n = parseInteger('-n', flags.n ?? '10');
  const seed = parseInteger('--seed', flags.seed ?? '0', 0);
  const out = flags.out;
  if (out !== undefined && !/\.(csv|json)$/i.test(out)) {
    throw new UsageError(`--out: expected a .csv or .json file, got ${JSON.stringify(out)}`);
  }
  const { config, paths } = readRunConfig(dir);
  const family = familyOf(config.model);
  await startBackend(config.backend);
  const train = await loadFor(family, config.data, 'train', config.limit);
  const built = buildModel(config, train);
  train.x.dispose();
  try {
    if (!built.sample) throw new UsageError(`<run>: model '${config.model}' does not sample`);
    const step = await loadTrained(built, paths);
    const drawn = built.sample(n, Rng.fromSeed(seed));
    const rows = (await drawn.array()) as number[][];
    drawn.dispose();
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
    .option('--seed <n>', 'seed of the draws', '0')
    .option('--json', 'print one JSON document')
    .action(sample);
}
