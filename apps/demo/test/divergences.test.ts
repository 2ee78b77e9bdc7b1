import { describe, expect, it } from 'vitest';
import { openView, screenshot, trainAndWait, useDemo } from './support/browser.js';

const demo = useDemo();

describe('divergences view', () => {
  for (const backend of ['webgpu', 'wasm'] as const) {
    it(`fits Gaussians and fills the train/test table on ${backend}`, async () => {
      const { page, consoleErrors } = await openView(
        demo.browser,
        demo.url,
        'divergences',
        backend,
      );
      const result = await trainAndWait(page, { minSteps: 3, timeoutMs: 90_000 });
      expect(result.stepAfter).toBeGreaterThanOrEqual(3);
      expect(result.stepAfter).toBeGreaterThan(result.stepBefore);
      expect(Number.isFinite(result.metricBefore)).toBe(true);
      expect(Number.isFinite(result.metricAfter)).toBe(true);
      // Adam steps on the KL objective from the default start lower it.
      expect(result.metricAfter).toBeLessThan(result.metricBefore);
      const table = page.locator('[data-testid="train-test-table"]');
      expect(await table.locator('tbody tr').count()).toBe(5);
      const cells = await table.locator('tbody td').allTextContents();
      // +∞ is legitimate (Pearson χ² of the narrow reverse-KL fit overflows float32); NaN is not.
      expect(cells.filter((c) => c !== '∞' && !Number.isFinite(Number.parseFloat(c)))).toEqual([]);
      expect(await page.locator('.plot svg').count()).toBeGreaterThan(0);
      await screenshot(page, `divergences-${backend}`);
      expect(consoleErrors).toEqual([]);
      await page.close();
    });
  }

  it('refuses a mixture without weight and says why', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'divergences', 'wasm');
    const weights = page.getByLabel('weight');
    for (let i = 0; i < (await weights.count()); i += 1) await weights.nth(i).fill('0');
    await weights.first().dispatchEvent('change');
    await expect
      .poll(() => page.locator('[role="status"].note').last().textContent())
      .toContain('weight > 0');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
