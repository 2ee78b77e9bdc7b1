import { describe, expect, it } from 'vitest';
import { openView, screenshot, trainAndWait, useDemo } from './support/browser.js';

const demo = useDemo();

describe('estimators view', () => {
  for (const backend of ['webgpu', 'wasm'] as const) {
    it(`accumulates repeats and sharpens the variance estimates on ${backend}`, async () => {
      const { page, consoleErrors } = await openView(demo.browser, demo.url, 'estimators', backend);
      const result = await trainAndWait(page, { minSteps: 48, timeoutMs: 90_000 });
      expect(result.stepBefore).toBe(16);
      expect(result.stepAfter).toBeGreaterThanOrEqual(48);
      expect(Number.isFinite(result.metricBefore)).toBe(true);
      expect(Number.isFinite(result.metricAfter)).toBe(true);
      expect(result.metricAfter).not.toBe(result.metricBefore);
      // Pathwise ∂μ of (x − k)² is 2(x − k): variance 4σ² = 4 at σ = 1, for every k. With n ≥ 48
      // Gaussian repeats the sample variance is within 4·√(2/(n − 1))·4 ≈ 3.3 of it.
      expect(Math.abs(result.metricAfter - 4)).toBeLessThan(4 * 4 * Math.sqrt(2 / 47));
      expect(await page.locator('[data-testid="estimator-table"] tbody tr').count()).toBe(6);
      expect(await page.locator('.plot svg').count()).toBeGreaterThanOrEqual(2);
      await screenshot(page, `estimators-${backend}`);
      expect(consoleErrors).toEqual([]);
      await page.close();
    });
  }

  it('restarts when the cost changes and keeps k on its grid', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'estimators', 'wasm');
    await page.getByLabel('cost f(x; k)').selectOption('cos');
    await expect
      .poll(() => page.locator('[data-testid="estimator-table"] caption').textContent())
      .toContain('cos(kx)');
    expect(await page.locator('[data-testid="step"]').textContent()).toBe('16');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
