import { describe, expect, it } from 'vitest';
import { UNFORMATTED_NUMBER } from '../src/shell/format.js';
import {
  enterValue,
  openView,
  type Page,
  pageTensors,
  readProgress,
  screenshot,
  settled,
  startResponsiveness,
  trainAndWait,
  useDemo,
  waitForBackend,
} from './support/browser.js';

const demo = useDemo();
const VIEW = 'section.view[data-view="autoencoders"]';

/** Each digit row's `data-row` and how many grey levels its canvas shows (1 = blank). */
async function rows(page: Page, within: string): Promise<{ row: string; levels: number }[]> {
  return page.locator(`${VIEW} [data-testid="${within}"] canvas`).evaluateAll((canvases) =>
    canvases.map((node) => {
      const canvas = node as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      const levels = new Set<number>();
      for (let i = 0; pixels !== undefined && i < pixels.length; i += 4) levels.add(pixels[i]!);
      return { row: canvas.dataset.row ?? '', levels: levels.size };
    }),
  );
}

/**
 * Puts each of `texts` into the field `testid` in turn (input and change events, as typing and
 * leaving the field do) and returns, for each, its aria-invalid, whether its message is shown,
 * and the message: one round trip for all of them.
 */
async function tryValues(
  page: Page,
  testid: string,
  texts: string[],
): Promise<{ text: string; invalid: string | null; shown: boolean; message: string }[]> {
  return page.evaluate(
    ({ testid, texts }) =>
      texts.map((text) => {
        const input = document.querySelector<HTMLInputElement>(`[data-testid="${testid}"]`)!;
        const message = document.querySelector<HTMLElement>(`[data-testid="${testid}-error"]`)!;
        input.value = text;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
        return {
          text,
          invalid: input.getAttribute('aria-invalid'),
          shown: !message.hidden && message.offsetParent !== null,
          message: message.textContent ?? '',
        };
      }),
    { testid, texts },
  );
}

const BAD: Record<string, { label: RegExp; values: string[] }> = {
  'latent-size': { label: /^bottleneck size: /, values: ['-5', '1e9', '', 'abc', '2.5'] },
  'hidden-size': { label: /^hidden width: /, values: ['-5', '1e9', '', 'abc', '2.5'] },
  'learning-rate': { label: /^learning rate: /, values: ['-5', '1e9', '', 'abc', '0'] },
  'batch-size': { label: /^batch size: /, values: ['-5', '1e9', '', 'abc', '2.5'] },
  'noise-level': { label: /^noise level \(p or σ\): /, values: ['-5', '1e9', '', 'abc', '1'] },
  picked: { label: /^test digit #: /, values: ['-5', '1e9', '', 'abc', '2.5', '1000'] },
};

describe('view: autoencoders on MNIST', () => {
  it('trains on wasm, refuses bad input per field, denoises, traverses and fits a phone', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'autoencoders', 'wasm');
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 60_000 });

    // A plain autoencoder with a 2-number bottleneck: input and reconstruction rows, the code
    // map of 500 test digits (+ the ring around the picked one), two traversal rows.
    expect((await rows(page, 'reconstructions')).map((r) => r.row)).toEqual([
      'input',
      'reconstruction',
    ]);
    expect(await page.locator(`${VIEW} .ae-row-label`).allTextContents()).toEqual([
      'input',
      'reconstruction',
      'z₁',
      'z₂',
    ]);
    expect(await page.locator(`${VIEW} .plot svg circle`).count()).toBe(501);
    const start = await readProgress(page);
    expect(start.step).toBe(0);
    // An untrained decoder: every pixel near ½, 784·log 2 ≈ 543 nats per image.
    expect(start.metric).toBeGreaterThan(400);
    expect(start.metric).toBeLessThan(700);

    // The autoencoder lives in a worker: one runs, and the page's own tfjs engine holds no
    // tensor before, during or after training.
    expect(page.workers().some((w) => w.url().includes('autoencoders.worker'))).toBe(true);
    expect(await pageTensors(page)).toBe(0);
    const stopProbe = await startResponsiveness(page);
    const run = await trainAndWait(page, { minSteps: 20, timeoutMs: 90_000 });
    console.log(`autoencoders on wasm, training in the worker: ${await stopProbe()}`);
    expect(await pageTensors(page)).toBe(0);
    expect(run.stepAfter).toBeGreaterThanOrEqual(20);
    expect(Number.isFinite(run.metricAfter)).toBe(true);
    expect(run.metricAfter).toBeLessThan(run.metricBefore);
    expect(await page.getByTestId('rate').textContent()).toMatch(/^\d[\d.]* steps\/s$/);
    expect(await page.locator(`${VIEW} .plot svg path`).count()).toBeGreaterThan(0);

    // Bad values: each field says so, names the setting, and keeps its last good value.
    for (const [testid, { label, values }] of Object.entries(BAD)) {
      // The first bad value typed for real, the rest in one round trip.
      await enterValue(page, testid, values[0]!);
      expect(await page.getByTestId(testid).getAttribute('aria-invalid'), testid).toBe('true');
      expect(await page.getByTestId(`${testid}-error`).textContent(), testid).toMatch(label);
      for (const r of await tryValues(page, testid, values)) {
        expect(r.invalid, `${testid} '${r.text}'`).toBe('true');
        expect(r.shown, `${testid} '${r.text}'`).toBe(true);
        expect(r.message, `${testid} '${r.text}'`).toMatch(label);
      }
    }
    // Training goes on with the last good settings (no restart: the step count keeps growing).
    const more = await trainAndWait(page, { minSteps: run.stepAfter + 5, timeoutMs: 90_000 });
    expect(more.stepAfter).toBeGreaterThan(run.stepAfter);
    expect(Number.isFinite(more.metricAfter)).toBe(true);

    // Denoising: pixels zeroed with probability 0.4; the corrupted row appears, training goes on.
    await enterValue(page, 'noise-level', '0.4');
    expect(await page.getByTestId('noise-level').getAttribute('aria-invalid')).toBe('false');
    await page.getByTestId('noise').selectOption('mask');
    await page.waitForFunction(
      (sel) => document.querySelectorAll(`${sel} canvas[data-row="corrupted"]`).length === 1,
      `${VIEW} [data-testid="reconstructions"]`,
    );
    expect(await page.getByTestId('denoising-loss').textContent()).toMatch(/^\d+\.\d\d nats$/);
    const noisy = await trainAndWait(page, { minSteps: more.stepAfter + 5, timeoutMs: 90_000 });
    expect(noisy.stepAfter).toBeGreaterThan(more.stepAfter);
    for (const r of await rows(page, 'reconstructions')) expect(r.levels, r.row).toBeGreaterThan(1);

    // Clicking the 4th reconstruction picks test digit #3 for the traversal.
    const recon = page.locator(`${VIEW} canvas[data-row="reconstruction"]`);
    const box = await recon.boundingBox();
    await recon.click({ position: { x: (box!.width * 3.5) / 10, y: box!.height / 2 } });
    expect(await page.getByTestId('picked').inputValue()).toBe('3');
    await page.waitForFunction(
      () =>
        document
          .querySelector('[data-testid="traversal"] [role="group"]')
          ?.getAttribute('aria-label') === 'Traversal of test digit 3',
    );

    // Bottleneck 5 restarts: five traversal rows, the map shows two of five dimensions.
    await page.locator(`${VIEW} button[data-size="5"]`).click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="traversal"] canvas').length === 5,
    );
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 60_000 });
    expect((await readProgress(page)).step).toBe(0);
    expect(await page.getByTestId('latent-size').inputValue()).toBe('5');
    expect(await page.locator(VIEW).textContent()).toContain('the first two of 5 code dimensions');
    for (const r of await rows(page, 'traversal')) expect(r.levels, r.row).toBeGreaterThan(1);
    await screenshot(page, 'autoencoders-wasm');

    const text = (await page.locator(VIEW).textContent()) ?? '';
    expect(text).not.toMatch(UNFORMATTED_NUMBER);

    // Phone width: nothing overflows sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'autoencoders-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Switching to cpu hands the run over (checkpoint bytes, step, settings): the step and the
    // bottleneck continue, they do not restart.
    await trainAndWait(page, { minSteps: 5, timeoutMs: 90_000 });
    await settled(page);
    const held = (await readProgress(page)).step;
    expect(held).toBeGreaterThanOrEqual(5);
    await page.getByTestId('backend-select').selectOption('cpu');
    await waitForBackend(page, 'cpu');
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 90_000 });
    expect((await readProgress(page)).step).toBe(held);
    expect(await page.locator(VIEW).getByRole('status').first().textContent()).toBe(
      `Continued at step ${held} on cpu.`,
    );
    expect(await page.getByTestId('latent-size').inputValue()).toBe('5');
    expect(await page.getByTestId('noise').inputValue()).toBe('mask');
    expect(await page.locator('[data-testid="traversal"] canvas').count()).toBe(5);
    const after = await trainAndWait(page, { minSteps: held + 5, timeoutMs: 90_000 });
    expect(after.stepBefore).toBe(held);
    expect(after.stepAfter).toBeGreaterThanOrEqual(held + 5);
    expect(Number.isFinite(after.metricAfter)).toBe(true);
    expect(await pageTensors(page)).toBe(0);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 240_000);
});
