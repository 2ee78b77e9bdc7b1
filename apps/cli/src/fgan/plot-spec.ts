import {
  FGAN_MIXTURE,
  type FganName,
  type GaussianFit,
  FGAN_LABELS as LABELS,
  FGAN_NAMES as NAMES,
} from '@gen/experiments';
import type { TopLevelSpec } from 'vega-lite';

const normalPdf = (x: number, m: number, s: number) =>
  Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));

/** Densities of the target mixture and of the five f-GAN fits on [−7, 9]. */
export function fitsSpec(fits: Record<FganName, GaussianFit>): TopLevelSpec {
  const { weights, means, scales } = FGAN_MIXTURE;
  const values: { x: number; density: number; curve: string }[] = [];
  for (let i = 0; i <= 320; i++) {
    const x = -7 + i * 0.05;
    const mixture = weights.reduce((s, w, k) => s + w * normalPdf(x, means[k]!, scales[k]!), 0);
    values.push({ x, density: mixture, curve: 'target P' });
    for (const name of NAMES) {
      values.push({
        x,
        density: normalPdf(x, fits[name].mu, fits[name].sigma),
        curve: LABELS[name],
      });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'f-GAN: a Gaussian fitted to a mixture of three Gaussians',
    width: 520,
    height: 260,
    data: { values },
    mark: { type: 'line' },
    encoding: {
      x: { field: 'x', type: 'quantitative' },
      y: { field: 'density', type: 'quantitative' },
      color: {
        field: 'curve',
        type: 'nominal',
        sort: ['target P', ...NAMES.map((n) => LABELS[n])],
      },
      strokeWidth: { condition: { test: "datum.curve === 'target P'", value: 3 }, value: 1.5 },
    },
  };
}
