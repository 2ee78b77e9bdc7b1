/**
 * Runs a view's training in small async chunks so the page stays responsive: one chunk (a few
 * steps and one read-back), then a macrotask, until paused or the view's signal aborts. Drives the
 * `[data-testid="train"]` button's text and `aria-pressed`, and shows the training speed in
 * `[data-testid="rate"]` ("12.3 steps/s", smoothed over chunks) when given `steps` and `rate`.
 */
import { h } from './dom.js';
import { formatNumber } from './format.js';

/** Options of {@link TrainLoop}. */
export interface TrainLoopOptions {
  /** The view's signal: the loop stops for good when it aborts. */
  signal: AbortSignal;
  /** One chunk of training; resolves when its results are on screen. */
  chunk: () => Promise<void>;
  /** The start/pause button (text and aria-pressed are kept in sync). */
  button: HTMLButtonElement;
  /** Where to show an error that stopped training. */
  status: HTMLElement;
  /** The view's step count, read after each chunk to measure steps per second. */
  steps?: () => number;
  /** Where the speed goes (see {@link rateElement}); needs `steps`. */
  rate?: HTMLElement;
}

/** The element a view shows its training speed in. */
export function rateElement(): HTMLElement {
  return h('span', { 'data-testid': 'rate', class: 'rate', 'aria-live': 'off' }, '');
}

/**
 * Steps per second over chunks: an exponential moving average of each chunk's steps divided by
 * its wall time (the pause between chunks included, as the user sees it).
 */
export class StepRate {
  private last: { steps: number; time: number } | undefined;
  private average: number | undefined;

  /** Records the step count at `time` (ms) and returns the smoothed rate (undefined at first). */
  record(steps: number, time: number): number | undefined {
    const last = this.last;
    this.last = { steps, time };
    if (last === undefined || time <= last.time || steps < last.steps) return this.average;
    const rate = ((steps - last.steps) * 1000) / (time - last.time);
    this.average = this.average === undefined ? rate : 0.8 * this.average + 0.2 * rate;
    return this.average;
  }

  /** Forgets the last reading (call when training pauses, so the pause is not counted). */
  pause(): void {
    this.last = undefined;
  }
}

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Start/pause control over an async chunk loop. */
export class TrainLoop {
  private running = false;
  private active: Promise<void> | undefined;
  private readonly speed = new StepRate();

  constructor(private readonly options: TrainLoopOptions) {
    options.button.setAttribute('aria-pressed', 'false');
    options.button.addEventListener('click', () => this.toggle());
    options.signal.addEventListener('abort', () => this.pause());
  }

  /** Whether training is on. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Starts when paused, pauses when running. */
  toggle(): void {
    if (this.running) this.pause();
    else this.start();
  }

  /** Starts training (no-op when running or aborted). */
  start(): void {
    if (this.running || this.options.signal.aborted) return;
    this.setRunning(true);
    this.active = this.run();
  }

  /** Pauses after the current chunk. */
  pause(): void {
    this.setRunning(false);
  }

  /** Resolves when the chunk in flight (if any) is done. */
  async idle(): Promise<void> {
    await this.active;
  }

  private setRunning(running: boolean): void {
    this.running = running;
    if (!running) this.speed.pause();
    this.options.button.textContent = running ? 'Pause' : 'Train';
    this.options.button.setAttribute('aria-pressed', String(running));
  }

  private showRate(): void {
    const { steps, rate } = this.options;
    if (steps === undefined || rate === undefined) return;
    const value = this.speed.record(steps(), performance.now());
    if (value !== undefined) rate.textContent = `${formatNumber(value, { digits: 3 })} steps/s`;
  }

  private async run(): Promise<void> {
    const previous = this.active;
    await previous;
    try {
      while (this.running && !this.options.signal.aborted) {
        await this.options.chunk();
        this.showRate();
        await yieldToPage();
      }
    } catch (error) {
      if (this.options.signal.aborted) return;
      this.setRunning(false);
      console.error(error);
      this.options.status.textContent = `Training stopped: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}
