/**
 * Runs a view's training in small async chunks so the page stays responsive: one chunk (a few
 * steps and one read-back), then a macrotask, until paused or the view's signal aborts. Drives the
 * `[data-testid="train"]` button's text and `aria-pressed`.
 */

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
}

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Start/pause control over an async chunk loop. */
export class TrainLoop {
  private running = false;
  private active: Promise<void> | undefined;

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
    this.options.button.textContent = running ? 'Pause' : 'Train';
    this.options.button.setAttribute('aria-pressed', String(running));
  }

  private async run(): Promise<void> {
    const previous = this.active;
    await previous;
    try {
      while (this.running && !this.options.signal.aborted) {
        await this.options.chunk();
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
