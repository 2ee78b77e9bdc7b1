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
const VIEW = 'section.view[data-view="dcgan"]';

/** Each digit canvas: its label, width and a fingerprint of its pixels, and its grey levels. */
async function canvases(
  page: Page,
): Promise<{ label: string; width: number; levels: number; sum: number }[]> {
  return page.locator(`${VIEW} canvas`).evaluateAll((nodes) =>
    nodes.map((node) => {
      const canvas = node as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      const levels = new Set<number>();
      let sum = 0;
      for (let i = 0; pixels !== undefined && i < pixels.length; i += 4) {
        levels.add(pixels[i]!);
        sum += pixels[i]!;
      }
      return {
        label: canvas.getAttribute('aria-label') ?? '',
        width: canvas.width,
        levels: levels.size,
        sum,
      };
    }),
  );
}

/** Waits until the controls are enabled and the metric was evaluated at the current step. */
async function settled(page: Page): Promise<void> {
  await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });
  await page.waitForFunction(
    () => {
      const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent;
      return (
        document.querySelector('[data-testid="train"]')?.textContent === 'Train' &&
        document.querySelector('section.view[data-chunk]') === null &&
        text('metric-step') === text('step')
      );
    },
    undefined,
    { timeout: 120_000, polling: 100 },
  );
}

/**
 * Clicks Train and, inside the page, clicks it again (pause) as soon as the step count reaches
 * `min`; resolves when the click is made.
 */
async function trainSteps(page: Page, min: number): Promise<void> {
  await page.evaluate(async (wanted) => {
    const button = document.querySelector<HTMLButtonElement>('[data-testid="train"]');
    const step = document.querySelector('[data-testid="step"]');
    if (button === null || step === null) throw new Error('trainSteps: no train button or step');
    button.click();
    await new Promise<void>((resolve) => {
      const check = () => {
        if (Number.parseInt(step.textContent ?? '', 10) >= wanted) {
          button.click();
          resolve();
        } else setTimeout(check, 10);
      };
      check();
    });
  }, min);
}

const FIELDS = [
  { testid: 'learning-rate', label: 'learning rate', bad: ['-5', '1e9', '', 'abc', '0'] },
  { testid: 'batch-size', label: 'batch size', bad: ['-5', '1e9', '', 'abc', '2.5'] },
  {
    testid: 'discriminator-steps',
    label: 'D steps per G step',
    bad: ['-5', '1e9', '', 'abc', '2.5'],
  },
] as const;

describe('view: DCGAN on MNIST', () => {
  it('starts from the trained model, refuses bad settings, trains on wasm and fits a phone', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'dcgan', 'wasm');
    await settled(page);
    // The model, the digits and the trained weights live in the worker: the page's own tfjs
    // engine holds no tensor.
    expect(page.workers().some((w) => w.url().includes('dcgan.worker'))).toBe(true);
    expect(await pageTensors(page)).toBe(0);
    expect(await page.getByTestId('start-from').inputValue()).toBe('trained');
    expect(await page.getByTestId('origin').textContent()).toMatch(
      /^Started from the trained model pretrained\/dcgan-mnist \(Gan\.dcgan: latent 64, width 32, batch norm, 9000 steps/,
    );
    const trained = await readProgress(page);
    expect(trained.step).toBe(0);
    expect(Number.isFinite(trained.metric)).toBe(true);
    expect(trained.metric).toBeGreaterThan(0);
    const initial = await canvases(page);
    // 8×8 samples and a row of 10 interpolated images, 28 px each with 1 px gaps.
    expect(initial.map((c) => c.width)).toEqual([8 * 28 + 7, 10 * 28 + 9]);
    for (const c of initial) expect(c.levels, c.label).toBeGreaterThan(2);

    // Every numeric field refuses bad text visibly and keeps its last good value.
    for (const field of FIELDS) {
      for (const text of field.bad) {
        await enterValue(page, field.testid, text);
        const input = page.getByTestId(field.testid);
        expect(await input.getAttribute('aria-invalid'), `${field.label} '${text}'`).toBe('true');
        const message = page.getByTestId(`${field.testid}-error`);
        expect(await message.isVisible()).toBe(true);
        expect(await message.textContent()).toContain(field.label);
      }
    }
    // Good values are taken (a small batch for speed); D steps stays invalid ('2.5' typed last),
    // so training runs with its last good value, 1.
    await enterValue(page, 'batch-size', '16');
    await enterValue(page, 'learning-rate', '0.0002');
    for (const testid of ['batch-size', 'learning-rate']) {
      expect(await page.getByTestId(testid).getAttribute('aria-invalid')).toBe('false');
    }
    expect(await page.getByTestId('discriminator-steps').getAttribute('aria-invalid')).toBe('true');

    // Two steps: the page itself pauses as soon as the step count reaches 2, so at most the
    // step already queued runs after it (trainAndWait's round trips overshoot on a slow machine).
    await trainSteps(page, 2);
    await settled(page);
    expect(await pageTensors(page)).toBe(0);
    const after = await readProgress(page);
    expect(after.step).toBeGreaterThanOrEqual(2);
    expect(after.step).toBeLessThanOrEqual(3);
    expect(Number.isFinite(after.metric)).toBe(true);
    expect(after.metric).not.toBe(trained.metric);
    expect(await page.getByTestId('losses').textContent()).toMatch(/^\d+\.?\d* \/ \d+\.?\d*$/);
    expect(await page.getByTestId('rate').textContent()).toMatch(/steps\/s$/);
    expect(await page.locator(`${VIEW} .plot svg`).count()).toBeGreaterThan(0);
    const trainedCanvases = await canvases(page);
    expect(trainedCanvases[0]!.sum).not.toBe(initial[0]!.sum);

    // New endpoints redraw the interpolation row only.
    await page.getByTestId('new-ends').click();
    await page.waitForFunction(
      ([selector, before]) => {
        const canvas = document.querySelectorAll<HTMLCanvasElement>(selector)[1];
        const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height);
        let sum = 0;
        for (let i = 0; data !== undefined && i < data.data.length; i += 4) sum += data.data[i]!;
        return sum !== before;
      },
      [`${VIEW} canvas`, trainedCanvases[1]!.sum] as const,
      { timeout: 60_000 },
    );
    expect((await canvases(page))[0]!.sum).toBe(trainedCanvases[0]!.sum);

    const text = (await page.locator(VIEW).textContent()) ?? '';
    expect(text).not.toMatch(UNFORMATTED_NUMBER);
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'dcgan-wasm');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'dcgan-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Scratch: fresh weights, the step from 0, the samples change.
    await page.getByTestId('start-from').selectOption('scratch');
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid="origin"]')
        ?.textContent?.startsWith('Started from scratch'),
    );
    await settled(page);
    const scratch = await readProgress(page);
    expect(scratch.step).toBe(0);
    expect(Number.isFinite(scratch.metric)).toBe(true);
    expect((await canvases(page))[0]!.sum).not.toBe(trainedCanvases[0]!.sum);
    expect(consoleErrors).toEqual([]);

    // Weights that cannot be fetched: the view says why and starts from scratch.
    await page.route('**/pretrained/dcgan-mnist.safetensors', (route) =>
      route.fulfill({ status: 404, body: 'not found' }),
    );
    await page.reload();
    await waitForBackend(page, 'wasm');
    await settled(page);
    expect(await page.getByTestId('origin').textContent()).toMatch(
      /^The trained model could not be loaded \(fetchPretrainedDcgan: GET \.\/pretrained\/dcgan-mnist\.safetensors answered 404 .*\); started from scratch\.$/,
    );
    expect(await page.getByTestId('start-from').inputValue()).toBe('scratch');
    expect(await page.getByTestId('start-from').isDisabled()).toBe(true);

    // Switching to cpu hands the run over (checkpoint bytes, step, settings): the step continues.
    await enterValue(page, 'batch-size', '8');
    await trainSteps(page, 1);
    await settled(page);
    const held = (await readProgress(page)).step;
    expect(held).toBeGreaterThanOrEqual(1);
    const origin = await page.getByTestId('origin').textContent();
    await page.getByTestId('backend-select').selectOption('cpu');
    await waitForBackend(page, 'cpu');
    await settled(page);
    expect((await readProgress(page)).step).toBe(held);
    expect(await page.locator(VIEW).getByRole('status').textContent()).toBe(
      `Continued at step ${held} on cpu.`,
    );
    expect(await page.getByTestId('batch-size').inputValue()).toBe('8');
    expect(await page.getByTestId('origin').textContent()).toBe(origin);
    expect(Number.isFinite((await readProgress(page)).metric)).toBe(true);
    expect(await pageTensors(page)).toBe(0);
    expect(consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
    await page.close();
  }, 180_000);
});
