import { initBackend } from '@gen/core';
import {
  type FganResult,
  formatMatrix,
  FGAN_LABELS as LABELS,
  FGAN_NAMES as NAMES,
  offDiagonalMinima,
  PUBLISHED_FGAN_TABLE as PUBLISHED,
  runFgan,
} from '@gen/experiments';
import type { Command } from 'commander';
import { parseIntFlag } from '../divergence/flags.js';
import { badFlag } from '../errors.js';
import { fitsSpec } from '../fgan/plot-spec.js';
import { formatNumber, printJson, printTable } from '../output.js';
import { writePlot } from '../plot.js';
import { checkOutFile } from '../run/out-path.js';

interface FganFlags {
  steps: string;
  seed: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

function printReport(result: FganResult): void {
  const { variational: v, optima: o } = result;
  const column = (f: (n: (typeof NAMES)[number]) => number) => NAMES.map(f);
  const out = (s: string) => process.stdout.write(`${s}\n\n`);
  out('P = 0.5 N(−2, 0.7²) + 0.3 N(1.5, 0.8²) + 0.2 N(4, 1²); Q = N(μ, σ²); nats, js halved');
  printTable(
    ['train', 'D(P‖Q_θ*)', 'F̂(ω̂, θ̂)', '± se', 'D(P‖Q_θ̂)', 'μ*', 'μ̂', 'σ*', 'σ̂'],
    NAMES.map((n, i) => [
      LABELS[n],
      formatNumber(result.optimaMatrix[i]![i]!),
      formatNumber(v[n].bound),
      formatNumber(v[n].se),
      formatNumber(v[n].divergence),
      o[n].mu.toFixed(3),
      v[n].mu.toFixed(3),
      o[n].sigma.toFixed(3),
      v[n].sigma.toFixed(3),
    ]),
  );
  process.stdout.write('\n');
  out(
    formatMatrix('Train/test matrix at the f-GAN fits θ̂ (this run):', result.variationalMatrix, {
      μ̂: column((n) => v[n].mu),
      σ̂: column((n) => v[n].sigma),
    }),
  );
  out(
    formatMatrix('Train/test matrix at the quadrature optima θ*:', result.optimaMatrix, {
      'μ*': column((n) => o[n].mu),
      'σ*': column((n) => o[n].sigma),
    }),
  );
  out(
    formatMatrix(
      'Published (Nowozin et al. 2016; their mixture, JS probably ×2):',
      NAMES.map((n) => [...PUBLISHED[n]]),
    ),
  );
  const bad = offDiagonalMinima(result.variationalMatrix);
  process.stdout.write(
    bad.length === 0
      ? 'Every column of the f-GAN matrix has its minimum on the diagonal, as in the paper.\n'
      : `Off-diagonal entries at or below their column's diagonal (train/test; more --steps?): ${bad.map(([i, j]) => `${LABELS[NAMES[i]!]}/${LABELS[NAMES[j]!]}`).join(', ')}\n`,
  );
}

/** `gen fgan`: the f-GAN train/test table (Nowozin et al. 2016) on a mixture of three Gaussians. */
export function registerFgan(program: Command): void {
  program
    .command('fgan')
    .description(
      'reproduce the f-GAN train/test table: a Gaussian fitted to a mixture under five divergences',
    )
    .option(
      '--steps <n>',
      'f-GAN training steps per divergence (about 10 s per 100 on wasm)',
      '500',
    )
    .option('--seed <n>', 'seed of the first divergence (divergence i uses seed + i)', '100')
    .option('--out <file.png>', 'write a plot of the target density and the five fits')
    .option('--force', 'overwrite the --out file if it exists')
    .option('--json', 'print one JSON document')
    .action(async (flags: FganFlags) => {
      const steps = parseIntFlag('--steps', flags.steps, 5, 1e6);
      const seed = parseIntFlag('--seed', flags.seed, 0);
      if (flags.out !== undefined && !flags.out.toLowerCase().endsWith('.png')) {
        badFlag('--out', flags.out, 'a path ending in .png');
      }
      const out =
        flags.out === undefined
          ? undefined
          : checkOutFile('--out', flags.out, flags.force ?? false);
      await initBackend('wasm');
      const progress = flags.json
        ? undefined
        : (m: string) => process.stderr.write(`gen fgan: ${m}\n`);
      const result = await runFgan({
        steps,
        seed,
        ...(progress === undefined ? {} : { onProgress: progress }),
      });
      if (out !== undefined) await writePlot(out, fitsSpec(result.variational));
      if (flags.json) {
        return printJson({ ...result, published: PUBLISHED, names: NAMES, steps, seed });
      }
      printReport(result);
      if (flags.out !== undefined) process.stdout.write(`plot written to ${flags.out}\n`);
    });
}
