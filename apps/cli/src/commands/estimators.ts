import { initBackend, NumericalError } from '@gen/core';
import { BASELINES, type Baseline, testCosts } from '@gen/estimators';
import type { Command } from 'commander';
import {
  parseChoice,
  parseIntFlag,
  parseNumberFlag,
  parseNumberList,
} from '../divergence/flags.js';
import { badFlag, UsageError } from '../errors.js';
import { ESTIMATOR_FAMILIES } from '../estimators/families.js';
import { varianceSpec } from '../estimators/plot-spec.js';
import { COST_FLAGS, type EstimatorRun, runEstimators } from '../estimators/sweep.js';
import { formatNumber, printJson, printTable } from '../output.js';
import { writePlot } from '../plot.js';
import { checkOutFile } from '../run/out-path.js';

interface EstimatorFlags {
  dist: string;
  cost: string;
  k?: string;
  param: string;
  mu?: string;
  sigma?: string;
  rate?: string;
  samples: string;
  repeats: string;
  seed: string;
  baseline: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

const PARAM_FLAGS = ['mu', 'sigma', 'rate'] as const;
/** Parameters and k: costs such as (x − k)² stay finite in float32 up to about 1e19. */
const MAX_MAGNITUDE = 1e6;
/** Draws per estimator and k (--samples × --repeats): what one process sweeps in minutes. */
const MAX_DRAWS = 1e8;

/** Validates every flag before any work, so a bad one exits 2 with nothing written. */
function parseFlags(flags: EstimatorFlags): EstimatorRun & { param: string; out?: string } {
  const dist = parseChoice(
    '--dist',
    flags.dist,
    Object.keys(ESTIMATOR_FAMILIES) as (keyof typeof ESTIMATOR_FAMILIES)[],
  );
  const cost = parseChoice(
    '--cost',
    flags.cost,
    Object.keys(COST_FLAGS) as (keyof typeof COST_FLAGS)[],
  );
  const own = Object.keys(ESTIMATOR_FAMILIES[dist].params);
  const values: Record<string, number> = {};
  for (const flag of PARAM_FLAGS) {
    const given = flags[flag];
    if (!own.includes(flag)) {
      if (given !== undefined)
        throw new UsageError(
          `--${flag}: not a parameter of --dist ${dist} (its parameters: ${own.join(', ')})`,
        );
      continue;
    }
    values[flag] =
      given === undefined ? 1 : parseNumberFlag(`--${flag}`, given, flag !== 'mu', MAX_MAGNITUDE);
  }
  const param = parseChoice('--param', flags.param, ['all', ...own]);
  const samples = parseIntFlag('--samples', flags.samples, 1, 1e6);
  const baseline = parseChoice('--baseline', flags.baseline, BASELINES as readonly Baseline[]);
  if ((baseline === 'mean' || baseline === 'leaveOneOut') && samples < 2) {
    throw new UsageError(`--baseline: '${baseline}' needs --samples of at least 2, got ${samples}`);
  }
  const repeats = parseIntFlag('--repeats', flags.repeats, 2, 1e7);
  if (samples * repeats > MAX_DRAWS) {
    throw new UsageError(
      `--samples × --repeats: expected at most ${MAX_DRAWS} draws in all, got ${samples} × ${repeats}`,
    );
  }
  if (flags.out !== undefined && !flags.out.toLowerCase().endsWith('.png'))
    badFlag('--out', flags.out, 'a path ending in .png');
  return {
    dist,
    cost,
    values,
    ks:
      flags.k === undefined
        ? testCosts[COST_FLAGS[cost]].grid
        : parseNumberList('--k', flags.k, MAX_MAGNITUDE),
    samples,
    repeats,
    seed: parseIntFlag('--seed', flags.seed, 0),
    baseline,
    param,
    ...(flags.out === undefined
      ? {}
      : { out: checkOutFile('--out', flags.out, flags.force ?? false) }),
  };
}

/** `gen estimators`: variance of the score-function, pathwise and measure-valued gradient estimators. */
export function registerEstimators(program: Command): void {
  program
    .command('estimators')
    .description(
      'variance table (and plot) of the score-function, pathwise and measure-valued gradient estimators',
    )
    .option(
      '--dist <family>',
      `distribution: ${Object.keys(ESTIMATOR_FAMILIES).join(', ')}`,
      'normal',
    )
    .option('--cost <name>', 'cost f(x; k): square (x−k)², cos cos(kx), exp exp(−kx²)', 'square')
    .option('--k <list>', 'k values, comma-separated (default: a grid for the cost)')
    .option(
      '--param <name>',
      'parameter to report: all, mu, sigma (normal) or rate (exponential)',
      'all',
    )
    .option('--mu <m>', 'normal mean (default 1)')
    .option('--sigma <s>', 'normal standard deviation (default 1)')
    .option('--rate <r>', 'exponential rate (default 1)')
    .option('--samples <n>', 'draws per gradient estimate', '1')
    .option('--repeats <n>', 'independent estimates per variance', '1000')
    .option('--seed <n>', 'random seed', '0')
    .option('--baseline <b>', `score-function baseline: ${BASELINES.join(', ')}`, 'none')
    .option('--out <file.png>', 'write a plot of variance against k (log scale)')
    .option('--force', 'overwrite the --out file if it exists')
    .option('--json', 'print one JSON document')
    .action(async (flags: EstimatorFlags) => {
      const run = parseFlags(flags);
      await initBackend('wasm');
      const rows = runEstimators(run).filter((r) => run.param === 'all' || r.param === run.param);
      const bad = rows.find((r) => ![r.mean, r.stdError, r.variance].every(Number.isFinite));
      if (bad !== undefined) {
        throw new NumericalError(
          `gen estimators: the ${bad.estimator} estimate of ∂/∂${bad.param} at k = ${bad.k} is not finite (mean ${bad.mean}, variance ${bad.variance}); float32 overflowed, try smaller --k or parameters`,
        );
      }
      const title = `∂E[${testCosts[COST_FLAGS[run.cost]].label()}] under ${run.dist}(${Object.values(run.values).join(', ')})`;
      if (run.out !== undefined) await writePlot(run.out, varianceSpec(rows, title));
      if (flags.json) {
        return printJson({
          dist: run.dist,
          params: run.values,
          cost: run.cost,
          samples: run.samples,
          repeats: run.repeats,
          rows,
        });
      }
      process.stdout.write(
        `${title}, ${run.samples} draw(s) per estimate, ${run.repeats} estimates\n\n`,
      );
      printTable(
        ['k', 'param', 'estimator', 'mean', 'std err', 'exact', 'variance'],
        rows.map((r) => [
          formatNumber(r.k),
          r.param,
          r.estimator,
          formatNumber(r.mean),
          formatNumber(r.stdError),
          r.exact === undefined ? '-' : formatNumber(r.exact),
          formatNumber(r.variance),
        ]),
      );
      if (run.out !== undefined) process.stdout.write(`\nplot written to ${run.out}\n`);
    });
}
