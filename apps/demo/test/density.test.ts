import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  launchBrowser,
  openView,
  type Page,
  screenshot,
  startServer,
  trainAndWait,
} from './support/browser.js';

let browser: Browser;
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Picks `model` (a new run) and waits until its first frame is on screen (step 0). */
async function pickModel(page: Page, model: string): Promise<void> {
  await page.getByLabel('model').selectOption(model);
  await page.waitForFunction(
    (name) =>
      document.querySelector('[data-testid="step"]')?.textContent === '0' &&
      (document.querySelector('[data-testid="metric-name"]')?.textContent ?? '').includes(name),
    model === 'gmm' ? 'log-likelihood' : model === 'flow' ? 'NLL' : 'generator loss',
    { timeout: 90_000 },
  );
}

const cases = [
  { backend: 'webgpu', model: 'gmm', minSteps: 3 },
  { backend: 'webgpu', model: 'gan', minSteps: 10 },
  { backend: 'wasm', model: 'gmm', minSteps: 5 },
  { backend: 'wasm', model: 'flow', minSteps: 20 },
  { backend: 'wasm', model: 'gan', minSteps: 20 },
] as const;

describe('density playground', () => {
  for (const { backend, model, minSteps } of cases) {
    it(`trains the ${model} on ${backend} and redraws the heatmap`, async () => {
      const { page, consoleErrors } = await openView(browser, server.url, 'density', backend);
      if (model !== 'gmm') await pickModel(page, model);
      const result = await trainAndWait(page, { minSteps, timeoutMs: 60_000 });
      expect(result.stepAfter).toBeGreaterThanOrEqual(minSteps);
      expect(Number.isFinite(result.metricBefore)).toBe(true);
      expect(Number.isFinite(result.metricAfter)).toBe(true);
      expect(result.metricAfter).not.toBe(result.metricBefore);
      // EM never lowers the likelihood; the flow's NLL falls from its start.
      if (model === 'gmm') expect(result.metricAfter).toBeGreaterThan(result.metricBefore);
      if (model === 'flow') expect(result.metricAfter).toBeLessThan(result.metricBefore);
      const view = page.locator('section.view[data-view="density"]');
      // The raster (an <image> in the plot's SVG; the colour legend's ramp is another).
      expect(await view.locator('.plot svg image').count()).toBeGreaterThanOrEqual(1);
      expect(await view.locator('.plot svg circle').count()).toBeGreaterThan(500);
      await screenshot(page, `density-${model}-${backend}`);
      expect(consoleErrors).toEqual([]);
      await page.close();
    });
  }
});
