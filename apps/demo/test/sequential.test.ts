import { describe, expect, it } from 'vitest';
import { UNFORMATTED_NUMBER } from '../src/shell/format.js';
import {
  openView,
  type Page,
  pageTensors,
  readProgress,
  screenshot,
  useDemo,
  waitForBackend,
} from './support/browser.js';

const demo = useDemo();

const FIELDS = ['digits', 'speed', 'seed', 'flow-lr', 'flow-batch', 'flow-seed'] as const;
const BAD = ['-5', '1e9', '', 'abc', '2.5'];

const flowStep = async (page: Page) =>
  Number.parseInt((await page.getByTestId('flow-step').textContent()) ?? '', 10);

/** A fingerprint of every digit canvas's pixels and caption, to compare across a switch. */
function digitPrint(page: Page): Promise<string[]> {
  return page.locator('section.view[data-view="sequential"] .seq-digit').evaluateAll((nodes) =>
    nodes.map((node) => {
      let hash = 0;
      for (const canvas of Array.from(node.querySelectorAll('canvas'))) {
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; data !== undefined && i < data.length; i++) {
          hash = (Math.imul(hash, 31) + data[i]!) | 0;
        }
      }
      return `${hash} ${node.querySelector('figcaption')?.textContent ?? ''}`;
    }),
  );
}

/** How many pixels of each digit canvas are the "next pixel" orange, and how many grey levels. */
async function digitCanvases(
  page: Page,
): Promise<{ label: string; orange: number; colours: number }[]> {
  return page
    .locator('section.view[data-view="sequential"] .seq-digit canvas')
    .evaluateAll((nodes) =>
      nodes.map((node) => {
        const canvas = node as HTMLCanvasElement;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        let orange = 0;
        const colours = new Set<number>();
        for (let i = 0; data !== undefined && i < data.length; i += 4) {
          if (data[i] === 228 && data[i + 1] === 87 && data[i + 2] === 46) orange++;
          colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
        }
        return { label: canvas.getAttribute('aria-label') ?? '', orange, colours: colours.size };
      }),
    );
}

/**
 * Clicks train, waits until at least `pixels` pixels are drawn and the flow has taken more than
 * `flowSteps` steps (chunks alternate between training the flow and redrawing it), then pauses.
 */
async function trainBoth(page: Page, pixels: number, flowSteps: number) {
  const before = await readProgress(page);
  const train = page.getByTestId('train');
  await train.click();
  await page.waitForFunction(
    ([minPixels, minFlow]) => {
      const read = (id: string) =>
        Number.parseInt(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '', 10);
      return read('step') >= minPixels! && read('flow-step') > minFlow!;
    },
    [pixels, flowSteps],
    { timeout: 120_000, polling: 100 },
  );
  await train.click();
  // A chunk already running finishes after the pause, then the flow plots are redrawn.
  await page.waitForTimeout(500);
  return { before, after: await readProgress(page) };
}

describe('view: autoregressive and flow models', () => {
  it('samples digits pixel by pixel, trains the flow live and refuses bad settings (wasm)', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'sequential', 'wasm');
    expect(await page.getByTestId('origin').textContent()).toMatch(
      /^The released run pretrained\/pixelcnn-mnist: PixelCNN with 5 masked 5×5 convolutions of 16 channels/,
    );
    const start = await readProgress(page);
    expect(start).toEqual({ step: 0, metric: 0 });
    const initial = await digitCanvases(page);
    expect(initial).toHaveLength(8);
    // Nothing drawn yet: only the first pixel is highlighted.
    for (const c of initial) expect(c.orange, c.label).toBe(1);
    expect(await page.locator('.seq-stages svg').count()).toBe(5);
    expect(await page.getByTestId('flow-step').textContent()).toBe('0');

    // One digit: a quarter of the work per pass, so the test draws more pixels per chunk.
    await page.getByTestId('digits').fill('1');
    await page.getByTestId('digits').press('Tab');
    await page.waitForFunction(
      () => document.querySelectorAll('.seq-digit canvas').length === 2,
      undefined,
      { timeout: 60_000 },
    );
    const tensorsBefore = await pageTensors(page);
    expect(tensorsBefore).toBeGreaterThanOrEqual(0);
    const run = await trainBoth(page, 10, 0);
    // The network passes and the flow's steps ran in the worker: the page made no tensors.
    expect(await pageTensors(page)).toBe(tensorsBefore);
    expect(run.before).toEqual({ step: 0, metric: 0 });
    expect(run.after.step).toBeGreaterThanOrEqual(10);
    expect(Number.isFinite(run.after.metric)).toBe(true);
    // −Σ log p(xᵢ | x<ᵢ) over the pixels drawn: positive once any pixel is drawn.
    expect(run.after.metric).toBeGreaterThan(0);
    expect(await flowStep(page)).toBeGreaterThan(0);
    expect(
      Number.isFinite(Number.parseFloat((await page.getByTestId('flow-nll').textContent()) ?? '')),
    ).toBe(true);
    expect(await page.getByTestId('flow-equation').textContent()).toMatch(
      /log p\(x\) = log p\(z\)/,
    );
    const drawn = await digitCanvases(page);
    expect(drawn).toHaveLength(2);
    for (const c of drawn) {
      expect(c.orange, c.label).toBe(1);
      expect(c.colours, c.label).toBeGreaterThan(2);
    }
    await screenshot(page, 'sequential-wasm');

    // Every numeric field: a bad entry is marked with a message and leaves the last good value.
    for (const testid of FIELDS) {
      const input = page.getByTestId(testid);
      const good = await input.inputValue();
      for (const bad of BAD) {
        if (testid === 'flow-lr' && bad === '2.5') continue; // 2.5 is only bad for integers
        await input.fill(bad);
        await input.press('Tab');
        expect(await input.getAttribute('aria-invalid'), `${testid} = '${bad}'`).toBe('true');
        const message = page.getByTestId(`${testid}-error`);
        expect(await message.isVisible(), `${testid} = '${bad}'`).toBe(true);
        expect((await message.textContent()) ?? '', `${testid} = '${bad}'`).not.toBe('');
      }
      // The typed text stays visible; the field keeps its last good value in force.
      expect(await input.inputValue()).not.toBe(good);
    }
    // Training continues with the last good settings: the same digits, the same flow run.
    // (A restart would have reset the pixel count and the flow's steps to 0.)
    const before = await readProgress(page);
    const flowBefore = await flowStep(page);
    const again = await trainBoth(page, before.step + 3, flowBefore);
    expect(again.after.step).toBeGreaterThanOrEqual(before.step + 3);
    expect(Number.isFinite(again.after.metric)).toBe(true);
    expect(await flowStep(page)).toBeGreaterThan(flowBefore);
    expect(await digitCanvases(page)).toHaveLength(2);
    expect(await page.getByTestId('status').textContent()).toBe('');
    const text = (await page.locator('section.view').textContent()) ?? '';
    expect(text).not.toMatch(UNFORMATTED_NUMBER);

    // Phone width: nothing overflows sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(1000);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'sequential-phone');

    // A backend switch continues both runs where they stood: the same digits so far, the same
    // pixel count and flow step, then more of both on the new backend.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="train"]')?.textContent === 'Train' &&
        document.querySelector('section.view[data-chunk]') === null,
      undefined,
      { timeout: 60_000 },
    );
    const held = await readProgress(page);
    const heldFlow = await flowStep(page);
    const heldDigits = await digitPrint(page);
    expect(heldDigits).toHaveLength(1);
    await page.getByTestId('backend-select').selectOption('cpu');
    await waitForBackend(page, 'cpu');
    await page.getByTestId('train').waitFor({ state: 'visible', timeout: 90_000 });
    expect(await page.getByTestId('status').textContent()).toBe(
      `Continued at ${held.step} pixels and flow step ${heldFlow} on cpu.`,
    );
    expect(await readProgress(page)).toEqual(held);
    expect(await flowStep(page)).toBe(heldFlow);
    expect(await page.getByTestId('digits').inputValue()).toBe('1');
    expect(await digitPrint(page)).toEqual(heldDigits);
    const onCpu = await trainBoth(page, held.step + 2, heldFlow);
    expect(onCpu.before.step).toBe(held.step);
    expect(onCpu.after.step).toBeGreaterThanOrEqual(held.step + 2);
    expect(Number.isFinite(onCpu.after.metric)).toBe(true);
    expect(onCpu.after.metric).toBeGreaterThanOrEqual(held.metric);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 240_000);
});
