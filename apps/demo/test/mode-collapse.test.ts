import { describe, expect, it } from 'vitest';
import { openView, type Page, screenshot, trainAndWait, useDemo } from './support/browser.js';

const demo = useDemo();

/** Positions of the first sample dots in the scatter (they move as the generator trains). */
async function sampleDots(page: Page): Promise<string> {
  return page
    .locator('section.view[data-view="mode-collapse"] .plot svg circle')
    .evaluateAll((dots) =>
      dots
        .slice(0, 20)
        .map((d) => `${d.getAttribute('cx')},${d.getAttribute('cy')}`)
        .join(' '),
    );
}

describe('mode-collapse view', () => {
  it('trains a GAN on the ring and raises the high-quality share on wasm', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'mode-collapse', 'wasm');
    // Initial generator samples sit near the origin, far from the ring: 0 % high quality.
    const result = await trainAndWait(page, { minSteps: 100, timeoutMs: 60_000 });
    expect(result.stepAfter).toBeGreaterThanOrEqual(100);
    expect(result.stepAfter % 10).toBe(0);
    expect(result.metricBefore).toBe(0);
    expect(Number.isFinite(result.metricAfter)).toBe(true);
    expect(result.metricAfter).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="modes"]').textContent()).toMatch(/^[1-8] \/ 8$/);
    // Samples inside the plotted square plus the 8 centres, and the coverage line's markers.
    const view = page.locator('section.view[data-view="mode-collapse"]');
    expect(await view.locator('.plot svg circle').count()).toBeGreaterThan(500);
    await screenshot(page, 'mode-collapse-wasm');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('trains a small GAN on webgpu: losses appear, samples move, coverage stays finite', async () => {
    const { page, consoleErrors } = await openView(
      demo.browser,
      demo.url,
      'mode-collapse',
      'webgpu',
    );
    // SwiftShader WebGPU is slow (~1 s per step of the default model): a smaller one.
    await page.getByLabel('hidden width').selectOption('32');
    await page.getByLabel('batch size').selectOption('32');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="step"]')?.textContent === '0',
    );
    const dotsBefore = await sampleDots(page);
    const result = await trainAndWait(page, { minSteps: 20, timeoutMs: 60_000 });
    expect(result.stepAfter).toBeGreaterThanOrEqual(20);
    expect(result.stepAfter).toBeGreaterThan(result.stepBefore);
    expect(Number.isFinite(result.metricBefore)).toBe(true);
    expect(Number.isFinite(result.metricAfter)).toBe(true);
    expect(await sampleDots(page)).not.toBe(dotsBefore);
    const losses = (await page.locator('[data-testid="losses"]').textContent()) ?? '';
    expect(losses.split(' / ').map(Number.parseFloat).every(Number.isFinite)).toBe(true);
    await screenshot(page, 'mode-collapse-webgpu');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('restarts on the grid of 25 with hinge loss, two D steps and instance noise', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'mode-collapse', 'wasm');
    await page.getByLabel('data set').selectOption('grid25');
    await page.getByLabel('loss').selectOption('hinge');
    expect(await page.getByLabel('real label (one-sided smoothing)').isDisabled()).toBe(true);
    await page.getByLabel('D steps per G step').fill('2');
    await page.getByLabel('D steps per G step').dispatchEvent('change');
    await page.getByLabel('instance noise σ₀').fill('0.3');
    await page.getByLabel('instance noise σ₀').dispatchEvent('change');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="modes"]')?.textContent?.endsWith('/ 25') ?? false,
    );
    const result = await trainAndWait(page, { minSteps: 20, timeoutMs: 60_000 });
    expect(result.stepAfter).toBeGreaterThanOrEqual(20);
    expect(Number.isFinite(result.metricAfter)).toBe(true);
    await screenshot(page, 'mode-collapse-grid');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
