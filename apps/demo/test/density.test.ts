import { describe, expect, it } from 'vitest';
import {
  openView,
  type Page,
  pageTensors,
  readProgress,
  screenshot,
  settled,
  trainAndWait,
  useDemo,
  waitForBackend,
} from './support/browser.js';

const demo = useDemo();

/** A word of each model's metric name, to know its run is on screen. */
const METRIC_NAMES = {
  gmm: 'log-likelihood',
  made: 'NLL',
  flow: 'NLL',
  vae: 'ELBO',
  gan: 'generator loss',
} as const;

/**
 * The dots drawn on the heatmap's canvas, as the plot says when it draws it (the canvas's dots
 * are no elements to count).
 */
async function dotCounts(page: Page): Promise<{ data: number; samples: number }> {
  const plot = page.locator('section.view[data-view="density"] .plot[data-data-points]');
  const [data, samples] = await Promise.all([
    plot.getAttribute('data-data-points'),
    plot.getAttribute('data-sample-points'),
  ]);
  return { data: Number(data), samples: Number(samples) };
}

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

// One WebGPU case: on SwiftShader a GAN chunk takes seconds, and the GAN is covered on wasm.
const cases = [
  { backend: 'webgpu', model: 'gmm', minSteps: 3 },
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
      // The heatmap: a canvas of one pixel per cell of the 96 × 96 grid, under the dots' canvas.
      const plot = view.locator('.plot[data-heatmap-cells]');
      expect(await plot.getAttribute('data-heatmap-cells')).toBe('9216');
      expect(await view.locator('.plot canvas.density-heat').count()).toBe(1);
      expect(await view.locator('.plot canvas.density-dots').count()).toBe(1);
      const dots = await dotCounts(page);
      expect(dots.data + dots.samples).toBeGreaterThan(500);
      // The VAE's heatmap is its ELBO, a bound, and the legend says so.
      if (model === 'vae')
        expect(await view.locator('.plot').first().textContent()).toContain('ELBO');
      await screenshot(page, `density-${model}-${backend}`);
      expect(consoleErrors).toEqual([]);
      await page.close();
    });
  }

  it('hides and shows the samples without a new run (GMM cluster colours alone)', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'density', 'wasm');
    // EM has neither a learning rate nor batches: those controls are hidden for the mixture.
    expect(await page.getByLabel('learning rate').isHidden()).toBe(true);
    expect(await page.getByLabel('batch size').isHidden()).toBe(true);
    // The run lives in a worker: the page's own tfjs engine holds no tensor while it trains.
    expect(page.workers().some((w) => w.url().includes('density.worker'))).toBe(true);
    expect(await pageTensors(page)).toBe(0);
    await trainAndWait(page, { minSteps: 2, timeoutMs: 60_000 });
    expect(await pageTensors(page)).toBe(0);
    expect(await page.getByTestId('rate').textContent()).toMatch(/steps\/s$/);
    // The plot is redrawn at most every 500 ms: let the last chunk's redraw land before counting.
    await settled(page);
    await page.waitForTimeout(1200);
    const dots = async () => {
      const { data, samples } = await dotCounts(page);
      return data + samples;
    };
    const withSamples = await dots();
    // Only the canvases are redrawn: the axes and legend stay while what they show does.
    const axes = page.locator('section.view[data-view="density"] .density-layers > svg');
    await axes.evaluate((svg) => svg.setAttribute('data-kept', ''));
    await page.getByLabel('show samples').uncheck();
    await expect.poll(dots).toBeLessThan(withSamples - 300);
    expect((await dotCounts(page)).samples).toBe(0);
    expect(await axes.getAttribute('data-kept')).toBe('');
    await screenshot(page, 'density-gmm-clusters-wasm');
    await page.getByLabel('show samples').check();
    await expect.poll(dots).toBe(withSamples);
    // A new run would start again at step 0.
    expect(Number(await page.getByTestId('step').textContent())).toBeGreaterThanOrEqual(2);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('continues the run across a backend switch (wasm → cpu): the step goes on, not from 0', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'density', 'wasm');
    await page.getByLabel('model').selectOption('made');
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="metric-name"]')?.textContent ?? '').includes('NLL'),
      undefined,
      { timeout: 90_000 },
    );
    expect(await page.getByLabel('learning rate').isVisible()).toBe(true);
    await trainAndWait(page, { minSteps: 10, timeoutMs: 60_000 });
    const step = await settled(page);
    expect(step).toBeGreaterThanOrEqual(10);
    await page.getByTestId('backend-select').selectOption('cpu');
    await waitForBackend(page, 'cpu');
    await page.getByTestId('train').waitFor({ state: 'visible', timeout: 90_000 });
    expect((await readProgress(page)).step).toBe(step);
    expect(await page.getByLabel('model').inputValue()).toBe('made');
    expect(
      await page.locator('section.view[data-view="density"]').getByRole('status').textContent(),
    ).toContain(`Continued at step ${step} on cpu`);
    const more = await trainAndWait(page, { minSteps: step + 10, timeoutMs: 60_000 });
    expect(more.stepBefore).toBe(step);
    expect(Number.isFinite(more.metricAfter)).toBe(true);
    expect(await page.getByTestId('loading').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 180_000);

  it('trains on data drawn with the pointer (custom data set), and clears them', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'density', 'wasm');
    await page.getByLabel('data set').selectOption('custom');
    const train = page.getByTestId('train');
    await expect.poll(() => train.isDisabled(), { timeout: 60_000 }).toBe(true);
    const canvas = page.locator('section.view[data-view="density"] .plot svg').first();
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    expect(box).not.toBeNull();
    const { x, y, width, height } = box!;
    // One stroke: a diagonal of 40 pointer moves across the middle of the canvas.
    await page.mouse.move(x + width * 0.3, y + height * 0.3);
    await page.mouse.down();
    for (let i = 1; i <= 40; i += 1) {
      await page.mouse.move(
        x + width * (0.3 + 0.4 * (i / 40)),
        y + height * (0.3 + 0.2 * (i / 40)),
      );
    }
    await page.mouse.up();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="metric"]')?.textContent !== '—',
      undefined,
      { timeout: 90_000 },
    );
    expect(await train.isDisabled()).toBe(false);
    const result = await trainAndWait(page, { minSteps: 2, timeoutMs: 60_000 });
    expect(result.stepAfter).toBeGreaterThanOrEqual(2);
    expect(Number.isFinite(result.metricAfter)).toBe(true);
    await screenshot(page, 'density-custom-wasm');
    await page.getByTestId('clear-drawing').click();
    await expect.poll(() => train.isDisabled(), { timeout: 60_000 }).toBe(true);
    expect(await page.getByTestId('metric').textContent()).toBe('—');
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 180_000);
});
