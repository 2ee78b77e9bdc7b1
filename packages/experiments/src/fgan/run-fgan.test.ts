import { initBackend } from '@gen/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FGAN_NAMES } from './names.js';
import { runFgan } from './run-fgan.js';
import { momentMatch } from './target.js';

describe('runFgan (a tiny budget; tests/fgan checks the full training)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('reports optima, fits and both tables consistently, with progress', async () => {
    const messages: string[] = [];
    const result = await runFgan({
      steps: 10,
      batch: 64,
      seed: 3,
      onProgress: (m) => messages.push(m),
    });
    expect(messages).toHaveLength(10);
    expect(messages[0]).toBe('kl: quadrature optimum');
    expect(messages[1]).toBe('kl: f-GAN training, 10 steps');
    const moments = momentMatch();
    expect(Math.abs(result.optima.kl.mu - moments.mu)).toBeLessThan(2e-3);
    expect(Math.abs(result.optima.kl.sigma - moments.sigma)).toBeLessThan(2e-3);
    for (const [i, name] of FGAN_NAMES.entries()) {
      // The exact divergence reported beside each f-GAN fit is its diagonal entry.
      expect(result.variational[name].divergence).toBe(result.variationalMatrix[i]![i]);
      expect(result.optimaMatrix[i]).toHaveLength(5);
    }
  });

  it('refuses unknown options and a bad seed', async () => {
    await expect(runFgan({ step: 10 } as never)).rejects.toThrow(/runFgan: unknown option 'step'/);
    await expect(runFgan({ seed: 1.5 })).rejects.toThrow(/runFgan: argument 'seed'/);
    await expect(runFgan({ onProgress: 'x' } as never)).rejects.toThrow(/argument 'onProgress'/);
  });
});
