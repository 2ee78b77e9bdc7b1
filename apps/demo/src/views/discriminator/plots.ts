/**
 * The discriminator view's plots (Observable Plot, sized from their container): the densities p
 * and q, the trained discriminator against D* (or the critic against the optimal 1-Lipschitz
 * critic), and JSD, W₁ and their derivatives against the separation Δ.
 */
import * as Plot from '@observablehq/plot';
import { axisFormat } from '../../shell/format.js';
import type { DivergenceCurves } from './theory.js';

/** What the first card draws, on one grid of x. */
export interface Snapshot {
  xs: number[];
  p: number[];
  q: number[];
  /** D*(x) (minimax) or the optimal critic, centred (critics). */
  optimum: number[];
  /** σ(logit) (minimax) or the critic, centred (critics). */
  trained: number[];
  critic: boolean;
}

const COLOURS = { p: '#4269d0', q: '#ff725c', optimum: '#222', trained: '#3ca951' };

function height(width: number, ratio: number, min: number, max: number): number {
  return Math.round(Math.min(max, Math.max(min, width * ratio)));
}

/** p and q on the grid. */
export function densityPlot(s: Pick<Snapshot, 'xs' | 'p' | 'q'>, width: number): Element {
  const rows = [
    ...s.xs.map((x, i) => ({ x, y: s.p[i]!, curve: 'data p' })),
    ...s.xs.map((x, i) => ({ x, y: s.q[i]!, curve: 'generator q' })),
  ];
  return Plot.plot({
    width,
    height: height(width, 0.3, 150, 220),
    marginLeft: 48,
    x: { label: 'x', tickFormat: axisFormat },
    y: { label: 'density', grid: true, tickFormat: axisFormat },
    color: { legend: true, domain: ['data p', 'generator q'], range: [COLOURS.p, COLOURS.q] },
    marks: [
      Plot.areaY(rows, { x: 'x', y: 'y', fill: 'curve', fillOpacity: 0.2 }),
      Plot.lineY(rows, { x: 'x', y: 'y', stroke: 'curve', strokeWidth: 2 }),
      Plot.ruleY([0]),
    ],
  });
}

/** The trained discriminator (or critic) over its optimum on the grid. */
export function discriminatorPlot(s: Snapshot, width: number): Element {
  const optimum = s.critic ? 'optimal critic f* (slope −1)' : 'D*(x) = p/(p + q)';
  const trained = s.critic ? 'trained critic f' : 'trained D(x)';
  const finite = (v: number) => Number.isFinite(v);
  const rows = [
    ...s.xs.map((x, i) => ({ x, y: s.optimum[i]!, curve: optimum })),
    ...s.xs.map((x, i) => ({ x, y: s.trained[i]!, curve: trained })),
  ].filter((r) => finite(r.y));
  return Plot.plot({
    width,
    height: height(width, 0.35, 170, 260),
    marginLeft: 48,
    x: { label: 'x', tickFormat: axisFormat },
    y: s.critic
      ? { label: 'critic value (centred)', grid: true, tickFormat: axisFormat }
      : { label: 'D(x)', grid: true, domain: [0, 1], tickFormat: axisFormat },
    color: { legend: true, domain: [optimum, trained], range: [COLOURS.optimum, COLOURS.trained] },
    marks: [
      Plot.lineY(
        rows.filter((r) => r.curve === optimum),
        { x: 'x', y: 'y', stroke: 'curve', strokeWidth: 2, strokeDasharray: '6 3' },
      ),
      Plot.lineY(
        rows.filter((r) => r.curve === trained),
        { x: 'x', y: 'y', stroke: 'curve', strokeWidth: 2.5 },
      ),
      ...(s.critic
        ? [Plot.ruleY([0], { stroke: '#ccc' })]
        : [Plot.ruleY([0.5], { stroke: '#ccc' })]),
    ],
  });
}

/** One quantity against Δ with the current Δ marked; optional horizontal reference line. */
function againstDelta(
  series: { name: string; values: number[]; colour: string }[],
  deltas: number[],
  current: number,
  width: number,
  yLabel: string,
  reference?: { y: number; label: string },
): Element {
  const rows = series.flatMap((s) =>
    deltas
      .map((d, i) => ({ d, y: s.values[i]!, curve: s.name }))
      .filter((r) => Number.isFinite(r.y)),
  );
  return Plot.plot({
    width,
    height: height(width, 0.28, 140, 200),
    marginLeft: 48,
    x: { label: 'separation Δ', tickFormat: axisFormat },
    y: { label: yLabel, grid: true, tickFormat: axisFormat },
    color: {
      legend: series.length > 1,
      domain: series.map((s) => s.name),
      range: series.map((s) => s.colour),
    },
    marks: [
      ...(reference !== undefined
        ? [
            Plot.ruleY([reference.y], { stroke: '#888', strokeDasharray: '4 3' }),
            Plot.text([reference], {
              y: 'y',
              text: 'label',
              frameAnchor: 'right',
              dy: -8,
              fill: '#555',
            }),
          ]
        : []),
      Plot.ruleX([current], { stroke: '#c00', strokeOpacity: 0.6 }),
      Plot.lineY(rows, { x: 'd', y: 'y', stroke: 'curve', strokeWidth: 2 }),
    ],
  });
}

/** JSD(p‖q) against Δ with the line at log 2. */
export function jsdPlot(c: DivergenceCurves, current: number, width: number): Element {
  return againstDelta(
    [{ name: 'JSD(p‖q)', values: c.jsd, colour: '#9c6b4e' }],
    c.deltas,
    current,
    width,
    'JSD (nats)',
    { y: Math.LN2, label: 'log 2' },
  );
}

/** W₁(p, q) against Δ. */
export function w1Plot(c: DivergenceCurves, current: number, width: number): Element {
  return againstDelta(
    [{ name: 'W₁(p, q)', values: c.w1, colour: '#6cc5b0' }],
    c.deltas,
    current,
    width,
    'W₁',
  );
}

/** dJSD/dΔ and dW₁/dΔ against Δ: the gradient a generator at that Δ would get. */
export function gradientPlot(c: DivergenceCurves, current: number, width: number): Element {
  return againstDelta(
    [
      { name: 'dJSD/dΔ', values: c.dJsd, colour: '#9c6b4e' },
      { name: 'dW₁/dΔ', values: c.dW1, colour: '#6cc5b0' },
    ],
    c.deltas,
    current,
    width,
    'd/dΔ',
    { y: 0, label: '' },
  );
}
