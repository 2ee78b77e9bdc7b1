import { initBackend } from '@gen/core';
import type { Command } from 'commander';
import { parseIntFlag, parseNumberFlag } from '../divergence/flags.js';
import { resolveNames } from '../divergence/names.js';
import {
  type DivergenceRow,
  distributionRows,
  sampleRows,
  vectorRows,
} from '../divergence/rows.js';
import {
  checkCompatible,
  makeDistribution,
  parseSpec,
  readSamples,
  type Spec,
} from '../divergence/spec.js';
import { UsageError } from '../errors.js';
import { formatNumber, printJson, printTable } from '../output.js';

/** Monte Carlo draws per distribution: 40 MB of float32 each, well within one process. */
const MAX_DRAWS = 1e7;

/** |α| beyond this only overflows float32 (u^α), giving 0 or ∞ instead of the divergence. */
const MAX_ALPHA = 1e3;

interface DivergenceFlags {
  p?: string;
  q?: string;
  name: string;
  samples: string;
  seed: string;
  alpha?: string;
  epsilon: string;
  bandwidth: string;
  json?: boolean;
}

async function computeRows(p: Spec, q: Spec, names: string[], flags: DivergenceFlags) {
  const options = {
    ...(flags.alpha === undefined
      ? {}
      : { alpha: parseNumberFlag('--alpha', flags.alpha, false, MAX_ALPHA) }),
    samples: parseIntFlag('--samples', flags.samples, 2, MAX_DRAWS),
    seed: parseIntFlag('--seed', flags.seed, 0),
    epsilon: parseNumberFlag('--epsilon', flags.epsilon, true),
    bandwidth: parseNumberFlag('--bandwidth', flags.bandwidth, true),
  };
  if (p.kind === 'vector' && q.kind === 'vector')
    return vectorRows(p.probs, q.probs, names, options);
  if (p.kind === 'distribution' && q.kind === 'distribution') {
    const [dp, dq] = [makeDistribution(p), makeDistribution(q)];
    try {
      return await distributionRows(dp, dq, names, options);
    } finally {
      for (const d of [dp, dq]) (d as { dispose?: () => void }).dispose?.();
    }
  }
  const [x, y] = [
    readSamples('--p', (p as { path: string }).path),
    readSamples('--q', (q as { path: string }).path),
  ];
  try {
    return await sampleRows(x, y, names, options);
  } finally {
    x.dispose();
    y.dispose();
  }
}

function print(kind: Spec['kind'], rows: DivergenceRow[]): void {
  const withError = rows.some((r) => r.stdError !== undefined);
  const header = ['name', 'method', 'value', ...(withError ? ['std err'] : [])];
  printTable(
    header,
    rows.map((r) => [
      r.name,
      r.method,
      formatNumber(r.value),
      ...(withError
        ? [r.stdError === undefined || !Number.isFinite(r.value) ? '-' : formatNumber(r.stdError)]
        : []),
    ]),
  );
  if (kind !== 'samples')
    process.stdout.write('\nnats; D(P‖Q) = E_Q[f(p/q)]; js ≤ log 2 (halved)\n');
}

/** `gen divergence`: divergences between two probability vectors, distributions or sample files. */
export function registerDivergence(program: Command): void {
  program
    .command('divergence')
    .description('divergences and distances between P and Q, printed as a table')
    .option(
      '--p <spec>',
      'P: a probability vector "0.2,0.3,0.5", a distribution "normal(0,1)" or a CSV file of samples',
    )
    .option('--q <spec>', 'Q: the same kind and dimension as --p')
    .option('--name <name>', 'one divergence, or all (see the table of names in the docs)', 'all')
    .option('--samples <n>', 'Monte Carlo draws from each distribution', '10000')
    .option('--seed <n>', 'random seed (Monte Carlo, sliced Wasserstein)', '0')
    .option('--alpha <a>', 'α of the alpha divergence (adds it to "all")')
    .option('--epsilon <e>', 'Sinkhorn regularisation ε (samples)', '0.1')
    .option('--bandwidth <h>', 'MMD rbf kernel bandwidth (samples)', '1')
    .option('--json', 'print one JSON document')
    .action(async (flags: DivergenceFlags) => {
      if (flags.p === undefined)
        throw new UsageError('--p: required (a vector, a distribution or a CSV file)');
      if (flags.q === undefined)
        throw new UsageError('--q: required (a vector, a distribution or a CSV file)');
      await initBackend('wasm'); // distributions and CSV files become tensors while parsed
      const p = parseSpec('--p', flags.p);
      const q = parseSpec('--q', flags.q);
      checkCompatible(p, q);
      const alpha =
        flags.alpha === undefined
          ? undefined
          : parseNumberFlag('--alpha', flags.alpha, false, MAX_ALPHA);
      const names = resolveNames(flags.name, p, alpha);
      const rows = await computeRows(p, q, names, flags);
      if (flags.json) {
        const finite = rows.map((r) => ({
          ...r,
          value: Number.isFinite(r.value) ? r.value : String(r.value),
        }));
        return printJson({
          kind: p.kind,
          p: flags.p,
          q: flags.q,
          unit: p.kind === 'samples' ? null : 'nats',
          rows: finite,
        });
      }
      print(p.kind, rows);
    });
}
