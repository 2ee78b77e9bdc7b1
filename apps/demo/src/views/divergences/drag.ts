/**
 * Direct manipulation of the target mixture on the density plot: each component has a handle at
 * its peak; dragging it sideways moves the component's mean, up or down changes its weight so
 * that its peak (in the normalised mixture) follows the pointer.
 */
import type { Plot } from '@observablehq/plot';
import type { Component } from './mixture.js';
import type { Handle } from './plot.js';

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** `value` rounded to a multiple of `step` (without float dust) and clamped to [min, max]. */
export function snap(value: number, step: number, min: number, max: number): number {
  const rounded = Number((Math.round(value / step) * step).toFixed(6));
  return Math.min(max, Math.max(min, rounded));
}

/**
 * The raw weight of component `index` that puts its peak w/(Σw · std · √(2π)) at density `y`
 * with the other weights unchanged: w = p·R/(1 − p) for p = y · std · √(2π) and R the other
 * weights' sum. A component alone keeps its weight (normalised, it is 1 whatever it is).
 */
export function weightForPeak(raw: readonly Component[], index: number, y: number): number {
  const c = raw[index]!;
  const others = raw.reduce((sum, o, j) => (j === index ? sum : sum + Math.max(0, o.weight)), 0);
  if (others <= 0) return c.weight;
  const p = Math.min(0.999, Math.max(0, y * c.std * SQRT_2PI));
  return (p * others) / (1 - p);
}

/** Callbacks of {@link attachDrag}. */
export interface DragOptions {
  /** The element the plot is drawn in (it persists while the plot inside is redrawn). */
  container: HTMLElement;
  /** The handles currently drawn, in data coordinates. */
  handles(): readonly Handle[];
  onStart(index: number): void;
  /** The pointer in data coordinates while component `index` is dragged. */
  onMove(index: number, x: number, y: number): void;
  onEnd(index: number): void;
}

/** How close (in plot pixels) a press must be to a handle to grab it. */
const GRAB_RADIUS = 16;

/** Listens for pointer drags on the handles drawn in `container`'s plot. */
export function attachDrag(options: DragOptions): void {
  const { container } = options;
  let dragging: number | undefined;

  /** The pointer in the plot's own pixel units, and the plot (undefined off the plot). */
  const locate = (event: PointerEvent) => {
    const svg = container.querySelector('svg') as (SVGSVGElement & Plot) | null;
    if (svg === null || typeof svg.scale !== 'function') return undefined;
    const rect = svg.getBoundingClientRect();
    const width = Number(svg.getAttribute('width'));
    const height = Number(svg.getAttribute('height'));
    if (!(rect.width > 0 && rect.height > 0 && width > 0 && height > 0)) return undefined;
    const px = ((event.clientX - rect.left) * width) / rect.width;
    const py = ((event.clientY - rect.top) * height) / rect.height;
    const x = svg.scale('x');
    const y = svg.scale('y');
    if (x?.invert === undefined || y?.invert === undefined) return undefined;
    return { px, py, x, y };
  };
  const nearest = (event: PointerEvent) => {
    const at = locate(event);
    if (at === undefined) return undefined;
    let best: { index: number; distance: number } | undefined;
    for (const handle of options.handles()) {
      const hx = at.x.apply(handle.x) as number;
      const hy = at.y.apply(handle.y) as number;
      const distance = Math.hypot(hx - at.px, hy - at.py);
      if (distance <= GRAB_RADIUS && (best === undefined || distance < best.distance)) {
        best = { index: handle.index, distance };
      }
    }
    return best?.index;
  };

  container.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    const index = nearest(event);
    if (index === undefined) return;
    event.preventDefault();
    dragging = index;
    container.setPointerCapture(event.pointerId);
    container.classList.add('dragging');
    options.onStart(index);
  });
  container.addEventListener('pointermove', (event) => {
    if (dragging === undefined) {
      container.classList.toggle('over-handle', nearest(event) !== undefined);
      return;
    }
    const at = locate(event);
    if (at === undefined) return;
    options.onMove(dragging, at.x.invert!(at.px) as number, at.y.invert!(at.py) as number);
  });
  const end = (event: PointerEvent) => {
    if (dragging === undefined) return;
    const index = dragging;
    dragging = undefined;
    if (container.hasPointerCapture(event.pointerId)) {
      container.releasePointerCapture(event.pointerId);
    }
    container.classList.remove('dragging');
    options.onEnd(index);
  };
  container.addEventListener('pointerup', end);
  container.addEventListener('pointercancel', end);
}
