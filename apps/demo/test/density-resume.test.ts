import { describe, expect, it } from 'vitest';
import {
  openView,
  type Page,
  readProgress,
  screenshot,
  trainAndWait,
  useDemo,
  waitForBackend,
} from './support/browser.js';

const demo = useDemo();

/** Reloads the page and waits for the backend; the view then shows a choice or a fresh run. */
async function reload(page: Page): Promise<void> {
  await page.reload();
  await waitForBackend(page, 'wasm');
}

const stepShown = (page: Page, step: number) =>
  page.waitForFunction(
    (s) => document.querySelector('[data-testid="step"]')?.textContent === String(s),
    step,
    { timeout: 90_000 },
  );

describe('density playground: runs saved in IndexedDB', () => {
  it('offers the latest run after a reload, resumes it where it stopped, or starts over', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'density', 'wasm');
    const offer = page.getByTestId('saved-run');
    expect(await offer.isHidden()).toBe(true);
    await page.getByLabel('model').selectOption('flow');
    await page.getByLabel('data set').selectOption('spirals');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="step"]')?.textContent === '0' &&
        (document.querySelector('[data-testid="metric-name"]')?.textContent ?? '').includes('NLL'),
      undefined,
      { timeout: 90_000 },
    );
    const trained = await trainAndWait(page, { minSteps: 20, timeoutMs: 90_000 });
    expect(trained.stepAfter).toBeGreaterThanOrEqual(20);

    // A reload offers the run, with its settings in the controls, and trains nothing until asked.
    await reload(page);
    await offer.waitFor({ state: 'visible', timeout: 90_000 });
    const match = /flow on spirals at step (\d+)/.exec((await offer.textContent()) ?? '');
    expect(match).not.toBeNull();
    const saved = Number(match![1]);
    // Every chunk (10 steps of the flow) ends with a checkpoint.
    expect(saved).toBeGreaterThanOrEqual(trained.stepAfter);
    expect(saved % 10).toBe(0);
    expect(await page.getByLabel('model').inputValue()).toBe('flow');
    expect(await page.getByLabel('data set').inputValue()).toBe('spirals');
    expect(await page.getByTestId('train').isHidden()).toBe(true);
    await screenshot(page, 'density-saved-run');

    await page.getByTestId('resume').click();
    await stepShown(page, saved);
    expect(await offer.isHidden()).toBe(true);
    const view = page.locator('section.view[data-view="density"]');
    expect(await view.getByRole('status').textContent()).toContain(
      `Resumed the saved run at step ${saved}`,
    );
    expect(Number.isFinite((await readProgress(page)).metric)).toBe(true);
    const more = await trainAndWait(page, { minSteps: saved + 10, timeoutMs: 90_000 });
    expect(more.stepBefore).toBe(saved);
    expect(more.stepAfter).toBeGreaterThanOrEqual(saved + 10);

    // Start over: a fresh run at step 0, and nothing is offered after the next reload.
    await reload(page);
    await offer.waitFor({ state: 'visible', timeout: 90_000 });
    await page.getByTestId('start-over').click();
    // Step 0 is also what the page shows before any run: wait for the new run's metric.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="metric"]')?.textContent !== '—',
      undefined,
      { timeout: 90_000 },
    );
    expect((await readProgress(page)).step).toBe(0);
    expect(await offer.isHidden()).toBe(true);
    await reload(page);
    await page.getByTestId('train').waitFor({ state: 'visible', timeout: 90_000 });
    await stepShown(page, 0);
    expect(await offer.isHidden()).toBe(true);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });
});
