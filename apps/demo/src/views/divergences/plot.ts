/**
 * Rendering of the divergences view: the target density with each fitted Gaussian (Observable
 * Plot; one colour and one dash pattern per fit, so overlapping fits stay visible), a drag handle
 * at each component's peak, a legend of every curve, and the live f-GAN train/test table.
 */
import * as Plot from '@observablehq/plot';
import { h } from '../../shell/dom.js';
import { axisFormat, formatNumber } from '../../shell/format.js';
import { FIT_LABELS, type FitName, type FitSnapshot } from './fits.js';
import { type Component, linspace, mixturePdf, mixtureRange, normalPdf } from './mixture.js';

interface Row {
  x: number;
  density: number;
  curve: string;
}

const TARGET = 'target P';

/** A fixed colour per divergence (Okabe–Ito based: distinguishable with colour-vision deficits). */
export const FIT_COLOURS: Record<FitName, string> = {
  kl: '#0072b2',
  'reverse-kl': '#d55e00',
  js: '#009e73',
  'squared-hellinger': '#cc79a7',
  pearson: '#e69f00',
  jeffreys: '#5b3a8c',
};

/** The dash patterns of `lossCurvePlot`, by position in the selection (same order there). */
const DASHES = ['none', '6 3', '2 2', '8 3 2 3', '1 3', '10 4'];

/** Colour, dash and label of each selected fit (position i gets dash i, as in the loss plot). */
export function fitStyles(
  names: readonly FitName[],
): { name: FitName; label: string; colour: string; dash: string }[] {
  return names.map((name, i) => ({
    name,
    label: FIT_LABELS[name],
    colour: FIT_COLOURS[name],
    dash: DASHES[i % DASHES.length]!,
  }));
}

/** The plotted window: x and y domains (kept fixed while a handle is dragged). */
export interface PlotFrame {
  x: [number, number];
  y: [number, number];
}

/** A drag handle: component `index` drawn at (its mean, its peak in the normalised mixture). */
export interface Handle {
  index: number;
  x: number;
  y: number;
}

/** Handles of every component (zero-weight ones sit on the axis, ready to be pulled up). */
export function componentHandles(raw: readonly Component[]): Handle[] {
  const total = raw.reduce((sum, c) => sum + Math.max(0, c.weight), 0);
  return raw.map((c, index) => ({
    index,
    x: c.mean,
    y: total > 0 ? Math.max(0, c.weight) / total / (c.std * Math.sqrt(2 * Math.PI)) : 0,
  }));
}

/** Plot rows: P on a grid over [a, b], and N(μ, σ²) of each fit on the same grid. */
export function densityRows(
  components: readonly Component[],
  snapshot: FitSnapshot,
  range: [number, number] = mixtureRange(components, 4),
): Row[] {
  const xs = linspace(range[0], range[1], 241);
  const rows: Row[] = xs.map((x) => ({ x, density: mixturePdf(x, components), curve: TARGET }));
  snapshot.names.forEach((name, i) => {
    const mu = snapshot.mu[i]!;
    const sigma = snapshot.sigma[i]!;
    if (!Number.isFinite(mu) || !(sigma > 0)) return;
    for (const x of xs) rows.push({ x, density: normalPdf(x, mu, sigma), curve: FIT_LABELS[name] });
  });
  return rows;
}

/**
 * The window for the mixture `components` (normalised) and the raw components (handles): x covers
 * every component ± 3.5 std (zero-weight ones too, so their handles are visible), y the target,
 * the handles and the fits, clipped at 3× the target's peak so a collapsing fit cannot squash P.
 */
export function plotFrame(
  components: readonly Component[],
  raw: readonly Component[],
  snapshot: FitSnapshot,
): PlotFrame {
  const x: [number, number] = [
    Math.min(...raw.map((c) => c.mean - 3.5 * c.std)),
    Math.max(...raw.map((c) => c.mean + 3.5 * c.std)),
  ];
  const target = densityRows(components, snapshot, x);
  const peak = Math.max(...target.filter((r) => r.curve === TARGET).map((r) => r.density));
  const highest = Math.max(
    ...target.map((r) => r.density),
    ...componentHandles(raw).map((c) => c.y),
  );
  return { x, y: [0, Math.min(highest, 3 * peak) * 1.08] };
}

/** The density plot with handles, sized to `width` pixels, in `frame`. */
export function densityPlot(
  components: readonly Component[],
  raw: readonly Component[],
  snapshot: FitSnapshot,
  width: number,
  frame: PlotFrame,
): SVGSVGElement {
  const rows = densityRows(components, snapshot, frame.x);
  const target = rows.filter((r) => r.curve === TARGET);
  const styles = fitStyles(snapshot.names);
  const handles = componentHandles(raw)
    .filter((c) => c.x >= frame.x[0] && c.x <= frame.x[1])
    .map((c) => ({ ...c, y: Math.min(c.y, frame.y[1]) }));
  return Plot.plot({
    width,
    height: Math.round(Math.min(360, Math.max(220, width * 0.6))),
    marginLeft: 48,
    x: { label: 'x', domain: frame.x, tickFormat: axisFormat },
    y: { label: 'density', grid: true, domain: frame.y, clamp: true, tickFormat: axisFormat },
    marks: [
      Plot.areaY(target, { x: 'x', y: 'density', fill: '#9aa5b1', fillOpacity: 0.35 }),
      Plot.lineY(target, { x: 'x', y: 'density', stroke: '#5b6572', strokeWidth: 2 }),
      ...styles.map((style) =>
        Plot.lineY(
          rows.filter((r) => r.curve === style.label),
          {
            x: 'x',
            y: 'density',
            stroke: style.colour,
            strokeWidth: 2.25,
            strokeDasharray: style.dash,
            clip: true,
          },
        ),
      ),
      Plot.ruleY([0]),
      Plot.ruleX(handles, {
        x: 'x',
        y1: 0,
        y2: 'y',
        stroke: '#1d232b',
        strokeOpacity: 0.35,
        strokeDasharray: '2 3',
      }),
      Plot.dot(handles, {
        x: 'x',
        y: 'y',
        r: 7,
        fill: 'white',
        stroke: '#1d232b',
        strokeWidth: 2,
        title: (d: Handle) =>
          `component ${d.index + 1}: drag sideways to move its mean, up or down to change its weight`,
      }),
      Plot.text(handles, {
        x: 'x',
        y: 'y',
        text: (d: Handle) => String(d.index + 1),
        fontSize: 9,
        fontWeight: 700,
      }),
    ],
  }) as SVGSVGElement;
}

/** A legend of the target and every selected fit: colour and dash sample beside each label. */
export function fitLegend(names: readonly FitName[]): HTMLElement {
  const sample = (stroke: string, dash: string, fill?: string) => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('width', '30');
    svg.setAttribute('height', '12');
    svg.setAttribute('aria-hidden', 'true');
    if (fill !== undefined) {
      const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      for (const [k, v] of Object.entries({ x: '0', y: '2', width: '30', height: '10', fill })) {
        rect.setAttribute(k, v);
      }
      rect.setAttribute('fill-opacity', '0.35');
      svg.append(rect);
    }
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
    for (const [k, v] of Object.entries({ x1: '1', y1: '6', x2: '29', y2: '6', stroke })) {
      line.setAttribute(k, v);
    }
    line.setAttribute('stroke-width', '2.5');
    if (dash !== 'none') line.setAttribute('stroke-dasharray', dash);
    svg.append(line);
    return svg;
  };
  return h(
    'ul',
    { class: 'fit-legend', 'data-testid': 'fit-legend', 'aria-label': 'legend' },
    h('li', {}, sample('#5b6572', 'none', '#9aa5b1'), TARGET),
    ...fitStyles(names).map((style) =>
      h('li', { 'data-fit': style.name }, sample(style.colour, style.dash), style.label),
    ),
  );
}

/** Formatted cell: 4 significant digits, "∞" where float32 overflows (Pearson χ² of a narrow fit). */
const format = (v: number) => formatNumber(v);

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
  const best = snapshot.names.map((_, j) => Math.min(...snapshot.matrix.map((r) => r[j]!)));
  const body = snapshot.names.map((name, i) => {
    const row = snapshot.matrix[i]!;
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
    { class: 'table-scroll', 'data-scroll-hint': 'scroll sideways →' },
    h(
      'table',
      { class: 'numbers', 'data-testid': 'train-test-table' },
      h('caption', {}, 'D(P‖q) in nats; bold: the smallest in each column'),
      h('thead', {}, head),
      h('tbody', {}, ...body),
    ),
  );
}
