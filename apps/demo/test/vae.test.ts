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
const VIEW = 'section.view[data-view="vae"]';

/** For each digit canvas: its size and how many distinct grey levels it shows (1 = blank). */
async function canvasStats(
  page: Page,
): Promise<{ label: string; width: number; levels: number }[]> {
  return page.locator('section.view[data-view="vae"] canvas').evaluateAll((canvases) =>
    canvases.map((node) => {
      const canvas = node as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      const levels = new Set<number>();
      for (let i = 0; pixels !== undefined && i < pixels.length; i += 4) levels.add(pixels[i]!);
      return {
        label: canvas.getAttribute('aria-label') ?? '',
        width: canvas.width,
        levels: levels.size,
      };
    }),
  );
}

describe('view: VAE on MNIST', () => {
  // The webgpu switch is covered by the shell's test; training here runs on wasm, then cpu.
  it('trains in the worker on wasm, lowers −ELBO, draws digits and continues on cpu', async () => {
    const backend = 'wasm';
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'vae', backend);
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });
    const initial = await canvasStats(page);
    expect(initial).toHaveLength(4);
    for (const c of initial) expect(c.levels, c.label).toBeGreaterThan(2);
    // The latent map is an Observable Plot figure with one dot per test digit shown.
    expect(await page.locator('[data-testid="latent-map"] svg circle[data-index]').count()).toBe(
      500,
    );

    // A smaller model than the default (a reset), so the test trains quickly.
    await page.getByLabel('hidden width (restarts)').selectOption('64');
    await page.getByLabel('batch size').selectOption('16');
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });
    // The model, the data and the read-backs live in the worker: the page's own tfjs engine
    // holds no tensor, before or after training.
    const tensorsBefore = await pageTensors(page);
    const run = await trainAndWait(page, { minSteps: 5, timeoutMs: 90_000 });
    expect(run.stepAfter).toBeGreaterThanOrEqual(5);
    expect(run.stepAfter).toBeGreaterThan(run.stepBefore);
    expect(Number.isFinite(run.metricBefore)).toBe(true);
    expect(Number.isFinite(run.metricAfter)).toBe(true);
    // −ELBO per image starts near 784·log 2 ≈ 543 nats and falls within a few Adam steps.
    expect(run.metricBefore).toBeGreaterThan(400);
    expect(run.metricAfter).toBeLessThan(run.metricBefore);
    expect(tensorsBefore).toBe(0);
    expect(await pageTensors(page)).toBe(0);

    // Pausing redraws the panels from the trained model.
    await settled(page);
    await page.waitForTimeout(300);
    for (const c of await canvasStats(page)) expect(c.levels, c.label).toBeGreaterThan(2);
    await screenshot(page, `vae-${backend}`);

    // Switching to cpu hands the run over (checkpoint bytes, step, settings): the step and the
    // settings continue, they do not restart.
    const held = await readProgress(page);
    expect(held.step).toBeGreaterThanOrEqual(5);
    await page.getByTestId('backend-select').selectOption('cpu');
    await waitForBackend(page, 'cpu');
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });
    const continued = await readProgress(page);
    expect(continued.step).toBe(held.step);
    // The same weights on another backend: the same held-out −ELBO (to float rounding).
    expect(continued.metric).toBeCloseTo(held.metric, 0);
    expect(await page.locator(VIEW).getByRole('status').first().textContent()).toBe(
      `Continued at step ${held.step} on cpu.`,
    );
    expect(await page.getByLabel('hidden width (restarts)').inputValue()).toBe('64');
    expect(await page.getByLabel('batch size').inputValue()).toBe('16');
    expect(await page.getByTestId('origin').textContent()).toMatch(/^Started from scratch/);
    const after = await trainAndWait(page, { minSteps: held.step + 5, timeoutMs: 90_000 });
    expect(after.stepBefore).toBe(held.step);
    expect(after.stepAfter).toBeGreaterThanOrEqual(held.step + 5);
    expect(Number.isFinite(after.metricAfter)).toBe(true);
    expect(await pageTensors(page)).toBe(0);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 180_000);

  it('trains a conditional VAE on wasm: one labelled row of samples per digit, continued on cpu', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'vae', 'wasm');
    const ready = () =>
      page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });
    await ready();
    const conditional = page.getByLabel('conditional (by digit; restarts)');
    expect(await conditional.isChecked()).toBe(false);
    // A conditional model restarts from scratch: the trained model is unconditional.
    await conditional.check();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="origin"]')?.textContent?.includes('conditionSize 10'),
    );
    await ready();
    expect(await page.getByTestId('origin').textContent()).toMatch(
      /^Started from scratch: the trained model is an unconditional VAE; these settings ask for a conditional VAE \(conditionSize 10\)/,
    );
    await page.getByLabel('batch size').selectOption('16');
    const run = await trainAndWait(page, { minSteps: 5, timeoutMs: 90_000 });
    expect(run.stepAfter).toBeGreaterThanOrEqual(5);
    expect(Number.isFinite(run.metricAfter)).toBe(true);
    expect(run.metricAfter).toBeLessThan(run.metricBefore);
    await settled(page);
    await page.waitForTimeout(300);

    /** The samples grid: canvas size, grey levels per row of tiles, and where the row labels sit. */
    const grid = () =>
      page.getByTestId('samples').evaluate((box) => {
        const canvas = box.querySelector('canvas')!;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        const levels = Array.from({ length: 10 }, (_, row) => {
          const seen = new Set<number>();
          for (let y = row * 29; y < row * 29 + 28; y++) {
            for (let x = 0; x < canvas.width; x++)
              seen.add(pixels.data[(y * canvas.width + x) * 4]!);
          }
          return seen.size;
        });
        const rect = canvas.getBoundingClientRect();
        const labels = Array.from(box.querySelectorAll<HTMLElement>('.vae-row-label')).map((l) => {
          const r = l.getBoundingClientRect();
          return {
            text: l.textContent,
            visible: !l.hidden && r.height > 0,
            // Which tenth of the canvas's height the label's centre is in, and whether it is left of it.
            row: Math.floor(((r.top + r.bottom) / 2 - rect.top) / (rect.height / 10)),
            left: r.right <= rect.left,
          };
        });
        return {
          width: canvas.width,
          height: canvas.height,
          label: canvas.getAttribute('aria-label'),
          levels,
          labels,
        };
      });
    const expectGrid = async () => {
      const g = await grid();
      // 10 rows (digits 0–9) of 10 samples, 28×28 tiles with a 1-pixel gap.
      expect([g.width, g.height]).toEqual([10 * 28 + 9, 10 * 28 + 9]);
      expect(g.label).toMatch(/one row per digit/);
      // Every row is drawn (a NaN pixel would draw black: one level).
      for (const [row, n] of g.levels.entries()) expect(n, `row ${row}`).toBeGreaterThan(2);
      expect(g.labels).toEqual(
        Array.from({ length: 10 }, (_, d) => ({
          text: String(d),
          visible: true,
          row: d,
          left: true,
        })),
      );
    };
    await expectGrid();
    expect(await page.getByTestId('samples-note').textContent()).toMatch(/^One row per digit/);
    expect(await page.getByTestId('manifold-note').textContent()).toMatch(
      /^Decoded under the label of the interpolation's start, test digit #0 \(a \d\)\.$/,
    );
    expect(await pageTensors(page)).toBe(0);
    await screenshot(page, 'vae-conditional');

    // A backend switch continues the conditional run.
    const held = await readProgress(page);
    await page.getByTestId('backend-select').selectOption('cpu');
    await waitForBackend(page, 'cpu');
    await ready();
    expect(await readProgress(page)).toMatchObject({ step: held.step });
    expect((await readProgress(page)).metric).toBeCloseTo(held.metric, 0);
    expect(await conditional.isChecked()).toBe(true);
    await expectGrid();
    expect(await pageTensors(page)).toBe(0);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 180_000);

  it('starts from the trained model at once, and scratch resets to fresh weights', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'vae', 'wasm');
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });
    const startFrom = page.getByTestId('start-from');
    expect(await startFrom.inputValue()).toBe('trained');
    expect(await page.getByTestId('origin').textContent()).toMatch(
      /^Started from the trained model \(784-256-2, 2000 steps/,
    );
    // An untrained model scores near 784·log 2 ≈ 543 nats; the trained one about 160.
    const trained = await readProgress(page);
    expect(trained.step).toBe(0);
    expect(trained.metric).toBeGreaterThan(100);
    expect(trained.metric).toBeLessThan(220);
    for (const c of await canvasStats(page)) expect(c.levels, c.label).toBeGreaterThan(2);
    await screenshot(page, 'vae-trained');

    // Training continues from the trained weights.
    const run = await trainAndWait(page, { minSteps: 5, timeoutMs: 90_000 });
    expect(run.stepAfter).toBeGreaterThanOrEqual(5);
    expect(run.metricAfter).toBeLessThan(220);

    await startFrom.selectOption('scratch');
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid="origin"]')
        ?.textContent?.startsWith('Started from scratch'),
    );
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });
    const scratch = await readProgress(page);
    expect(scratch.step).toBe(0);
    expect(scratch.metric).toBeGreaterThan(400);

    // Back to the trained model: the same weights as at the start, so the same metric.
    await page.getByLabel('hidden width (restarts)').selectOption('128');
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });
    await startFrom.selectOption('trained');
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid="origin"]')
        ?.textContent?.startsWith('Started from the trained'),
    );
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });
    expect(await page.getByLabel('hidden width (restarts)').inputValue()).toBe('256');
    const again = await readProgress(page);
    expect(again.step).toBe(0);
    expect(again.metric).toBe(trained.metric);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('says so and starts from scratch when the trained weights cannot be fetched', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'vae', 'wasm');
    await page.route('**/pretrained/vae-mnist-2d.safetensors', (route) =>
      route.fulfill({ status: 404, body: 'not found' }),
    );
    await page.reload();
    await waitForBackend(page, 'wasm');
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('origin').textContent()).toMatch(
      /^The trained model could not be loaded \(fetchPretrainedVae: GET \.\/pretrained\/vae-mnist-2d\.safetensors answered 404 .*\); started from scratch\.$/,
    );
    const startFrom = page.getByTestId('start-from');
    expect(await startFrom.inputValue()).toBe('scratch');
    expect(await startFrom.isDisabled()).toBe(true);
    expect((await readProgress(page)).metric).toBeGreaterThan(400);
    expect(consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
    await page.close();
  });

  it('fits a phone-width screen and restarts with a 4-D latent space', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'vae', 'wasm', {
      viewport: { width: 390, height: 844 },
    });
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByLabel('latent size (restarts)').selectOption('4');
    await page.waitForFunction(() =>
      document.querySelector('.view[data-view="vae"]')?.textContent?.includes('first two of 4'),
    );
    expect(await page.locator('[data-testid="step"]').textContent()).toBe('0');
    // The trained model has a 2-D latent space: a 4-D one starts from scratch and says why.
    expect(await page.getByTestId('start-from').inputValue()).toBe('scratch');
    expect(await page.getByTestId('origin').textContent()).toMatch(
      /^Started from scratch: the trained model has latentSize 2; these settings ask for latentSize 4/,
    );
    expect((await readProgress(page)).metric).toBeGreaterThan(400);
    await screenshot(page, 'vae-phone');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('validates every number field, labels the rows, plots the losses and interpolates between two clicked digits', async () => {
    const { page, consoleErrors } = await openView(demo.browser, demo.url, 'vae', 'wasm');
    const view = page.locator('section.view[data-view="vae"]');
    await page.locator('[data-testid="train"]:not([disabled])').waitFor({ timeout: 120_000 });

    // The reconstruction rows are named, "input" beside the top row and "reconstruction" beside
    // the bottom one.
    const recon = await page.getByRole('img', { name: /reconstructions/ }).boundingBox();
    const input = await page.getByTestId('recon-label-input').boundingBox();
    const output = await page.getByTestId('recon-label-output').boundingBox();
    expect(await page.getByTestId('recon-label-input').textContent()).toBe('input');
    expect(await page.getByTestId('recon-label-output').textContent()).toBe('reconstruction');
    if (recon === null || input === null || output === null) throw new Error('not laid out');
    const middle = recon.y + recon.height / 2;
    expect(input.y + input.height / 2).toBeLessThan(middle);
    expect(output.y + output.height / 2).toBeGreaterThan(middle);
    expect(input.x + input.width).toBeLessThanOrEqual(recon.x);

    // Two clicks on the map: the first sets the start, the second the end; the strip and the
    // arrow follow.
    const dots = page.locator('[data-testid="latent-map"] svg circle[data-index]');
    const stripPixels = () =>
      page
        .getByRole('img', { name: /line between two posterior means/ })
        .evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    const arrow = () =>
      page.locator('[data-testid="latent-map"] g[aria-label="arrow"] path').getAttribute('d');
    const [stripBefore, arrowBefore] = [await stripPixels(), await arrow()];
    const clickDot = async (i: number): Promise<number> => {
      await dots.nth(i).scrollIntoViewIfNeeded();
      const box = await dots.nth(i).boundingBox();
      if (box === null) throw new Error(`dot ${i} is not laid out`);
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      // The dot on top at that point (dots overlap) is the one a click picks.
      const hit = await page.evaluate(
        ([px, py]) => (document.elementFromPoint(px!, py!) as SVGElement | null)?.dataset.index,
        [x, y],
      );
      await page.mouse.click(x, y);
      return Number(hit);
    };
    const start = await clickDot(120);
    await page.waitForFunction(
      (want) =>
        document.querySelector<HTMLInputElement>('[data-testid="interp-from"]')?.value === want,
      String(start),
    );
    const end = await clickDot(340);
    await page.waitForFunction(
      (want) =>
        document.querySelector<HTMLInputElement>('[data-testid="interp-to"]')?.value === want,
      String(end),
    );
    expect([start, end]).not.toEqual([0, 1]);
    expect(await page.getByTestId('map-hint').textContent()).toMatch(
      new RegExp(`from test digit #${start} \\(a \\d\\) to #${end} \\(a \\d\\)`),
    );
    expect(await arrow()).not.toBe(arrowBefore);
    await page.waitForFunction(
      (before) =>
        (
          document.querySelector('canvas[aria-label*="line between"]') as HTMLCanvasElement
        ).toDataURL() !== before,
      stripBefore,
    );

    // Bad values into every number field: each is refused on screen and changes nothing.
    const bad = ['-1', '1e6', '99999', '2.5', '', 'abc'];
    for (const [testid, values] of [
      ['beta', bad.filter((v) => v !== '2.5')], // β = 2.5 is a valid weight
      ['interp-from', bad],
      ['interp-to', bad],
    ] as const) {
      for (const value of values) {
        const field = page.getByTestId(testid);
        await field.fill(value);
        await field.press('Tab');
        const state = await field.evaluate((el, id) => {
          const message = document.querySelector<HTMLElement>(`[data-testid="${id}-error"]`);
          return {
            invalid: el.getAttribute('aria-invalid'),
            value: (el as HTMLInputElement).value,
            shown: message !== null && !message.hidden && message.offsetHeight > 0,
            message: message?.textContent ?? '',
          };
        }, testid);
        expect(state, `${testid} ${JSON.stringify(value)}`).toMatchObject({
          invalid: 'true',
          value,
          shown: true,
        });
        expect(state.message).toMatch(testid === 'beta' ? /^β: / : /test digit #/);
      }
    }
    // The interpolation keeps its last good endpoints, and the model was not restarted.
    expect(await page.getByTestId('map-hint').textContent()).toContain(
      `from test digit #${start} `,
    );
    expect(await page.getByTestId('map-hint').textContent()).toContain(` to #${end} `);
    expect((await readProgress(page)).step).toBe(0);

    // Training runs with the last good β = 1, also through another bad β typed meanwhile (a new
    // β would restart the model at step 0 and stop training).
    const train = page.locator('[data-testid="train"]');
    await train.click();
    await page.getByTestId('beta').fill('-1');
    await page.getByTestId('beta').press('Tab');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="step"]')?.textContent) >= 10,
      undefined,
      { polling: 200, timeout: 90_000 },
    );
    expect(await page.getByTestId('beta').getAttribute('aria-invalid')).toBe('true');
    expect(await train.textContent()).toBe('Pause');
    expect(await page.getByTestId('origin').textContent()).toMatch(/^Started from the trained/);
    expect(await page.getByTestId('rate').textContent()).toMatch(/^\d[\d.]* steps\/s$/);
    await train.click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="train"]')?.textContent === 'Train',
    );

    // The loss curves: training loss and held-out −ELBO lines, and the held-out KL.
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="loss-curve"] g[aria-label="line"] path').length >=
        2,
    );
    expect(
      await page.locator('[data-testid="kl-curve"] g[aria-label="dot"] circle').count(),
    ).toBeGreaterThan(1);
    expect(await page.getByTestId('loss-note').textContent()).toMatch(
      /^Held out now: −ELBO \d+\.\d\d = reconstruction \d+\.\d\d \+ KL \d+\.\d\d\./,
    );
    expect(((await view.textContent()) ?? '').match(UNFORMATTED_NUMBER)).toBeNull();
    await screenshot(page, 'vae-interactions');
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 180_000);
});
