import { describe, expect, it } from 'vitest';
import { openView, type Page, screenshot, trainAndWait, useDemo } from './support/browser.js';

const demo = useDemo();

/** A word of each model's metric name, to know its run is on screen. */
const METRIC_NAMES = {
  gmm: 'log-likelihood',
  made: 'NLL',
  flow: 'NLL',
  vae: 'ELBO',
  gan: 'generator loss',
} as const;

/** Picks `model` (a new run) and waits until its first frame is on screen (step 0). */
async function pickModel(page: Page, model: keyof typeof METRIC_NAMES): Promise<void> {
  await page.getByLabel('model').selectOption(model);
  await page.waitForFunction(
    (name) =>
      document.querySelector('[data-testid="step"]')?.textContent === '0' &&
      (document.querySelector('[data-testid="metric-name"]')?.textContent ?? '').includes(name),
    METRIC_NAMES[model],
    { timeout: 90_000 },
  );
}

const cases = [
  { backend: 'webgpu', model: 'gmm', minSteps: 3 },
  { backend: 'webgpu', model: 'gan', minSteps: 10 },
  { backend: 'wasm', model: 'gmm', minSteps: 5 },
  { backend: 'wasm', model: 'made', minSteps: 20 },
  { backend: 'wasm', model: 'flow', minSteps: 20 },
  { backend: 'wasm', model: 'vae', minSteps: 20 },
  { backend: 'wasm', model: 'gan', minSteps: 20 },
] as const;

describe('density playground', () => {
  for (const { backend, model, minSteps } of cases) {
    it(`trains the ${model} on ${backend} and redraws the heatmap`, async () => {
      const { page, consoleErrors } = await openView(demo.browser, demo.url, 'density', backend);
      if (model !== 'gmm') await pickModel(page, model);
      const result = await trainAndWait(page, { minSteps, timeoutMs: 60_000 });
      expect(result.stepAfter).toBeGreaterThanOrEqual(minSteps);
      expect(Number.isFinite(result.metricBefore)).toBe(true);
      expect(Number.isFinite(result.metricAfter)).toBe(true);
      expect(result.metricAfter).not.toBe(result.metricBefore);
      // EM never lowers the likelihood; the flow's and MADE's NLL fall from their start.
      if (model === 'gmm') expect(result.metricAfter).toBeGreaterThan(result.metricBefore);
      if (model === 'flow' || model === 'made') {
        expect(result.metricAfter).toBeLessThan(result.metricBefore);
      }
      const view = page.locator('section.view[data-view="density"]');
      // The raster (an <image> in the plot's SVG; the colour legend's ramp is another).
      expect(await view.locator('.plot svg image').count()).toBeGreaterThanOrEqual(1);
      expect(await view.locator('.plot svg circle').count()).toBeGreaterThan(500);
      // The VAE's heatmap is its ELBO, a bound, and the legend says so.
      if (model === 'vae') expect(await view.locator('.plot').textContent()).toContain('ELBO');
      await screenshot(page, `density-${model}-${backend}`);
      expect(consoleErrors).toEqual([]);
      await page.close();
    });
  }

  it('hides and shows the samples without a new run (GMM cluster colours alone)', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'density', 'wasm');
    await trainAndWait(page, { minSteps: 2, timeoutMs: 60_000 });
    const circles = page.locator('section.view[data-view="density"] .plot svg circle');
    const withSamples = await circles.count();
    await page.getByLabel('show samples').uncheck();
    await expect.poll(() => circles.count()).toBeLessThan(withSamples - 300);
    await screenshot(page, 'density-gmm-clusters-wasm');
    await page.getByLabel('show samples').check();
    await expect.poll(() => circles.count()).toBe(withSamples);
    // A new run would start again at step 0.
    expect(Number(await page.getByTestId('step').textContent())).toBeGreaterThanOrEqual(2);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
