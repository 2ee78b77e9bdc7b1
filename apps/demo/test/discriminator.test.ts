import { describe, expect, it } from 'vitest';
import { UNFORMATTED_NUMBER } from '../src/shell/format.js';
import {
  enterValue,
  openView,
  type Page,
  pageTensors,
  readProgress,
  screenshot,
  useDemo,
  waitForBackend,
} from './support/browser.js';

const demo = useDemo();

const FIELDS = ['separation', 'learning-rate', 'batch-size', 'hidden', 'clip', 'lambda'] as const;
/** Bad entries per field: out of range, empty, not a number, and a fraction for integers. */
const BAD: Record<(typeof FIELDS)[number], string[]> = {
  separation: ['-5', '1e9', '', 'abc'],
  'learning-rate': ['-5', '1e9', '', 'abc'],
  'batch-size': ['-5', '1e9', '', 'abc', '2.5'],
  hidden: ['-5', '1e9', '', 'abc', '2.5'],
  clip: ['-5', '1e9', '', 'abc'],
  lambda: ['-5', '1e9', '', 'abc'],
};

/**
 * As `trainAndWait`, but clicks through the DOM: Playwright's actionability checks wait for
 * animation frames, which a page busy training grants slowly, so its pause lands many chunks late.
 */
async function trainFor(
  page: Page,
  minSteps: number,
): Promise<{ stepBefore: number; stepAfter: number; metricBefore: number; metricAfter: number }> {
  const click = () =>
    page.evaluate(() =>
      (document.querySelector('[data-testid="train"]') as HTMLButtonElement).click(),
    );
  const before = await readProgress(page);
  await click();
  await page.waitForFunction(
    (min) =>
      Number.parseInt(document.querySelector('[data-testid="step"]')?.textContent ?? '', 10) >= min,
    minSteps,
    { timeout: 90_000, polling: 100 },
  );
  await click();
  // The chunk in flight finishes after the pause: wait until the button says Train and the step
  // stops moving.
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="train"]')?.getAttribute('aria-pressed') === 'false' &&
      document.querySelector('section.view[data-chunk]') === null,
    undefined,
    { timeout: 60_000 },
  );
  await page.waitForTimeout(300);
  const after = await readProgress(page);
  return {
    stepBefore: before.step,
    stepAfter: after.step,
    metricBefore: before.metric,
    metricAfter: after.metric,
  };
}

describe('discriminator view', () => {
  it('trains D towards D* on wasm, refuses bad values, shows an unconstrained critic blow up', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'discriminator', 'wasm');
    const view = page.locator('section.view[data-view="discriminator"]');
    // The theory is on screen before any step: JSD, W₁ and D* at the default Δ = 2.
    const readout = (await page.locator('[data-testid="divergence-readout"]').textContent()) ?? '';
    expect(readout).toMatch(/W₁ = 2(\.0+)?[,;]/);
    expect(await view.locator('.plot svg').count()).toBeGreaterThanOrEqual(6);

    const tensorsBefore = await pageTensors(page);
    expect(tensorsBefore).toBeGreaterThanOrEqual(0);
    const first = await trainFor(page, 40);
    // The discriminator trained in the worker: the page made no tensors.
    expect(await pageTensors(page)).toBe(tensorsBefore);
    expect(first.stepBefore).toBe(0);
    expect(first.stepAfter).toBeGreaterThanOrEqual(40);
    expect(first.stepAfter % 20).toBe(0);
    expect(Number.isFinite(first.metricBefore)).toBe(true);
    expect(Number.isFinite(first.metricAfter)).toBe(true);
    // D moves from its random start towards D*: the mean error falls.
    expect(first.metricAfter).toBeLessThan(first.metricBefore);
    const loss = Number.parseFloat(
      (await page.locator('[data-testid="loss"]').textContent()) ?? '',
    );
    expect(Number.isFinite(loss)).toBe(true);
    // log 4 − 2·JSD(N(0,1)‖N(2,1)) = 1.3863 − 2·0.33683 = 0.7126
    expect(await page.locator('[data-testid="optimum"]').textContent()).toBe('0.7126');

    for (const field of FIELDS) {
      for (const text of BAD[field]) {
        await enterValue(page, field, text);
        const input = page.locator(`[data-testid="${field}"]`);
        expect(await input.getAttribute('aria-invalid'), `${field} '${text}'`).toBe('true');
        const message = page.locator(`[data-testid="${field}-error"]`);
        expect(await message.isVisible(), `${field} '${text}' message`).toBe(true);
        expect((await message.textContent())?.length ?? 0).toBeGreaterThan(5);
      }
    }
    // Nothing restarted: the run keeps its steps and trains on with the last good settings.
    const kept = await readProgress(page);
    expect(kept.step).toBe(first.stepAfter);
    const second = await trainFor(page, kept.step + 20);
    expect(second.stepAfter).toBeGreaterThan(kept.step);
    expect(Number.isFinite(second.metricAfter)).toBe(true);

    // A good Δ moves the generator without a restart; the readout follows.
    await enterValue(page, 'separation', '6');
    await page.waitForFunction(() =>
      /W₁ = 6(\.0+)?[,;]/.test(
        document.querySelector('[data-testid="divergence-readout"]')?.textContent ?? '',
      ),
    );
    expect((await readProgress(page)).step).toBe(second.stepAfter);

    // Every piece of text on its own (adjacent spans would otherwise run together).
    const texts = await view.evaluate((el) =>
      Array.from(el.querySelectorAll('*'))
        .filter((e) => e.children.length === 0 && e.tagName !== 'STYLE')
        .map((e) => e.textContent ?? ''),
    );
    expect(texts.filter((t) => UNFORMATTED_NUMBER.test(t))).toEqual([]);
    await screenshot(page, 'discriminator-wasm');

    // Why WGAN needs a Lipschitz critic (a preset: objective and Δ = 2 at once): unconstrained,
    // its value E_p f − E_q f soon passes W₁ = 2, which bounds every 1-Lipschitz critic.
    await page.locator('[data-testid="preset"]').selectOption('unconstrained');
    expect(await page.locator('[data-testid="objective"]').inputValue()).toBe('wasserstein-free');
    expect(await page.locator('[data-testid="separation"]').inputValue()).toBe('2');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="step"]')?.textContent === '0',
    );
    const critic = await trainFor(page, 60);
    expect(critic.stepAfter).toBeGreaterThanOrEqual(60);
    expect(critic.metricAfter).toBeGreaterThan(4);

    // The sweep preset animates Δ from 0.5 upwards while D trains; the readout follows it.
    await page.locator('[data-testid="preset"]').selectOption('saturate');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="step"]')?.textContent === '0',
    );
    expect(await page.locator('[data-testid="separation"]').inputValue()).toBe('0.5');
    await trainFor(page, 40);
    const swept = Number(await page.locator('[data-testid="separation"]').inputValue());
    expect(swept).toBeGreaterThan(0.5);
    // The readout is redrawn in the next animation frames.
    await page.waitForFunction(
      (text) =>
        (document.querySelector('[data-testid="divergence-readout"]')?.textContent ?? '').includes(
          text,
        ),
      `At Δ = ${swept}:`,
      { timeout: 30_000 },
    );

    // Phone width: nothing overflows sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'discriminator-phone');

    // A backend switch continues the run where it stood (step, Δ, preset), then trains on.
    const held = await readProgress(page);
    await page.getByTestId('backend-select').selectOption('cpu');
    await waitForBackend(page, 'cpu');
    await page.getByTestId('train').waitFor({ state: 'visible', timeout: 90_000 });
    expect(await view.getByRole('status').textContent()).toBe(
      `Continued at step ${held.step} on cpu.`,
    );
    const resumed = await readProgress(page);
    expect(resumed.step).toBe(held.step);
    // The same weights at the same Δ: the same error against D* (up to the backends' rounding).
    expect(resumed.metric).toBeCloseTo(held.metric, 2);
    expect(Number(await page.locator('[data-testid="separation"]').inputValue())).toBe(swept);
    expect(await page.locator('[data-testid="preset"]').inputValue()).toBe('saturate');
    const onCpu = await trainFor(page, held.step + 20);
    expect(onCpu.stepBefore).toBe(held.step);
    expect(onCpu.stepAfter).toBeGreaterThanOrEqual(held.step + 20);
    expect(Number.isFinite(onCpu.metricAfter)).toBe(true);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 180_000);
});
