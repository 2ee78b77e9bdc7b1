import {
  type AdversarialModel,
  type Batch,
  type EmModel,
  invalidArgument,
  isTrainable,
  type Trainable,
} from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainingData } from './data/batch-source.js';
import { type LoopSpec, TrainingLoop } from './loop.js';
import {
  ADVERSARIAL_KEYS,
  type AdversarialObjectiveOptions,
  adversarialObjective,
  isAdversarial,
} from './objectives/adversarial-objective.js';
import {
  EM_KEYS,
  type EmObjectiveOptions,
  emObjective,
  isEmModel,
} from './objectives/em-objective.js';
import {
  LOSS_KEYS,
  type LossObjectiveOptions,
  lossObjective,
} from './objectives/loss-objective.js';
import type { CommonOptions } from './options.js';
import { parseCommonOptions } from './parse-options.js';
import type { TrainerStatus } from './types.js';

/**
 * What a trainer optimises: `'loss'` minimises `model.loss(batch, rng)` (`fit`), `'adversarial'`
 * plays the GAN game (`fitAdversarial`), `'em'` runs `model.emStep(x)` (`fitEm`).
 */
export type TrainerKind = 'loss' | 'adversarial' | 'em';

/** Options of {@link createTrainer}: the common ones plus those of its kind. */
export interface TrainerOptions<B extends Batch = tf.Tensor>
  extends CommonOptions,
    LossObjectiveOptions<B>,
    AdversarialObjectiveOptions,
    EmObjectiveOptions {
  /**
   * Default: `'adversarial'` for a model with `discriminatorLoss` and `generatorLoss`, else
   * `'loss'` for one with `loss`, else `'em'` for one with `emStep`.
   */
  kind?: TrainerKind;
}

/**
 * A training run that advances when asked: `step()` and `run(steps)` resolve after that many
 * steps with the {@link TrainerStatus}, so a browser can train a few steps per animation frame or
 * a Web Worker can train in chunks between messages. Everything `fit` offers works the same
 * (callbacks, schedules, NaN guard, clipping, checkpoints, exact resume), because `fit`,
 * `fitAdversarial` and `fitEm` are this trainer run to the end.
 */
export interface Trainer {
  readonly kind: TrainerKind;
  /** Where the run stands now. */
  readonly status: TrainerStatus;
  /** One step (`run(1)`). */
  step(): Promise<TrainerStatus>;
  /**
   * Up to `steps` more steps (default: to the end of the run). Resolves early when the run ends:
   * then the last losses are read, the last checkpoint written and `onTrainEnd` called, and
   * `status.done` is true. Calls queue up: a second `run` starts when the first resolves.
   */
  run(steps?: number): Promise<TrainerStatus>;
  /** Writes a checkpoint of the current step now (needs the `checkpoint` option). */
  save(): Promise<void>;
  /** Releases the trainer's tensors and the optimisers it made; the model stays yours. */
  dispose(): void;
}

const EM_OMITS = ['batchSize', 'shuffle', 'learningRate', 'clipNorm', 'clipValue', 'nanGuard'];

function detectKind(fn: string, model: unknown): TrainerKind {
  if (isAdversarial(model)) return 'adversarial';
  if (isTrainable(model)) return 'loss';
  if (isEmModel(model)) return 'em';
  throw invalidArgument(
    fn,
    'model',
    model,
    'must be a Trainable (loss), an AdversarialModel (discriminatorLoss, generatorLoss) or an EM model (emStep) with live variables',
  );
}

/** @internal The trainer behind `createTrainer`, `fit`, `fitAdversarial` and `fitEm`. */
export function makeTrainer(
  fn: string,
  kind: TrainerKind | undefined,
  model: unknown,
  data: TrainingData<Batch>,
  options: TrainerOptions<Batch>,
): Trainer {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object with steps or epochs');
  }
  const chosen = kind ?? options.kind ?? detectKind(fn, model);
  if (chosen !== 'loss' && chosen !== 'adversarial' && chosen !== 'em') {
    throw invalidArgument(fn, 'kind', chosen, "must be 'loss', 'adversarial' or 'em'");
  }
  const own = kind === undefined ? ['kind'] : [];
  let spec: LoopSpec;
  let config: ReturnType<typeof parseCommonOptions>;
  if (chosen === 'em') {
    const o =
      options.steps === undefined && options.epochs === undefined
        ? { ...options, steps: 100 }
        : options;
    config = parseCommonOptions(fn, data, o, [...EM_KEYS, ...own], EM_OMITS);
    spec = emObjective(model as EmModel, data, o, config);
  } else if (chosen === 'adversarial') {
    config = parseCommonOptions(fn, data, options, [...ADVERSARIAL_KEYS, ...own]);
    spec = adversarialObjective(model as AdversarialModel<Batch>, data, options, config);
  } else {
    config = parseCommonOptions(fn, data, options, [...LOSS_KEYS, ...own]);
    spec = lossObjective(model as Trainable<Batch>, data, options, config);
  }
  const loop = new TrainingLoop(spec, config, data);
  return {
    kind: chosen,
    get status() {
      return loop.status();
    },
    step: () => loop.run(1),
    run: (steps = Number.POSITIVE_INFINITY) => {
      if (!(steps === Number.POSITIVE_INFINITY || (Number.isInteger(steps) && steps >= 0))) {
        return Promise.reject(
          invalidArgument(`${fn}: run`, 'steps', steps, 'must be an integer >= 0 or Infinity'),
        );
      }
      return loop.run(steps);
    },
    save: () => loop.save(),
    dispose: () => loop.dispose(),
  };
}

/**
 * The step-wise trainer: validates everything now, starts (resume, checkpoint store,
 * `onTrainBegin`) on the first `step()`/`run()`, and trains as far as it is asked. `fit`,
 * `fitAdversarial` and `fitEm` are this trainer run to the end, with the same options.
 *
 * `data` is a tensor, a conditional dataset `{ x, condition }` (shuffled and sliced together;
 * the model receives `{ x, condition }` batches), an (async) iterable of either kind of batch,
 * or `null` (see {@link TrainingData}).
 *
 * Tensor data (`x` and `condition` of a pair, and `validation.data`) is checked for NaN and ±Inf
 * once, with one asynchronous read each, before the first step; the model's loss (`loss`, `discriminatorLoss`, the synchronous
 * part of `emStep`) then runs inside `withoutFiniteChecks` from `@gen/core`, so the models'
 * own per-call input checks do not cost a read every step. An iterable's batches are not
 * checked up front, so its losses keep those checks.
 *
 * Checkpoints belong to one run: a fresh run gets a random run id, written into every
 * checkpoint and kept when the run is resumed. A fresh run whose `checkpoint` directory or
 * store already holds checkpoints (of another run, by definition) is refused with
 * `InvalidArgumentError` before anything is written, and so is a resumed run whose
 * `checkpoint` target holds another run's; resume it, or use an empty directory.
 *
 * The loop hands the event loop a turn every ~15 ms, so an `AbortSignal` (or a SIGINT handler
 * that aborts it) ends the run within a step on every backend; the run then reads its last
 * losses and, with `checkpoint`, writes a final checkpoint before it resolves.
 *
 * ```ts
 * const trainer = createTrainer(flow, x, { steps: 5000, batchSize: 256, learningRate: 1e-3 });
 * const frame = async () => {
 *   const { step, history, done } = await trainer.run(20); // 20 steps per animation frame
 *   draw(history.at(-1));
 *   if (done) trainer.dispose();
 *   else requestAnimationFrame(frame);
 * };
 * requestAnimationFrame(frame);
 * ```
 */
export function createTrainer<B extends Batch = tf.Tensor>(
  model: Trainable<B> | AdversarialModel<B> | EmModel,
  data: TrainingData<B>,
  options: TrainerOptions<B>,
): Trainer {
  return makeTrainer('createTrainer', undefined, model, data, options);
}
