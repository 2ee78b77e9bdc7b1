import { type Batch, InvalidArgumentError, type Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { learningRateScheduler } from './callbacks/learning-rate-scheduler.js';
import { newRunId } from './checkpoint/run-id.js';
import { assertStoreBelongsToRun } from './checkpoint/run-ownership.js';
import type { CheckpointStore } from './checkpoint/store.js';
import {
  captureTraining,
  restoreTraining,
  type StatefulModel,
  type TrainingHeader,
} from './checkpoint/training-state.js';
import type { BatchSource, TrainingData } from './data/batch-source.js';
import { disposeBatch } from './data/conditional.js';
import { draw, makeSource } from './data/make-source.js';
import { Events, type Progress } from './events.js';
import { Guard } from './guard.js';
import { Meter } from './meter.js';
import { captureOptimizer } from './optimizer-state.js';
import type { LoopConfig } from './options.js';
import { resolveStore } from './resolve-store.js';
import type { HistoryEntry, StopReason, TrainerStatus } from './types.js';
import { yieldToEventLoop } from './yield.js';

/** The loops a checkpoint can belong to (its header's `fn`). */
export type LoopKind = 'fit' | 'fitAdversarial' | 'fitEm';

/** What distinguishes the loops: the objective's step and what it owns. */
export interface LoopSpec {
  kind: LoopKind;
  model: StatefulModel;
  metrics: readonly string[];
  optimizers: Record<string, tf.Optimizer>;
  /** Batches one step consumes (k for the adversarial loop). */
  batchesPerStep: number;
  /** The batch stream, when not the default one (shuffled mini-batches or an iterable's). */
  source?: BatchSource;
  /** Settings a checkpoint must agree with to be resumed. */
  settings: TrainingHeader['settings'];
  /**
   * One training step: adds its losses to `meter`, flags non-finite values under `step`, and may
   * end the run (EM's convergence) by returning a reason.
   */
  step(
    batches: Batch[],
    rngs: Readonly<Record<string, Rng>>,
    meter: Meter,
    step: number,
  ): StopReason | undefined | Promise<StopReason | undefined>;
  validation?: { every: number; loss(rng: Rng): tf.Scalar };
  /** Asynchronous checks before the first step (finite data). */
  prepare?(): Promise<void>;
  /** Runs before the first step of a run that does not resume (EM's initialisation). */
  initialize?(): Promise<void>;
  /** Why a resumed run has already ended (EM that had converged), if it has. */
  ended?(): StopReason | undefined;
  /** The objective's own state, carried by checkpoints. */
  getState?(): unknown;
  setState?(state: unknown): void;
  /** Releases what the objective made (default optimisers). */
  dispose(): void;
}

/**
 * The loop every trainer shares, run step-wise: batches, steps, on-device loss accumulation read
 * every `logEvery` steps, NaN guard, validation, callbacks, abort, checkpoints and exact resume.
 * It starts lazily (resume, checkpoint store, `onTrainBegin`) on the first step, yields to the
 * event loop between steps so an abort or a UI frame gets through, and finishes (last read, last
 * checkpoint, `onTrainEnd`) once when the run ends.
 */
export class TrainingLoop {
  readonly fn: string;
  private readonly spec: LoopSpec;
  private readonly config: LoopConfig;
  private readonly rngs: Record<string, Rng>;
  private readonly source: BatchSource;
  private readonly meter: Meter;
  private readonly guard: Guard;
  private readonly events: Events;
  private readonly progress: Progress;
  private readonly parts: Parameters<typeof captureTraining>[0];
  private store: CheckpointStore | undefined;
  private runId: string | undefined;
  private lastSaved: number | undefined;
  private started = false;
  private reason: StopReason | undefined;
  private finished = false;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(spec: LoopSpec, config: LoopConfig, data: TrainingData<Batch>) {
    this.fn = config.fn;
    this.spec = spec;
    this.config = config;
    const [dataRng, lossRng, validationRng] = config.rng.split(3);
    this.rngs = { loss: lossRng!, validation: validationRng! };
    this.source =
      spec.source ?? makeSource(config.fn, data, config.batchSize, config.shuffle, dataRng!);
    this.meter = new Meter(spec.metrics);
    this.guard = new Guard(config.fn, config.nanGuard, spec.model);
    const callbacks = config.learningRate
      ? [learningRateScheduler(config.learningRate), ...config.callbacks]
      : config.callbacks;
    const bpe = this.source.batchesPerEpoch;
    const totalSteps =
      config.steps ??
      (bpe === undefined ? undefined : Math.ceil((config.epochs! * bpe) / spec.batchesPerStep));
    this.progress = { step: 0, epoch: 0, totalSteps, history: [] };
    this.events = new Events(spec.kind, callbacks, spec.optimizers, this.progress);
    this.parts = { model: spec.model, optimizers: spec.optimizers, rngs: this.rngs, callbacks };
  }

  /** Where the run stands (a snapshot). */
  status(): TrainerStatus {
    const { step, epoch, totalSteps, history } = this.progress;
    return {
      step,
      epoch,
      totalSteps,
      history: [...history],
      done: this.finished,
      stopReason: this.finished ? this.reason : undefined,
    };
  }

  /** Runs at most `steps` more steps (all remaining ones for Infinity), one call at a time. */
  run(steps: number): Promise<TrainerStatus> {
    return this.exclusive(async () => {
      await this.start();
      let left = steps;
      let lastYield = now();
      while (left > 0 && this.reason === undefined) {
        await this.oneStep();
        left -= 1;
        if (now() - lastYield >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = now();
        }
      }
      if (this.reason === undefined && this.config.signal?.aborted) this.reason = 'aborted';
      if (this.reason !== undefined) await this.finish(this.reason);
      return this.status();
    });
  }

  /** Writes a checkpoint of the current step now (after reading any pending losses). */
  save(): Promise<void> {
    return this.exclusive(async () => {
      if (this.config.checkpoint === undefined) {
        throw new InvalidArgumentError(
          `${this.fn}: save() needs the 'checkpoint' option ({ dir | store, every })`,
        );
      }
      await this.start();
      if (this.meter.pending) await this.read();
      if (this.progress.step > 0 && this.lastSaved !== this.progress.step) await this.write();
    });
  }

  /** Releases the loop's tensors and default optimisers; idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.meter.dispose();
    this.source.dispose();
    this.guard.dispose();
    this.spec.dispose();
  }

  // Calls run one after another even when a caller does not await (a UI firing two frames).
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(() => {
      if (this.disposed) {
        throw new InvalidArgumentError(`${this.fn}: the trainer has been disposed`);
      }
      return task();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { config, spec } = this;
    await spec.prepare?.();
    const checkpoint = config.checkpoint;
    if (checkpoint !== undefined) {
      this.store = await resolveStore(this.fn, 'checkpoint', checkpoint.target);
      // Fail now, not at the first checkpoint, for optimisers tfjs cannot save (Adamax).
      for (const [name, optimizer] of Object.entries(spec.optimizers)) {
        tf.dispose((await captureOptimizer(this.fn, optimizer, name)).tensors);
      }
    }
    if (config.resume !== undefined) {
      const resumed = await resolveStore(this.fn, 'resume', config.resume);
      const header = await restoreTraining(this.fn, spec.kind, resumed, this.parts, spec.settings);
      this.runId = header.runId;
      // Resuming into the directory or store it resumes from continues the run whose latest
      // checkpoint it is, and pruning spares any other run's; only a different target is read.
      if (this.store !== undefined && checkpoint!.target !== config.resume) {
        await assertStoreBelongsToRun(this.fn, checkpoint!.target, this.store, this.runId, true);
      }
      if (spec.setState !== undefined) spec.setState(header.loopState);
      await this.source.restore(header.data);
      Object.assign(this.progress, {
        step: header.step,
        epoch: header.epoch,
        history: header.history,
      });
      this.lastSaved = config.checkpoint?.target === config.resume ? header.step : undefined;
    } else {
      this.runId = newRunId();
      if (this.store !== undefined) {
        await assertStoreBelongsToRun(this.fn, checkpoint!.target, this.store, this.runId, false);
      }
      await spec.initialize?.();
    }
    this.guard.good(this.progress.step);
    await this.events.trainBegin();
    this.reason =
      this.events.stopRequested ?? spec.ended?.() ?? (this.complete() ? 'completed' : undefined);
  }

  private complete(): boolean {
    const { totalSteps, step, epoch } = this.progress;
    return (
      (totalSteps !== undefined && step >= totalSteps) ||
      (this.config.epochs !== undefined && epoch >= this.config.epochs)
    );
  }

  private async oneStep(): Promise<void> {
    const { config, spec, progress } = this;
    if (config.signal?.aborted) {
      this.reason = 'aborted';
      return;
    }
    const drawn = await draw(this.source, spec.batchesPerStep);
    if (drawn === undefined) {
      this.reason = 'data-exhausted';
      return;
    }
    let ended: StopReason | undefined;
    try {
      ended = await spec.step(drawn.batches, this.rngs, this.meter, progress.step + 1);
    } finally {
      drawn.batches.forEach(disposeBatch);
    }
    progress.step += 1;
    progress.epoch = this.source.position().epoch;
    const s = progress.step;
    const due = (every: number | undefined) => every !== undefined && s % every === 0;
    const checkpointDue = due(config.checkpoint?.every);
    const readNow =
      ended !== undefined ||
      due(config.logEvery) ||
      due(spec.validation?.every) ||
      checkpointDue ||
      this.complete();
    const logs = readNow ? await this.read() : undefined;
    await this.events.stepEnd(logs, drawn.epochsEnded);
    this.reason = ended ?? this.events.stopRequested ?? (this.complete() ? 'completed' : undefined);
    if (checkpointDue) await this.write();
  }

  private async read(): Promise<HistoryEntry> {
    const { progress, spec } = this;
    const { means, badStep } = await this.meter.read();
    this.guard.check(badStep, progress.step, this.lastSaved);
    const entry: Record<string, number> = { step: progress.step, epoch: progress.epoch, ...means };
    const v = spec.validation;
    if (v !== undefined && progress.step % v.every === 0) {
      const loss = tf.tidy(() => v.loss(this.rngs.validation!));
      entry.validationLoss = (await loss.data())[0]!;
      loss.dispose();
    }
    progress.history.push(entry as HistoryEntry);
    this.guard.good(progress.step);
    return entry as HistoryEntry;
  }

  private async write(): Promise<void> {
    const { progress, spec } = this;
    const bytes = await captureTraining(this.parts, {
      fn: spec.kind,
      ...(this.runId === undefined ? {} : { runId: this.runId }),
      step: progress.step,
      epoch: progress.epoch,
      settings: spec.settings,
      data: this.source.position(),
      history: progress.history,
      ...(spec.getState === undefined ? {} : { loopState: spec.getState() }),
    });
    await this.store!.save(progress.step, bytes);
    this.lastSaved = progress.step;
  }

  private async finish(reason: StopReason): Promise<void> {
    if (this.finished) return;
    if (this.meter.pending) await this.read();
    if (
      this.store !== undefined &&
      this.lastSaved !== this.progress.step &&
      this.progress.step > 0
    ) {
      await this.write();
    }
    this.finished = true;
    await this.events.trainEnd(reason);
  }
}

// Between steps the loop hands the event loop a turn at most this often: often enough that a
// Ctrl-C, an AbortSignal or a UI frame gets through within a step or so, rarely enough that the
// turn costs nothing measurable. Wall time decides only when to yield, never what is computed.
const YIELD_EVERY_MS = 15;

const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());
