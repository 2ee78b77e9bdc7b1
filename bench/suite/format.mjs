/** A duration in the unit that suits it: µs below 0.1 ms, s from 1000 ms. */
export function formatMs(ms) {
  if (ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 0.1) return `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
  return `${ms.toFixed(ms >= 100 ? 0 : ms >= 10 ? 1 : 2)} ms`;
}

export function formatRatio(ratio) {
  return ratio === undefined ? '—' : `${ratio.toFixed(ratio >= 10 ? 0 : 2)}×`;
}

/** Prints `rows` (arrays of cells) under `header`, the first column left-aligned. */
export function printTable(header, rows) {
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((cells) => cells[i].length)) + 2);
  for (const cells of table) {
    console.log(
      cells
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join('')
        .trimEnd(),
    );
  }
}
