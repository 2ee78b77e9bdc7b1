/**
 * Helpers for the demo's browser tests: a static server of the built demo (apps/demo/dist)
 * with the cross-origin-isolation headers the wasm backend wants, a headless Chromium with
 * WebGPU (SwiftShader) enabled, and small page drivers shared by every view's test.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { parseFormatted } from '../../src/shell/format.js';
import { type ServeOptions, serveStatic } from './static-server.js';

export type { Browser, Page } from 'playwright-core';

/** Backends the demo understands in `?backend=`; 'auto' leaves the parameter out. */
export type DemoBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu' | 'auto';

// DEMO_DIST points the tests at another build (e.g. `vite build --outDir /tmp/dist-x`).
const distDir = process.env.DEMO_DIST
  ? `${process.env.DEMO_DIST.replace(/\/$/, '')}/`
  : fileURLToPath(new URL('../../dist/', import.meta.url));
const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

/**
 * Serves apps/demo/dist on 127.0.0.1 (a secure context, so WebGPU is exposed) with COOP/COEP.
 * Throws if the demo has not been built.
 */
export async function startServer(
  options: ServeOptions = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(`${distDir}index.html`)) {
    throw new Error(
      `startServer: ${distDir}index.html is missing; build the demo first: ` +
        'pnpm turbo run build --filter=@gen/demo... --output-logs=errors-only',
    );
  }
  return serveStatic(distDir, options);
}

/**
 * Launches headless Chromium (`CHROMIUM_PATH` or /usr/bin/chromium) with WebGPU on SwiftShader
 * and WebGL on ANGLE/SwiftShader (docs/toolchain.md#webgpu-and-webgl-in-headless-chromium).
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `launchBrowser: no Chromium at ${executablePath}; install it with ` +
        '`apt-get install chromium` or set CHROMIUM_PATH',
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--enable-unsafe-webgpu',
      '--enable-unsafe-swiftshader',
      '--use-angle=swiftshader',
      '--use-webgpu-adapter=swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Options of {@link openView}. */
export interface OpenViewOptions {
  viewport?: { width: number; height: number };
  /** How long to wait for the backend and the view, in ms (default 120 000). */
  timeoutMs?: number;
}

/**
 * Opens `?view=<view>&backend=<backend>` in a new page (1280×800 unless told), collects console
 * errors and uncaught page errors, and waits until `[data-testid="backend"]` shows the requested
 * backend (for 'auto': any backend) and the view's `[data-testid="train"]` is visible.
 */
export async function openView(
  browser: Browser,
  url: string,
  view: string,
  backend: DemoBackend,
  options: OpenViewOptions = {},
): Promise<{ page: Page; consoleErrors: string[] }> {
  const timeout = options.timeoutMs ?? 120_000;
  const page = await browser.newPage({
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  const query = new URLSearchParams({ view });
  if (backend !== 'auto') query.set('backend', backend);
  await page.goto(`${url}?${query.toString()}`);
  await waitForBackend(page, backend, timeout);
  await page.locator('[data-testid="train"]').first().waitFor({ state: 'visible', timeout });
  return { page, consoleErrors };
}

/** Waits until the shell reports `backend` as active (any backend for 'auto'); returns it. */
export async function waitForBackend(
  page: Page,
  backend: DemoBackend,
  timeoutMs = 120_000,
): Promise<string> {
  await page.waitForFunction(
    (wanted) => {
      const el = document.querySelector('[data-testid="backend"]');
      if (el === null || el.getAttribute('data-state') !== 'ready') return false;
      return wanted === 'auto' || el.textContent === wanted;
    },
    backend,
    { timeout: timeoutMs },
  );
  return (await page.locator('[data-testid="backend"]').textContent()) ?? '';
}

/**
 * Reads `[data-testid="step"]` and `[data-testid="metric"]` as numbers (NaN when unparsable); the
 * metric as the demo formats it ("−1.5", "2.18 × 10⁻⁸").
 */
export async function readProgress(page: Page): Promise<{ step: number; metric: number }> {
  const step = Number.parseInt(
    (await page.locator('[data-testid="step"]').textContent()) ?? '',
    10,
  );
  const text = (await page.locator('[data-testid="metric"]').textContent()) ?? '';
  // A metric with a unit after it ("162.3 nats") reads as its leading number.
  const formatted = parseFormatted(text);
  const metric = Number.isNaN(formatted)
    ? parseFormatted(text.trim().split(/\s+(?![×±])/)[0] ?? '')
    : formatted;
  return { step, metric };
}

/**
 * Clicks `train`, waits until `step` ≥ `minSteps`, clicks it again to pause, lets the last chunk
 * finish, and returns step and metric before and after.
 */
export async function trainAndWait(
  page: Page,
  { minSteps, timeoutMs = 60_000 }: { minSteps: number; timeoutMs?: number },
): Promise<{ stepBefore: number; stepAfter: number; metricBefore: number; metricAfter: number }> {
  const before = await readProgress(page);
  const train = page.locator('[data-testid="train"]').first();
  await train.click();
  // Pause from inside the page as soon as the step is reached: a Playwright click on a busy page
  // can land seconds (hundreds of steps) later.
  await page.waitForFunction(
    (min) => {
      const text = document.querySelector('[data-testid="step"]')?.textContent ?? '';
      if (Number.parseInt(text, 10) < min) return false;
      const button = document.querySelector<HTMLButtonElement>('[data-testid="train"]');
      if (button?.getAttribute('aria-pressed') === 'true') button.click();
      return true;
    },
    minSteps,
    { timeout: timeoutMs, polling: 100 },
  );
  // A chunk already running finishes after the pause; give it a moment, then read.
  await page.waitForTimeout(300);
  const after = await readProgress(page);
  return {
    stepBefore: before.step,
    stepAfter: after.step,
    metricBefore: before.metric,
    metricAfter: after.metric,
  };
}

/** The page's own tfjs tensor count (−1 when tfjs never loaded): 0 while a worker does the work. */
export function pageTensors(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (globalThis as { _tfengine?: { state: { numTensors: number } } })._tfengine?.state
        .numTensors ?? -1,
  );
}

/**
 * Waits until training is paused and settled: `train` says "Train" and is enabled, and no chunk
 * is in flight (views mark one with `data-chunk` on their section). Returns the step shown.
 */
export async function settled(page: Page, timeoutMs = 120_000): Promise<number> {
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="train"]')?.textContent === 'Train' &&
      document.querySelector('[data-testid="train"]:not([disabled])') !== null &&
      document.querySelector('section.view[data-chunk]') === null,
    undefined,
    { timeout: timeoutMs, polling: 100 },
  );
  return (await readProgress(page)).step;
}

/** Types `text` into the field `[data-testid=testid]` and commits it (a `change` event). */
export async function enterValue(page: Page, testid: string, text: string): Promise<void> {
  const input = page.getByTestId(testid);
  await input.fill(text);
  await input.dispatchEvent('change');
}

/**
 * Starts recording long tasks (PerformanceObserver 'longtask') and animation frames; the returned
 * function stops and reports the share of wall time in long tasks, the longest one and the fps.
 * Reported as figures only: wall time on a loaded machine decides no verdict.
 */
export async function startResponsiveness(page: Page): Promise<() => Promise<string>> {
  await page.evaluate(() => {
    const w = window as unknown as { __probe: { long: number[]; frames: number; t0: number } };
    w.__probe = { long: [], frames: 0, t0: performance.now() };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__probe.long.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
    const tick = () => {
      w.__probe.frames += 1;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return () =>
    page.evaluate(() => {
      const { long, frames, t0 } = (
        window as unknown as { __probe: { long: number[]; frames: number; t0: number } }
      ).__probe;
      const ms = performance.now() - t0;
      const busy = long.reduce((a, b) => a + b, 0);
      return `${long.length} long tasks, ${((100 * busy) / ms).toFixed(1)} % of ${(ms / 1000).toFixed(1)} s, longest ${Math.max(0, ...long).toFixed(0)} ms, ${((1000 * frames) / ms).toFixed(1)} fps`;
    });
}

/** Saves a full-page screenshot to apps/demo/test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = `${resultsDir}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Registers `beforeAll`/`afterAll` hooks that start the static server and Chromium once per test
 * file and close both afterwards; read `browser` and `url` inside tests.
 */
export function useDemo(options: ServeOptions = {}): {
  readonly browser: Browser;
  readonly url: string;
} {
  let browser: Browser | undefined;
  let server: { url: string; close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    server = await startServer(options);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('useDemo: the browser is not started (use it inside a test)');
      return browser;
    },
    get url() {
      if (!server) throw new Error('useDemo: the server is not started (use it inside a test)');
      return server.url;
    },
  };
}
