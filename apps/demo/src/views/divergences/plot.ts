/**
 * Rendering of the divergences view: the target density with each fitted Gaussian (Observable
 * Plot), and the live f-GAN train/test table.
 */
import * as Plot from '@observablehq/plot';
import { h } from '../../shell/dom.js';
import { FIT_LABELS, type FitSnapshot } from './fits.js';
import { type Component, linspace, mixturePdf, mixtureRange, normalPdf } from './mixture.js';

interface Row {
  x: number;
  density: number;
  curve: string;
}

const TARGET = 'target P';

/** Plot rows: P on a grid over its range, and N(μ, σ²) of each fit on the same grid. */
export function densityRows(components: readonly Component[], snapshot: FitSnapshot): Row[] {
  const [a, b] = mixtureRange(components, 4);
  const xs = linspace(a, b, 241);
  const rows: Row[] = xs.map((x) => ({ x, density: mixturePdf(x, components), curve: TARGET }));
  snapshot.names.forEach((name, i) => {
    const mu = snapshot.mu[i]!;
    const sigma = snapshot.sigma[i]!;
    if (!Number.isFinite(mu) || !(sigma > 0)) return;
    for (const x of xs) rows.push({ x, density: normalPdf(x, mu, sigma), curve: FIT_LABELS[name] });
  });
  return rows;
}

/** The density plot, sized to `width` pixels. */
export function densityPlot(
  components: readonly Component[],
  snapshot: FitSnapshot,
  width: number,
): Element {
  const rows = densityRows(components, snapshot);
  const target = rows.filter((r) => r.curve === TARGET);
  const fits = rows.filter((r) => r.curve !== TARGET);
  const domain = [TARGET, ...snapshot.names.map((n) => FIT_LABELS[n])];
  return Plot.plot({
    width,
    height: Math.round(Math.min(360, width * 0.6)),
    x: { label: 'x' },
    y: { label: 'density', grid: true },
    color: { legend: true, domain },
    marks: [
      Plot.areaY(target, { x: 'x', y: 'density', fill: '#9aa5b1', fillOpacity: 0.35 }),
      Plot.lineY(target, { x: 'x', y: 'density', stroke: 'curve', strokeWidth: 2 }),
      Plot.lineY(fits, { x: 'x', y: 'density', stroke: 'curve', strokeWidth: 2 }),
      Plot.ruleY([0]),
    ],
  });
}

/** Four decimals; +∞ where float32 overflows (Pearson χ² of a fit narrower than P's tails). */
const format = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : v === Infinity ? '∞' : '—');

/** The train/test table: rows trained with, columns evaluated with, then μ and σ of each fit. */
export function trainTestTable(snapshot: FitSnapshot): HTMLElement {
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, 'train \\ test'),
    ...snapshot.names.map((n) => h('th', { scope: 'col' }, FIT_LABELS[n])),
    h('th', { scope: 'col' }, 'μ'),
    h('th', { scope: 'col' }, 'σ'),
  );
  const body = snapshot.names.map((name, i) => {
    const row = snapshot.matrix[i]!;
    const best = snapshot.names.map((_, j) => Math.min(...snapshot.matrix.map((r) => r[j]!)));
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, FIT_LABELS[name]),
      ...row.map((v, j) => h('td', v === best[j] ? { class: 'best' } : {}, format(v))),
      h('td', {}, format(snapshot.mu[i]!)),
      h('td', {}, format(snapshot.sigma[i]!)),
    );
  });
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'numbers', 'data-testid': 'train-test-table' },
      h('caption', {}, 'D(P‖q) in nats; bold: the smallest in each column'),
      h('thead', {}, head),
      h('tbody', {}, ...body),
    ),
  );
}
