import { describe, expect, it } from 'vitest';
import { UNFORMATTED_NUMBER } from '../src/shell/format.js';
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

/** A number as the view shows it (formatNumber): "−1.5", "2.5 × 10⁻⁵", "∞". */
function parseShown(text: string): number {
  const superscript = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  const plain = text
    .trim()
    .replace(/−/g, '-')
    .replace(/⁻/g, '-')
    .replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]/g, (c) => String(superscript.indexOf(c)));
  if (plain === '∞') return Number.POSITIVE_INFINITY;
  const match = /^(-?[\d.]+)(?: × 10(-?\d+))?$/.exec(plain);
  if (match === null) return Number.NaN;
  return Number(match[1]) * 10 ** Number(match[2] ?? 0);
}

interface Shown {
  weight: number;
  mean: number;
  std: number;
}

async function componentsInForce(page: Page): Promise<Shown[]> {
  const text = await page.locator('[data-testid="density-plot"]').getAttribute('data-components');
  return JSON.parse(text ?? '[]') as Shown[];
}

async function waitForStep(page: Page, min: number): Promise<void> {
  await page.waitForFunction(
    (m) => Number(document.querySelector('[data-testid="step"]')?.textContent) >= m,
    min,
    { timeout: 90_000, polling: 100 },
  );
}

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
      expect(cells.filter((c) => c !== '∞' && !Number.isFinite(parseShown(c)))).toEqual([]);
      expect(await page.locator('.plot svg').count()).toBeGreaterThan(0);
      // Every selected fit has a legend entry; the objective curves and the speed are shown.
      expect(await page.locator('[data-testid="fit-legend"] li').allTextContents()).toEqual([
        'target P',
        'KL',
        'reverse KL',
        'JS',
        'squared Hellinger',
        'Pearson χ²',
      ]);
      expect(await page.locator('[data-testid="loss-plot"] svg').count()).toBeGreaterThan(0);
      expect(await page.locator('.table-scroll').getAttribute('data-scroll-hint')).toBe(
        'scroll sideways →',
      );
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what users read
      expect(await page.locator('body').innerText()).not.toMatch(UNFORMATTED_NUMBER);
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

  it('flags bad values in every field, keeps training on the last good mixture and across a backend switch, has presets and drag', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'divergences', 'wasm');
    const opened = await readProgress(page);
    const before = await componentsInForce(page);
    expect(before).toEqual([
      { weight: 0.6, mean: -2, std: 0.6 },
      { weight: 0.4, mean: 2, std: 0.8 },
      { weight: 0, mean: 5, std: 0.5 },
    ]);
    // Every numeric field: each bad entry is flagged with a message; nothing is applied.
    const fields: [string, string][] = [
      ['weight-1', '-5'],
      ['weight-2', '1.5'],
      ['weight-3', '-0.1'],
      ['mean-1', '-9'],
      ['mean-2', '8.5'],
      ['mean-3', '-20'],
      ['std-1', '-5'],
      ['std-2', '0'],
      ['std-3', '5'],
      ['start-mu', '9'],
      ['start-sigma', '-5'],
    ];
    for (const [testid, outOfRange] of fields) {
      const input = page.locator(`[data-testid="${testid}"]`);
      const message = page.locator(`[data-testid="${testid}-error"]`);
      const good = await input.inputValue();
      for (const bad of [outOfRange, '1e9', '', 'abc', '1e308']) {
        await input.fill(bad);
        await input.press('Tab');
        expect(await input.getAttribute('aria-invalid')).toBe('true');
        expect(await message.isVisible()).toBe(true);
        expect((await message.textContent())?.length ?? 0).toBeGreaterThan(5);
      }
      await input.fill(good);
      await input.press('Tab');
      expect(await input.getAttribute('aria-invalid')).toBe('false');
      expect(await message.isVisible()).toBe(false);
    }
    expect(await componentsInForce(page)).toEqual(before);

    // A field left invalid does not stop another from working.
    await page.locator('[data-testid="mean-1"]').fill('1e308');
    await page.locator('[data-testid="mean-1"]').press('Tab');
    await page.locator('[data-testid="mean-2"]').fill('2.5');
    await page.locator('[data-testid="mean-2"]').press('Tab');
    await expect.poll(async () => (await componentsInForce(page))[1]?.mean).toBe(2.5);
    // The fits restarted on the new mixture: its objective at the start.
    await expect.poll(async () => (await readProgress(page)).metric).not.toBe(opened.metric);
    const atStart = await readProgress(page);
    expect(atStart.step).toBe(0);
    expect((await componentsInForce(page))[0]).toEqual(before[0]);
    expect(await page.locator('[data-testid="mean-1"]').getAttribute('aria-invalid')).toBe('true');

    // Training goes on with the last good mixture, the invalid field still showing its message.
    await page.locator('[data-testid="train"]').click();
    await waitForStep(page, 6);
    expect(Number.isFinite((await readProgress(page)).metric)).toBe(true);
    expect((await componentsInForce(page))[0]).toEqual(before[0]);
    await expect
      .poll(() => page.locator('[data-testid="rate"]').textContent(), { timeout: 60_000 })
      .toMatch(/steps\/s$/);
    await page.locator('[data-testid="train"]').click();
    const held = { step: await settled(page), metric: (await readProgress(page)).metric };
    // The fits live in the worker: the page holds no tensors.
    expect(await pageTensors(page)).toBe(0);

    // Switching to cpu hands the fits over: same mixture, same step, same μ, σ and objective (not
    // the start's), and training goes on from there.
    const mixtureHeld = await componentsInForce(page);
    await page.getByTestId('backend-select').selectOption('cpu');
    await waitForBackend(page, 'cpu');
    await page.getByTestId('train').waitFor({ state: 'visible', timeout: 90_000 });
    expect(await page.getByTestId('mixture-status').textContent()).toContain(
      `Continued at step ${held.step} on cpu.`,
    );
    const switched = await readProgress(page);
    expect(switched.step).toBe(held.step);
    expect(Math.abs(switched.metric - held.metric)).toBeLessThan(1e-3 * Math.abs(held.metric));
    expect(held.metric).toBeLessThan(atStart.metric / 2);
    expect(await componentsInForce(page)).toEqual(mixtureHeld);
    expect(await page.locator('[data-testid="loss-plot"] svg').count()).toBeGreaterThan(0);
    const onCpu = await trainAndWait(page, { minSteps: held.step + 3, timeoutMs: 60_000 });
    expect(onCpu.stepBefore).toBe(held.step);
    expect(onCpu.stepAfter).toBeGreaterThanOrEqual(held.step + 3);
    // Still far below the start's objective: the fits went on, they did not start over.
    expect(onCpu.metricAfter).toBeLessThan(atStart.metric / 2);
    expect(await pageTensors(page)).toBe(0);
    await settled(page);

    // A preset sets every field and restarts the fits on its mixture.
    const metricBefore = (await readProgress(page)).metric;
    await page.getByRole('button', { name: 'KL vs reverse KL' }).click();
    await expect.poll(async () => (await componentsInForce(page))[0]?.mean).toBe(-3);
    expect(await componentsInForce(page)).toEqual([
      { weight: 0.5, mean: -3, std: 0.6 },
      { weight: 0.5, mean: 3, std: 0.6 },
      { weight: 0, mean: 6, std: 0.5 },
    ]);
    expect(await page.locator('[data-testid="mean-1"]').inputValue()).toBe('-3');
    expect(await page.locator('[data-testid="mean-1"]').getAttribute('aria-invalid')).toBe('false');
    await expect.poll(async () => (await readProgress(page)).step).toBe(0);
    const presetStart = await readProgress(page);
    expect(Number.isFinite(presetStart.metric)).toBe(true);
    expect(presetStart.metric).not.toBe(metricBefore);
    expect(await page.locator('[data-testid="preset-story"]').textContent()).toContain(
      'reverse KL',
    );

    // Dragging handle 2 right and up moves its mean right and raises its weight. The plot is
    // redrawn at most every 250 ms: let the redraw of the preset land first.
    await page.waitForTimeout(800);
    const handle = page
      .locator('[data-testid="density-plot"] svg g[aria-label="dot"] circle')
      .nth(1);
    await handle.waitFor({ state: 'visible' });
    // The backend switch left the page scrolled to its top: bring the handle into view.
    await handle.scrollIntoViewIfNeeded();
    const box = await handle.boundingBox();
    if (box === null) throw new Error('no handle for component 2');
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 5; i += 1) await page.mouse.move(x - 12 * i, y - 6 * i);
    await page.mouse.up();
    const meanAfter = Number(await page.locator('[data-testid="mean-2"]').inputValue());
    const weightAfter = Number(await page.locator('[data-testid="weight-2"]').inputValue());
    expect(meanAfter).toBeLessThan(3);
    expect(weightAfter).toBeGreaterThan(0.5);
    await expect.poll(async () => (await componentsInForce(page))[1]?.mean).toBe(meanAfter);
    expect((await componentsInForce(page))[1]?.weight).toBe(weightAfter);
    // The fits restarted on the dragged mixture (from the start, so step 0) and are finite.
    expect((await readProgress(page)).step).toBe(0);
    expect(Number.isFinite((await readProgress(page)).metric)).toBe(true);

    // Phone width: nothing overflows the page sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await screenshot(page, 'divergences-phone');
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 180_000);
});
