/**
 * Drawing your own 2-D data in the density playground: the empty canvas shown before enough
 * points exist, and the conversion of a pointer position into data coordinates through the
 * drawn Observable Plot figure's own scales (so it works over the heatmap and the canvas alike).
 */
import * as Plot from '@observablehq/plot';
import { axisFormat } from '../../shell/format.js';

/** Half-width of the drawing canvas before a run exists (data units). */
export const CANVAS_EXTENT = 2;

/** The canvas: a frame, the points drawn so far, and how to draw. */
export function drawingPlot(points: readonly number[][], size: number, needed: number): Element {
  const e = CANVAS_EXTENT;
  const left = Math.max(0, needed - points.length);
  return Plot.plot({
    width: size,
    height: size,
    marginLeft: 36,
    x: { domain: [-e, e], label: 'x₁', tickFormat: axisFormat },
    y: { domain: [-e, e], label: 'x₂', tickFormat: axisFormat },
    marks: [
      Plot.frame({ stroke: '#999', strokeDasharray: '4 3' }),
      Plot.dot(points, { x: (p) => p[0], y: (p) => p[1], r: 2, fill: '#333', fillOpacity: 0.8 }),
      Plot.text(
        [
          left > 0
            ? `Drag here to draw points (${left} more to start training)`
            : 'Release to train on these points',
        ],
        { frameAnchor: 'top', dy: 12, fill: '#555' },
      ),
    ],
  });
}

interface ScaledFigure extends Element {
  scale(name: 'x' | 'y'): { invert?: (value: number) => number } | undefined;
}

/** The plot's SVG inside a figure (the last top-level svg; legends come first). */
function plotSvg(figure: Element): SVGSVGElement | undefined {
  if (figure instanceof SVGSVGElement) return figure;
  const svgs = figure.querySelectorAll<SVGSVGElement>(':scope > svg');
  return svgs[svgs.length - 1];
}

/** A pointer position: data coordinates, SVG pixel coordinates, and the plot's SVG. */
export interface PointerPoint {
  x: number;
  y: number;
  px: number;
  py: number;
  svg: SVGSVGElement;
}

/**
 * The data coordinates under the pointer event `event` on `figure` (a Plot.plot result), or
 * undefined outside its plotting area.
 */
export function pointerToData(figure: Element, event: PointerEvent): PointerPoint | undefined {
  const svg = plotSvg(figure);
  const scaled = figure as ScaledFigure;
  if (svg === undefined || typeof scaled.scale !== 'function') return undefined;
  const xs = scaled.scale('x');
  const ys = scaled.scale('y');
  if (xs?.invert === undefined || ys?.invert === undefined) return undefined;
  const rect = svg.getBoundingClientRect();
  const width = svg.width.baseVal.value || rect.width;
  const height = svg.height.baseVal.value || rect.height;
  const px = ((event.clientX - rect.left) * width) / rect.width;
  const py = ((event.clientY - rect.top) * height) / rect.height;
  const x = xs.invert(px);
  const y = ys.invert(py);
  const domain = (s: { domain?: unknown }) => (s.domain as [number, number] | undefined) ?? [0, 0];
  const [x0, x1] = domain(xs as { domain?: unknown });
  const [y0, y1] = domain(ys as { domain?: unknown });
  const inside =
    x >= Math.min(x0, x1) &&
    x <= Math.max(x0, x1) &&
    y >= Math.min(y0, y1) &&
    y <= Math.max(y0, y1);
  return Number.isFinite(x) && Number.isFinite(y) && inside ? { x, y, px, py, svg } : undefined;
}
