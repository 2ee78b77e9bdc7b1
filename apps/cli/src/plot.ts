import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from './fs-atomic.js';

/** Renders a Vega-Lite spec to an SVG string (headless, no canvas needed). */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders a Vega-Lite spec to PNG bytes through resvg (white background). */
export async function vegaLiteToPng(spec: TopLevelSpec, scale = 2): Promise<Uint8Array> {
  const svg = await vegaLiteToSvg(spec);
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true },
  });
  return resvg.render().asPng();
}

/** Renders a Vega-Lite spec and writes it atomically as a PNG file. */
export async function writePlot(path: string, spec: TopLevelSpec, scale = 2): Promise<void> {
  await writeFileAtomic(path, await vegaLiteToPng(spec, scale));
}
