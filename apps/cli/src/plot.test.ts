import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vegaLiteToSvg, writePlot } from './plot.js';

const spec = {
  data: { values: Array.from({ length: 50 }, (_, i) => ({ step: i, loss: Math.exp(-i / 10) })) },
  mark: 'line' as const,
  encoding: {
    x: { field: 'step', type: 'quantitative' as const },
    y: { field: 'loss', type: 'quantitative' as const },
  },
  width: 300,
  height: 200,
  title: 'loss',
};

describe('plot', () => {
  it('renders a Vega-Lite spec to SVG with the axes and the title', async () => {
    const svg = await vegaLiteToSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('loss');
    expect(svg).toContain('step');
  });

  it('writes a PNG atomically (no temp file left behind)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gen-plot-'));
    const path = join(dir, 'loss.png');
    await writePlot(path, spec);
    const png = await readFile(path);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // PNG width at 2× zoom is larger than the 300-pixel plot area.
    expect(png.readUInt32BE(16)).toBeGreaterThan(300);
    expect(await readdir(dir)).toEqual(['loss.png']);
  });
});
