import { matMulFloorFlops } from './mlp-step.mjs';

function fmt(ms) {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

const ratio = (a, b) => `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}×`;
const percent = (part, whole) => `${Math.round((100 * part) / whole)}%`;
const gflops = (ms) => `${(matMulFloorFlops() / ms / 1e6).toFixed(1)} GFLOP/s`;

function printTable(rows) {
  const header = [
    '',
    'ms/step',
    'vs torch',
    'matmul floor',
    'floor/step',
    'stock grad',
    'fast-grad gain',
  ];
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((cells) => cells[i].length)) + 2);
  for (const cells of table) {
    console.log(
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(''),
    );
  }
}

/**
 * Prints the results of run.mjs: the table, the ratios to torch, the leak check and the kernel
 * breakdown. Returns the ratios (tfjs ms ÷ torch ms) for the JSON report.
 */
export function printReport(results, torch) {
  const hasTorch = torch.skipped === undefined;
  const rows = Object.entries(results).map(([backend, r]) => [
    `tfjs ${backend}`,
    fmt(r.step.ms),
    hasTorch ? ratio(r.step.ms, torch.step.ms) : '–',
    fmt(r.matMulFloor.ms),
    percent(r.matMulFloor.ms, r.step.ms),
    fmt(r.stockGradientStep.ms),
    ratio(r.stockGradientStep.ms, r.step.ms),
  ]);
  if (hasTorch) {
    const { step, matMulFloor } = torch;
    const floorShare = percent(matMulFloor.ms, step.ms);
    rows.push([
      `torch ${torch.torchVersion}`,
      fmt(step.ms),
      '1×',
      fmt(matMulFloor.ms),
      floorShare,
      '–',
      '–',
    ]);
  }
  printTable(rows);

  const ratios = {};
  if (hasTorch) {
    console.log('\nvs single-thread PyTorch (tfjs ms ÷ torch ms):');
    for (const [backend, r] of Object.entries(results)) {
      ratios[`${backend}OverTorch`] = r.step.ms / torch.step.ms;
      ratios[`${backend}MatMulFloorOverTorch`] = r.matMulFloor.ms / torch.matMulFloor.ms;
      console.log(
        `  tfjs-${backend} / torch = ${ratio(r.step.ms, torch.step.ms)} for the step, ` +
          `${ratio(r.matMulFloor.ms, torch.matMulFloor.ms)} for the matmul floor`,
      );
    }
  } else {
    console.log(`\nPyTorch baseline skipped: ${torch.skipped}`);
  }

  const throughput = Object.entries(results).map(([b, r]) => `${b} ${gflops(r.matMulFloor.ms)}`);
  if (hasTorch) throughput.push(`torch ${gflops(torch.matMulFloor.ms)}`);
  console.log(`\nMatmul floor throughput: ${throughput.join(', ')}`);

  console.log('\nLeak check, tf.memory().numTensors before → after (asserted equal):');
  for (const [backend, r] of Object.entries(results)) {
    const loops = [r.step, r.matMulFloor, r.stockGradientStep]
      .map((m) => `${m.numTensors.before} → ${m.numTensors.after}`)
      .join(', ');
    const whole = `${r.numTensors.before} → ${r.numTensors.after}`;
    console.log(
      `  ${backend}: timed loops (step, floor, stock) ${loops}; whole benchmark ${whole}`,
    );
  }

  console.log('\nKernel time per step (tf.profile of the fast step), largest first:');
  for (const [backend, { profile }] of Object.entries(results)) {
    const calls = Math.round(profile.kernels.reduce((sum, k) => sum + k.calls, 0));
    const top = profile.kernels
      .slice(0, 6)
      .map(
        (k) =>
          `${k.name} ${Math.round(k.calls)}× ${fmt(k.ms)} ms (${percent(k.ms, profile.totalMs)})`,
      );
    console.log(
      `  ${backend}: ${fmt(profile.totalMs)} ms in ${calls} kernel calls of a ` +
        `${fmt(profile.wallMs)} ms profiled step (${percent(profile.totalMs, profile.wallMs)})`,
    );
    console.log(`    ${top.join(', ')}`);
  }
  return ratios;
}
