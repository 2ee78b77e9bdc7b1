import { describe, expect, it } from 'vitest';
import { UNFORMATTED_NUMBER } from '../src/shell/format.js';
import {
  openView,
  pageTensors,
  readProgress,
  screenshot,
  settled,
  trainAndWait,
  useDemo,
  waitForBackend,
} from './support/browser.js';

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

  it('restarts when the cost changes, keeps k on its grid, and continues across a backend switch', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'estimators', 'wasm');
    // The estimates are drawn in a worker: one runs, and the page's own tfjs engine holds none.
    expect(page.workers().some((w) => w.url().includes('estimators.worker'))).toBe(true);
    expect(await pageTensors(page)).toBe(0);
    await page.getByLabel('cost f(x; k)').selectOption('cos');
    await expect
      .poll(() => page.locator('[data-testid="estimator-table"] caption').textContent())
      .toContain('cos(kx)');
    expect(await page.locator('[data-testid="step"]').textContent()).toBe('16');
    // The log k axis reads 0.1, not "100m"; no raw number anywhere on the page.
    const ticks = await page
      .locator('.plot svg [aria-label="x-axis tick label"] text')
      .allTextContents();
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.filter((t) => /[a-zµ]$/i.test(t))).toEqual([]);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what users read
    expect(await page.locator('body').innerText()).not.toMatch(UNFORMATTED_NUMBER);

    // Switching to cpu hands the run over: the repeats continue (not from 0), on the same cost.
    await trainAndWait(page, { minSteps: 48, timeoutMs: 90_000 });
    const before = await settled(page);
    expect(before).toBeGreaterThanOrEqual(48);
    await page.getByTestId('backend-select').selectOption('cpu');
    await waitForBackend(page, 'cpu');
    await page.getByTestId('train').waitFor({ state: 'visible', timeout: 90_000 });
    expect((await readProgress(page)).step).toBe(before);
    expect(await page.getByLabel('cost f(x; k)').inputValue()).toBe('cos');
    expect(await page.locator('section.view p[role="status"]').textContent()).toBe(
      `Continued at ${before} repeats on cpu.`,
    );
    const after = await trainAndWait(page, { minSteps: before + 32, timeoutMs: 90_000 });
    expect(after.stepBefore).toBe(before);
    expect(after.stepAfter).toBeGreaterThanOrEqual(before + 32);
    expect(Number.isFinite(after.metricAfter)).toBe(true);
    expect(await pageTensors(page)).toBe(0);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 180_000);

  it('flags a bad σ, keeps estimating with the last good one, and shows the history', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'estimators', 'wasm');
    const sigma = page.locator('[data-testid="sigma"]');
    const message = page.locator('[data-testid="sigma-error"]');
    for (const bad of ['-5', '1000', '1e9', '', 'abc', '1e308', '0.1']) {
      await sigma.fill(bad);
      await sigma.press('Tab');
      expect(await sigma.getAttribute('aria-invalid')).toBe('true');
      expect(await message.isVisible()).toBe(true);
      expect(await message.textContent()).toContain('σ');
    }
    // The other controls still work while σ is invalid: a new N restarts the estimates.
    await page.getByLabel('samples N per estimate').selectOption('2');
    await expect.poll(async () => (await readProgress(page)).step).toBe(16);
    const result = await trainAndWait(page, { minSteps: 48, timeoutMs: 90_000 });
    expect(result.stepAfter).toBeGreaterThan(result.stepBefore);
    expect(Number.isFinite(result.metricAfter)).toBe(true);
    // Pathwise ∂μ of (x − k)² from N = 2 draws: variance 4σ²/2 = 2 at the last good σ = 1 (not
    // 2·0.1² or 2·1000²); with n ≥ 48 repeats within 4·√(2/47)·2 ≈ 1.7 of it.
    expect(Math.abs(result.metricAfter - 2)).toBeLessThan(4 * 2 * Math.sqrt(2 / 47));
    expect(await sigma.getAttribute('aria-invalid')).toBe('true');
    expect(
      await page.locator('[data-testid="variance-history"] svg [aria-label="line"]').count(),
    ).toBeGreaterThan(0);
    // The rate needs two chunks of one run; a slow machine can pause trainAndWait after one, so
    // train on until it shows, then pause again.
    const train = page.locator('[data-testid="train"]').first();
    await train.click();
    await expect
      .poll(() => page.locator('[data-testid="rate"]').textContent(), { timeout: 60_000 })
      .toMatch(/steps\/s$/);
    await train.click();
    await expect.poll(() => train.getAttribute('aria-pressed')).toBe('false');
    await page.waitForTimeout(300);
    expect(await page.locator('.table-scroll[data-scroll-hint="scroll sideways →"]').count()).toBe(
      1,
    );
    // A good σ is applied: σ = 2 restarts, and the variance follows 4σ²/2 = 8.
    await sigma.fill('2');
    await sigma.press('Tab');
    expect(await sigma.getAttribute('aria-invalid')).toBe('false');
    expect(await message.isVisible()).toBe(false);
    await expect.poll(async () => (await readProgress(page)).step).toBe(16);
    const metric = (await readProgress(page)).metric;
    expect(Math.abs(metric - 8)).toBeLessThan(4 * 8 * Math.sqrt(2 / 15));
    // Phone width: nothing overflows the page sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 180_000);
});
