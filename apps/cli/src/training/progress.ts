import type { Callback, HistoryEntry } from '@gen/train';
import { SingleBar } from 'cli-progress';
import { formatNumber } from '../output.js';

/** What a row of the history shows: the loss, or both players' losses of a GAN. */
export function lossText(row: HistoryEntry | Record<string, number>): string {
  if (row.loss !== undefined) return `loss ${formatNumber(row.loss)}`;
  const d = row.discriminatorLoss;
  const g = row.generatorLoss;
  return d === undefined || g === undefined ? '' : `D ${formatNumber(d)}  G ${formatNumber(g)}`;
}

/**
 * Training progress on stderr: a cli-progress bar with loss, rate and ETA when stderr is a
 * terminal (and not --json); otherwise plain lines `step 120/1000  loss 1.23  45.6 steps/s  ETA 19s`
 * at most every `intervalMs`, so logs and tests see progress too.
 */
export class Progress {
  private readonly bar: SingleBar | undefined;
  private startStep = 0;
  private startTime = 0;
  private lastLine = 0;
  private text = '';

  constructor(
    private readonly total: number,
    options: { json: boolean; intervalMs?: number },
    private readonly intervalMs = options.intervalMs ?? 5000,
  ) {
    if (process.stderr.isTTY && !options.json) {
      this.bar = new SingleBar({
        stream: process.stderr,
        format:
          'step {value}/{total} |{bar}| {percentage}% | {loss} | {rate} steps/s | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
      });
    }
  }

  /** Starts at `step` (non-zero when resuming). */
  start(step: number): void {
    this.startStep = step;
    this.startTime = performance.now();
    this.bar?.start(this.total, step, { loss: '', rate: '-' });
  }

  private rate(step: number): number {
    const seconds = (performance.now() - this.startTime) / 1000;
    return seconds > 0 ? (step - this.startStep) / seconds : 0;
  }

  /** Records that `step` steps are done; `row` is a fresh history row, if any. */
  update(step: number, row?: HistoryEntry | Record<string, number>): void {
    if (row) this.text = lossText(row);
    const rate = this.rate(step);
    if (this.bar) {
      this.bar.update(step, { loss: this.text, rate: formatNumber(rate) });
      return;
    }
    const now = performance.now();
    if (
      row === undefined ||
      (this.lastLine !== 0 && now - this.lastLine < this.intervalMs && step < this.total)
    )
      return;
    this.lastLine = now;
    const eta = rate > 0 ? `${Math.ceil((this.total - step) / rate)}s` : '-';
    process.stderr.write(
      `step ${step}/${this.total}  ${this.text}  ${formatNumber(rate)} steps/s  ETA ${eta}\n`,
    );
  }

  stop(): void {
    this.bar?.stop();
  }

  /** A @gen/train callback that feeds this progress display. */
  callback(): Callback {
    return {
      onTrainBegin: (e) => this.start(e.step),
      onStepEnd: (e) => this.update(e.step, e.logs),
    };
  }
}
