import {
  assertInteger,
  assertKnownOptions,
  assertPositive,
  type Batch,
  InvalidArgumentError,
  invalidArgument,
  Rng,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertStore } from './checkpoint/store.js';
import type { TrainingData } from './data/batch-source.js';
import { assertConditional, isIterable } from './data/conditional.js';
import { COMMON_KEYS, type CommonOptions, type LoopConfig } from './options.js';
import type { Callback, LearningRateSchedule } from './types.js';

function parseData(fn: string, data: unknown, o: CommonOptions): number | undefined {
  if (data === null) {
    for (const key of ['batchSize', 'shuffle', 'epochs'] as const) {
      if (o[key] !== undefined) {
        throw invalidArgument(fn, key, o[key], 'needs data (data is null: count the run in steps)');
      }
    }
    return undefined;
  }
  if (data instanceof tf.Tensor) {
    if (data.isDisposed || data.rank === 0 || data.shape[0] === 0) {
      throw invalidArgument(fn, 'data', data, 'must be a live tensor [n, ...] with n >= 1');
    }
    return parseBatchSize(fn, data.shape[0]!, o);
  }
  if (typeof data === 'object' && !isIterable(data)) {
    assertConditional(fn, 'data', data);
    if (data.x.shape[0] === 0) {
      throw invalidArgument(fn, 'data.x', data.x, 'must have n >= 1 rows');
    }
    return parseBatchSize(fn, data.x.shape[0]!, o);
  }
  if (!isIterable(data)) {
    throw invalidArgument(
      fn,
      'data',
      data,
      'must be a tensor, a conditional dataset { x, condition } or an (async) iterable of batches',
    );
  }
  for (const key of ['batchSize', 'shuffle'] as const) {
    if (o[key] !== undefined) {
      throw invalidArgument(
        fn,
        key,
        o[key],
        'applies only to tensor data (an iterable yields its own batches)',
      );
    }
  }
  return undefined;
}

function parseBatchSize(fn: string, n: number, o: CommonOptions): number {
  const batchSize = o.batchSize ?? Math.min(32, n);
  assertInteger(fn, 'batchSize', batchSize, 1, n);
  return batchSize;
}

function parseCheckpoint(fn: string, value: unknown): LoopConfig['checkpoint'] {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') {
    throw invalidArgument(fn, 'checkpoint', value, 'must be { dir | store, every }');
  }
  assertKnownOptions(`${fn}: checkpoint`, value, ['dir', 'store', 'every']);
  const { dir, store, every } = value as { dir?: unknown; store?: unknown; every?: unknown };
  if ((dir === undefined) === (store === undefined)) {
    throw invalidArgument(fn, 'checkpoint', value, "needs exactly one of 'dir' and 'store'");
  }
  assertInteger(fn, 'checkpoint.every', every, 1);
  if (store !== undefined) {
    assertStore(fn, 'checkpoint.store', store);
    return { target: store, every };
  }
  if (typeof dir !== 'string' || dir.length === 0) {
    throw invalidArgument(fn, 'checkpoint.dir', dir, 'must be a non-empty string');
  }
  return { target: dir, every };
}

function parseCallbacks(fn: string, value: unknown): Callback[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgument(fn, 'callbacks', value, 'must be an array');
  value.forEach((c, i) => {
    if (c === null || typeof c !== 'object') {
      throw invalidArgument(fn, `callbacks[${i}]`, c, 'must be a callback object');
    }
  });
  return [...value];
}

/**
 * Validates the options every loop shares; `extra` lists the loop's own option names and `omit`
 * the common ones that do not apply to it.
 */
export function parseCommonOptions(
  fn: string,
  data: TrainingData<Batch>,
  options: CommonOptions,
  extra: readonly string[],
  omit: readonly string[] = [],
): LoopConfig {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(fn, 'options', options, 'must be an options object with steps or epochs');
  }
  assertKnownOptions(fn, options, [...COMMON_KEYS.filter((k) => !omit.includes(k)), ...extra]);
  const o = options;
  if ((o.steps === undefined) === (o.epochs === undefined)) {
    throw new InvalidArgumentError(
      `${fn}: give exactly one of 'steps' and 'epochs', got steps ${o.steps} and epochs ${o.epochs}`,
    );
  }
  if (o.steps !== undefined) assertInteger(fn, 'steps', o.steps, 1);
  if (o.epochs !== undefined) assertInteger(fn, 'epochs', o.epochs, 1);
  const batchSize = parseData(fn, data, o);
  if (o.shuffle !== undefined && typeof o.shuffle !== 'boolean') {
    throw invalidArgument(fn, 'shuffle', o.shuffle, 'must be a boolean');
  }
  let learningRate: LearningRateSchedule | undefined;
  if (typeof o.learningRate === 'number') {
    assertPositive(fn, 'learningRate', o.learningRate);
    const lr = o.learningRate;
    learningRate = () => lr;
  } else if (o.learningRate !== undefined) {
    if (typeof o.learningRate !== 'function') {
      throw invalidArgument(
        fn,
        'learningRate',
        o.learningRate,
        'must be a number > 0 or a schedule',
      );
    }
    learningRate = o.learningRate;
  }
  if (o.clipNorm !== undefined) assertPositive(fn, 'clipNorm', o.clipNorm);
  if (o.clipValue !== undefined) assertPositive(fn, 'clipValue', o.clipValue);
  const rng = o.rng ?? Rng.fromSeed(0);
  if (typeof (rng as Partial<Rng>).split !== 'function') {
    throw invalidArgument(fn, 'rng', rng, 'must be an Rng from @gen/core');
  }
  const logEvery = o.logEvery ?? 10;
  assertInteger(fn, 'logEvery', logEvery, 1);
  if (o.signal !== undefined && typeof (o.signal as Partial<AbortSignal>)?.aborted !== 'boolean') {
    throw invalidArgument(fn, 'signal', o.signal, 'must be an AbortSignal');
  }
  if (o.resume !== undefined && typeof o.resume !== 'string') assertStore(fn, 'resume', o.resume);
  if (o.resume === '')
    throw invalidArgument(fn, 'resume', o.resume, 'must be a non-empty directory');
  const nanGuard = o.nanGuard ?? 'stop';
  if (nanGuard !== 'stop' && nanGuard !== 'restore' && nanGuard !== false) {
    throw invalidArgument(fn, 'nanGuard', nanGuard, "must be 'stop', 'restore' or false");
  }
  return {
    fn,
    steps: o.steps,
    epochs: o.epochs,
    batchSize,
    shuffle: o.shuffle ?? true,
    learningRate,
    clip: { clipNorm: o.clipNorm, clipValue: o.clipValue },
    rng,
    callbacks: parseCallbacks(fn, o.callbacks),
    logEvery,
    signal: o.signal,
    checkpoint: parseCheckpoint(fn, o.checkpoint),
    resume: o.resume,
    nanGuard,
  };
}

/** Throws unless `value` is a tfjs optimiser. */
export function assertOptimizer(
  fn: string,
  arg: string,
  value: unknown,
): asserts value is tf.Optimizer {
  if (!(value instanceof tf.Optimizer)) {
    throw invalidArgument(fn, arg, value, 'must be a tf.Optimizer (e.g. tf.train.adam())');
  }
}
