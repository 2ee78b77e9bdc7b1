import { describe, expect, it } from 'vitest';
import { UNFORMATTED_NUMBER } from '../src/shell/format.js';
import { type Page, screenshot, useDemo, waitForBackend } from './support/browser.js';

// The build is served from a subfolder, as a static host would (GitHub Pages, a CDN folder):
// every page, worker, wasm file and asset must be found relative to it.
const demo = useDemo({ base: '/gen/demo/' });

async function open(
  path: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ page: Page; errors: string[] }> {
  const page = await demo.browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  // A file asked for outside the subfolder, or missing, is an error too.
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) {
      errors.push(`${r.status()} ${r.url()}`);
    }
  });
  page.on('requestfailed', (r) => {
    // A fetch the page abandons (a view unmounted while loading) is not a missing file.
    const why = r.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) errors.push(`failed (${why}): ${r.url()}`);
  });
  await page.goto(`${demo.url}${path}`);
  return { page, errors };
}

async function navIds(page: Page): Promise<string[]> {
  return page
    .locator('nav button[data-view]')
    .evaluateAll((buttons) => buttons.map((b) => (b as HTMLElement).dataset.view ?? ''));
}

async function showView(page: Page, id: string): Promise<void> {
  await page.locator(`nav button[data-view="${id}"]`).click();
  await page
    .locator(`section.view[data-view="${id}"] [data-testid="train"]`)
    .waitFor({ state: 'visible', timeout: 120_000 });
}

/** Starts training, pauses from inside the page at the first step on screen, lets it settle. */
async function trainOneStep(page: Page, id: string): Promise<void> {
  const train = page.locator(`section.view[data-view="${id}"] [data-testid="train"]`).first();
  await train.click();
  await page.waitForFunction(
    () => {
      const text = document.querySelector('[data-testid="step"]')?.textContent ?? '';
      if (!(Number.parseInt(text, 10) >= 1)) return false;
      const button = document.querySelector<HTMLButtonElement>('[data-testid="train"]');
      if (button?.getAttribute('aria-pressed') === 'true') button.click();
      return true;
    },
    undefined,
    { timeout: 180_000, polling: 200 },
  );
  await page.waitForTimeout(500);
}

/**
 * Text on screen (HTML and the plots' SVG text) that is not a formatted number: "NaN",
 * "Infinity", raw JavaScript floats with 8+ decimals or an e+/e- exponent, and Plot's "⚠" glyph.
 */
async function unformattedText(page: Page): Promise<string[]> {
  const source = UNFORMATTED_NUMBER.source;
  return page.evaluate((pattern) => {
    const re = new RegExp(`${pattern}|⚠`);
    const texts = [
      // biome-ignore lint/performance/useDomNodeTextContent: only what is rendered on screen counts
      document.body.innerText,
      ...Array.from(document.querySelectorAll('svg text'), (t) => t.textContent ?? ''),
    ];
    return texts
      .flatMap((t) => t.split('\n'))
      .filter((line) => re.test(line))
      .map((line) => line.slice(0, 160));
  }, source);
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe('demo shell', () => {
  it('auto passes over the software WebGPU and WebGL (SwiftShader here), says so, and the select still offers them', async () => {
    const { page, errors } = await open('');
    expect(await waitForBackend(page, 'auto')).toBe('wasm');
    expect(await page.locator('[data-testid="backend-note"]').textContent()).toBe(
      'auto chose wasm: webgpu and webgl would run in software on this machine (no usable GPU), far slower than wasm. Pick one in the menu to try it anyway.',
    );
    for (const name of ['webgpu', 'webgl', 'wasm'] as const) {
      await page.locator('[data-testid="backend-select"]').selectOption(name);
      expect(await waitForBackend(page, name)).toBe(name);
      expect(new URL(page.url()).searchParams.get('backend')).toBe(name);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says which backend it used when the requested one is unavailable', async () => {
    const page = await demo.browser.newPage();
    // A browser without WebGPU: tfjs-backend-webgpu registers only when navigator.gpu exists.
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });
    });
    await page.goto(`${demo.url}?backend=webgpu`);
    expect(await waitForBackend(page, 'auto')).toBe('webgl');
    expect(await page.locator('[data-testid="backend-note"]').textContent()).toBe(
      'webgpu is not available here; using webgl instead.',
    );
    await page.close();
  });

  it('names the views that exist when ?view= is unknown', async () => {
    const { page, errors } = await open('?view=nonsense&backend=wasm');
    const message = page.locator('[data-testid="view-error"]');
    await message.waitFor({ timeout: 60_000 });
    const text = (await message.textContent()) ?? '';
    expect(text).toContain("Unknown view 'nonsense'");
    for (const id of await navIds(page)) expect(text).toContain(id);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('screenshots every view, served from a subfolder and trained a step, at 1280×800 and 390×844: no console error, NaN, unformatted number or horizontal overflow', async () => {
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      const { page, errors } = await open('?backend=wasm', viewport);
      await waitForBackend(page, 'wasm');
      const ids = await navIds(page);
      expect(ids.length).toBeGreaterThanOrEqual(2);
      for (const id of ids) {
        await showView(page, id);
        expect(new URL(page.url()).searchParams.get('view')).toBe(id);
        await trainOneStep(page, id);
        expect(
          await horizontalOverflow(page),
          `${id} overflows at ${viewport.width}`,
        ).toBeLessThanOrEqual(0);
        const bad = await unformattedText(page);
        expect(bad, `${id} at ${viewport.width}×${viewport.height}`).toEqual([]);
        await screenshot(page, `shell-${id}-${viewport.width}x${viewport.height}`);
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 900_000);

  it('is usable from the keyboard: Tab reaches the nav and the train button', async () => {
    const { page, errors } = await open('?view=divergences&backend=wasm');
    await waitForBackend(page, 'wasm');
    await page.locator('[data-testid="train"]').waitFor();
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return { view: el?.dataset.view ?? '', testid: el?.dataset.testid ?? '' };
      });
    const tabUntil = async (done: (f: { view: string; testid: string }) => boolean) => {
      for (let i = 0; i < 60; i += 1) {
        await page.keyboard.press('Tab');
        if (done(await focused())) return;
      }
      throw new Error('Tab never reached the element');
    };
    await tabUntil((f) => f.view === 'estimators');
    await page.keyboard.press('Enter');
    await page.locator('section.view[data-view="estimators"] [data-testid="train"]').waitFor();
    await tabUntil((f) => f.view === 'divergences');
    await page.keyboard.press('Space');
    await page.locator('section.view[data-view="divergences"] [data-testid="train"]').waitFor();
    await tabUntil((f) => f.testid === 'train');
    await page.keyboard.press('Space');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="step"]')?.textContent) >= 1,
    );
    await page.keyboard.press('Enter');
    expect(errors).toEqual([]);
    await page.close();
  });
});
