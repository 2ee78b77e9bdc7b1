import { InvalidArgumentError, initBackend } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuadraticGame } from '../../test/games.js';
import { FnModel, GaussianModel } from '../../test/models.js';
import { fit } from '../fit.js';
import { fitAdversarial } from '../fit-adversarial.js';
import { jsonLinesLogger } from './json-lines-logger.js';

beforeAll(async () => {
  await initBackend('cpu');
});

type Row = Record<string, number | string | null>;

/** A logger whose lines collect in `lines`. */
function collect() {
  const lines: string[] = [];
  return { lines, logger: jsonLinesLogger({ write: (line) => void lines.push(line) }) };
}

const parse = (lines: string[]) => lines.map((line) => JSON.parse(line) as Row);

describe('jsonLinesLogger', () => {
  it('writes a start record, one record per history row with every metric, and an end record', async () => {
    const x = tf.tensor2d([[1], [2], [3], [4], [5], [6]]);
    const held = tf.tensor2d([[0], [1]]);
    const model = new GaussianModel(1);
    const { lines, logger } = collect();
    const result = await fit(model, x, {
      steps: 12,
      batchSize: 2,
      logEvery: 2,
      validation: { data: held, every: 3 },
      callbacks: [logger],
    });
    for (const line of lines) expect(line).not.toContain('\n');
    const records = parse(lines);
    expect(records[0]).toEqual({
      type: 'start',
      step: 0,
      epoch: 0,
      time: expect.any(Number),
      fn: 'fit',
      totalSteps: 12,
    });
    expect(records.at(-1)).toEqual({
      type: 'end',
      step: 12,
      epoch: 4,
      time: expect.any(Number),
      stopReason: 'completed',
    });
    const steps = records.filter((r) => r.type === 'step');
    // The history the run resolves with is the oracle: same rows, same values, same order.
    expect(steps.map(({ type, time, ...row }) => row)).toEqual(result.history);
    expect(steps.map((r) => r.step)).toEqual([2, 3, 4, 6, 8, 9, 10, 12]);
    expect(steps.filter((r) => 'validationLoss' in r).map((r) => r.step)).toEqual([3, 6, 9, 12]);
    const times = records.map((r) => r.time as number);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
    expect(times[0]).toBeGreaterThanOrEqual(0);
    tf.dispose([x, held]);
    model.dispose();
  });

  it('`every` keeps the rows at its multiples and every row with validation metrics', async () => {
    const x = tf.tensor2d([[1], [2], [3], [4]]);
    const held = tf.tensor2d([[0]]);
    const model = new GaussianModel(1);
    const lines: string[] = [];
    await fit(model, x, {
      steps: 12,
      logEvery: 1,
      validation: { data: held, every: 5 },
      callbacks: [jsonLinesLogger({ write: (l) => void lines.push(l), every: 4 })],
    });
    const steps = parse(lines).filter((r) => r.type === 'step');
    expect(steps.map((r) => r.step)).toEqual([4, 5, 8, 10, 12]);
    tf.dispose([x, held]);
    model.dispose();
  });

  it("logs both players' losses of fitAdversarial and awaits an async sink in order", async () => {
    const x = tf.zeros([4, 1]);
    const model = new QuadraticGame(false);
    const lines: string[] = [];
    const write = async (line: string) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      lines.push(line);
    };
    await fitAdversarial(model, x, {
      steps: 4,
      batchSize: 2,
      logEvery: 2,
      discriminatorOptimizer: tf.train.sgd(0.1),
      generatorOptimizer: tf.train.sgd(0.1),
      callbacks: [jsonLinesLogger({ write })],
    });
    const records = parse(lines);
    expect(records.map((r) => r.type)).toEqual(['start', 'step', 'step', 'end']);
    expect(records[0]!.fn).toBe('fitAdversarial');
    for (const r of records.slice(1, 3)) {
      expect(Object.keys(r).sort()).toEqual(
        ['discriminatorLoss', 'epoch', 'generatorLoss', 'step', 'time', 'type'].sort(),
      );
    }
    x.dispose();
    model.dispose();
  });

  it('writes NaN and ±Infinity as strings that Number() reads back', async () => {
    // With the guard off, a loss that is each non-finite value in turn reaches the log.
    const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const x = tf.zeros([2, 1]);
    let calls = 0;
    // The weight's gradient is 0, so it stays finite and only the loss value is not.
    const model = new FnModel([1], (w) =>
      tf.add(tf.mul(tf.sum(w), 0), values[Math.min(calls++, 2)]!),
    );
    const { lines, logger } = collect();
    await fit(model, x, {
      steps: 3,
      logEvery: 1,
      nanGuard: false,
      callbacks: [logger],
    });
    const losses = parse(lines)
      .filter((r) => r.type === 'step')
      .map((r) => r.loss);
    expect(losses).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect(losses.map(Number)).toEqual(values);
    x.dispose();
    model.dispose();
  });

  it('ends with an end record when the signal aborts the run', async () => {
    const x = tf.tensor2d([[1], [2]]);
    const model = new GaussianModel(1);
    const controller = new AbortController();
    const { lines, logger } = collect();
    const result = await fit(model, x, {
      steps: 100,
      logEvery: 3,
      signal: controller.signal,
      callbacks: [logger, { onStepEnd: (e) => void (e.step === 5 && controller.abort()) }],
    });
    expect(result.stopReason).toBe('aborted');
    const records = parse(lines);
    // The abort's last read makes a row at step 5, before the end record.
    expect(records.slice(-2)).toEqual([
      expect.objectContaining({ type: 'step', step: 5 }),
      expect.objectContaining({ type: 'end', step: 5, stopReason: 'aborted' }),
    ]);
    x.dispose();
    model.dispose();
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d([[1], [2], [3]]);
    const model = new GaussianModel(1);
    await expectNoLeak(async () => {
      await fit(model, x, { steps: 6, logEvery: 2, callbacks: [collect().logger] });
    });
    x.dispose();
    model.dispose();
  });

  it('refuses bad options with a typed error naming the argument', () => {
    expect(() => jsonLinesLogger({ write: () => undefined, evry: 2 } as never)).toThrow(
      InvalidArgumentError,
    );
    expect(() => jsonLinesLogger({ write: () => undefined, evry: 2 } as never)).toThrow(
      /jsonLinesLogger.*evry/,
    );
    expect(() => jsonLinesLogger({ write: 'stdout' } as never)).toThrow(
      'jsonLinesLogger: argument \'write\' must be a function, got "stdout"',
    );
    expect(() => jsonLinesLogger({ write: () => undefined, every: 0 })).toThrow(
      "jsonLinesLogger: argument 'every' must be an integer >= 1, got 0",
    );
    expect(() => jsonLinesLogger(undefined as never)).toThrow(InvalidArgumentError);
  });
});
