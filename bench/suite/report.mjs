import { formatMs, formatRatio, printTable } from './format.mjs';
import { SIDES } from './python-worker.mjs';

/** The ratio of @gen wasm to the row's target baseline, and whether every target is met. */
export function verdict(row, result) {
  const wasm = result.phases?.wasm;
  if (wasm === undefined) return {};
  const base = wasm.baselines[row.target.against];
  const ratio = base === undefined ? undefined : wasm.tfjs.ms / base.ms;
  const checks = [];
  if (row.target.max !== undefined && ratio !== undefined) checks.push(ratio <= row.target.max);
  if (row.kernelTarget !== undefined)
    checks.push(wasm.tfjs.kernels.perStep <= row.kernelTarget.max);
  if (row.target.mustConverge) checks.push(wasm.tfjs.info?.converged === true);
  const decided = row.target.max === undefined || ratio !== undefined;
  return { ratio, met: checks.length > 0 && decided ? checks.every(Boolean) : undefined };
}

function targetText(row) {
  return (
    [row.target.text, row.kernelTarget?.text, row.target.mustConverge ? 'converges' : '']
      .filter((t) => t && t !== '—')
      .join(', ') || '—'
  );
}

/** Prints the suite's table, the per-row kernel breakdown and the Sinkhorn convergence. */
export function printSuite(rows, results, backends) {
  const extra = backends.filter((b) => b !== 'wasm');
  const header = [
    'row',
    '@gen wasm',
    ...extra.map((b) => `@gen ${b}`),
    SIDES.torch1.label,
    SIDES.torchN.label,
    'POT/sklearn',
    'ratio',
    'target',
    'met',
    'kernels/step',
  ];
  const cells = rows.map((row) => {
    const r = results[row.id];
    const wasm = r.phases?.wasm;
    const b = wasm?.baselines ?? {};
    if (r.error !== undefined) {
      return [row.id, 'error', ...extra.map(() => ''), '', '', '', '', targetText(row), '', ''];
    }
    const met = r.met === undefined ? '—' : r.met ? 'yes' : 'no';
    return [
      row.id,
      formatMs(wasm?.tfjs.ms),
      ...extra.map((backend) => formatMs(r.phases?.[backend]?.tfjs.ms)),
      formatMs(b.torch1?.ms),
      formatMs(b.torchN?.ms),
      formatMs(b.reference?.ms),
      formatRatio(r.ratio),
      targetText(row),
      met,
      wasm === undefined ? '—' : String(Math.round(wasm.tfjs.kernels.perStep)),
    ];
  });
  printTable(header, cells);
  console.log('\nRows:');
  for (const row of rows) console.log(`  ${row.id.padEnd(13)} ${row.title}`);
  console.log('\nKernel time per step on wasm (tf.profile), largest first:');
  for (const row of rows) {
    const k = results[row.id].phases?.wasm?.tfjs.kernels;
    if (k === undefined) continue;
    const top = k.top.map((t) => `${t.name} ${Math.round(t.calls)}× ${formatMs(t.ms)}`).join(', ');
    console.log(
      `  ${row.id}: ${Math.round(k.perStep)} kernels, ${formatMs(k.kernelMsPerStep)}: ${top}`,
    );
  }
  for (const row of rows) {
    const wasm = results[row.id].phases?.wasm;
    if (!row.target.mustConverge || wasm === undefined) continue;
    const side = (name, info) =>
      info === undefined
        ? `${name} —`
        : `${name} ${info.iterations} iterations, ${info.converged ? 'converged' : 'not converged'} (marginal error ${info.marginalError.toExponential(1)})`;
    console.log(
      `\n${row.id}: ${side('@gen', wasm.tfjs.info)}; ${side('POT', wasm.baselines.reference?.info)}` +
        ' (@gen: L1 error of the column marginals; POT: L2, checked every 10 iterations)',
    );
  }
}
