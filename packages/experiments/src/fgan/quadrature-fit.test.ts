import { initBackend } from '@gen/core';
import { type Mixture, Normal } from '@gen/distributions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quadratureDivergence, quadratureFit } from './quadrature-fit.js';
import { mixtureOf, momentMatch } from './target.js';

describe('quadrature fits of a Gaussian', () => {
  let p: Mixture;
  beforeAll(async () => {
    await initBackend('wasm');
    p = mixtureOf();
  });
  afterAll(() => p.dispose());

  it('quadratureDivergence matches the closed-form KL between Gaussians', async () => {
    // KL(N(0, 1)‖N(1, 2²)) = log 2 + (1 + 1)/8 − 1/2.
    const q = new Normal({ loc: 0, scale: 1 });
    const kl = await quadratureDivergence('kl', q, { mu: 1, sigma: 2 });
    expect(kl).toBeCloseTo(Math.log(2) + 2 / 8 - 0.5, 6);
    // Reverse KL(N(1, 2²)‖N(0, 1)) = −log 2 + (4 + 1)/2 − 1/2.
    expect(await quadratureDivergence('reverse-kl', q, { mu: 1, sigma: 2 })).toBeCloseTo(
      -Math.log(2) + 2.5 - 0.5,
      5,
    );
    q.dispose();
  });

  it('quadratureFit under KL is moment matching, at a stationary point', async () => {
    const fit = await quadratureFit('kl', p);
    const moments = momentMatch();
    expect(fit.gradient).toBeLessThan(2e-3);
    expect(Math.abs(fit.mu - moments.mu)).toBeLessThan(2e-3);
    expect(Math.abs(fit.sigma - moments.sigma)).toBeLessThan(2e-3);
  });

  it('refuses bad arguments with typed errors naming them', async () => {
    await expect(quadratureDivergence('kl', p, { mu: 0, sigma: -1 })).rejects.toThrow(
      /quadratureDivergence: argument 'fit.sigma'/,
    );
    await expect(quadratureFit('tv' as never, p)).rejects.toThrow(/quadratureFit: argument 'name'/);
  });
});
