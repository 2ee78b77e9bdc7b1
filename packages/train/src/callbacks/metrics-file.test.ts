import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import type * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GaussianModel } from '../../test/models.js';
import { memoryCheckpointStore } from '../checkpoint/store.js';
import { type FitOptions, fit } from '../fit.js';
import type { Callback } from '../types.js';
import { metricsFile } from './metrics-file.js';

const work = mkdtempSync(join(tmpdir(), 'gen-metrics-file-'));
let x: tf.Tensor2D;
beforeAll(async () => {
  await initBackend('cpu');
  x = Rng.fromSeed(3).normal([20, 2], 1, 2) as tf.Tensor2D;
});
afterAll(() => {
  x.dispose();
  rmSync(work, { recursive: true, force: true });
});

type Row = Record<string, number | string | null>;
const records = (path: string): Row[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Row);
const stepRows = (rows: Row[]) =>
  rows.filter((r) => r.type === 'step').map(({ type, time, ...row }) => row);

const options = (callbacks: Callback[], extra: Partial<FitOptions> = {}): FitOptions => ({
  steps: 16,
  batchSize: 5,
  logEvery: 2,
  rng: Rng.fromSeed(1),
  callbacks,
  ...extra,
});

describe('metricsFile', () => {
  it('creates its directory and writes the run; a fresh run replaces the file', async () => {
    const path = join(work, 'fresh', 'deep', 'metrics.jsonl');
    const model = new GaussianModel(2);
    const result = await fit(model, x, options([metricsFile(path)]));
    const rows = records(path);
    expect(rows.map((r) => r.type)).toEqual(['start', ...Array(8).fill('step'), 'end']);
    expect(stepRows(rows)).toEqual(result.history);
    await fit(new GaussianModel(2), x, options([metricsFile(path)], { steps: 4 }));
    expect(records(path).map((r) => r.step)).toEqual([0, 2, 4, 4]);
    model.dispose();
  });

  it('resumed after a crash, it drops the steps past the checkpoint and matches an uninterrupted run', async () => {
    const straight = new GaussianModel(2);
    const oracle = await fit(straight, x, options([]));
    straight.dispose();

    const path = join(work, 'resumed.jsonl');
    const store = memoryCheckpointStore();
    const crash: Callback = {
      onStepEnd: ({ step }) => {
        if (step === 11) throw new Error('killed');
      },
    };
    const first = new GaussianModel(2);
    await expect(
      fit(first, x, options([metricsFile(path), crash], { checkpoint: { store, every: 4 } })),
    ).rejects.toThrow('killed');
    first.dispose();
    // The crashed process logged steps 9 and 10 after its last checkpoint (step 8), and was
    // killed in the middle of a line.
    expect(records(path).at(-1)).toMatchObject({ type: 'step', step: 10 });
    const kept = records(path).filter((r) => (r.step as number) <= 8);
    const before = Math.max(...kept.map((r) => r.time as number));
    appendFileSync(path, '{"type":"step","st');

    const second = new GaussianModel(2);
    await fit(
      second,
      x,
      options([metricsFile(path)], { checkpoint: { store, every: 4 }, resume: store }),
    );
    second.dispose();
    const rows = records(path);
    expect(rows.map((r) => `${r.type}@${r.step}`)).toEqual([
      'start@0',
      ...[2, 4, 6, 8].map((s) => `step@${s}`),
      'start@8',
      ...[10, 12, 14, 16].map((s) => `step@${s}`),
      'end@16',
    ]);
    // An exact resume: every logged value is the uninterrupted run's.
    expect(stepRows(rows)).toEqual(oracle.history);
    const resumedAt = rows.find((r) => r.type === 'start' && r.step === 8)!;
    expect(resumedAt.time).toBeGreaterThanOrEqual(before);
    const times = rows.map((r) => r.time as number);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
  });

  it('flushes an end record when the signal aborts, and resuming continues after it', async () => {
    const path = join(work, 'aborted.jsonl');
    const store = memoryCheckpointStore();
    const controller = new AbortController();
    const stopAt7: Callback = { onStepEnd: (e) => void (e.step === 7 && controller.abort()) };
    const model = new GaussianModel(2);
    const aborted = await fit(
      model,
      x,
      options([metricsFile(path), stopAt7], {
        signal: controller.signal,
        checkpoint: { store, every: 100 },
      }),
    );
    expect(aborted.stopReason).toBe('aborted');
    expect(records(path).slice(-2)).toEqual([
      expect.objectContaining({ type: 'step', step: 7 }),
      expect.objectContaining({ type: 'end', step: 7, stopReason: 'aborted' }),
    ]);
    await fit(model, x, options([metricsFile(path)], { resume: store }));
    const rows = records(path);
    expect(rows.map((r) => `${r.type}@${r.step}`)).toEqual([
      'start@0',
      ...[2, 4, 6, 7].map((s) => `step@${s}`),
      'end@7',
      'start@7',
      ...[8, 10, 12, 14, 16].map((s) => `step@${s}`),
      'end@16',
    ]);
    model.dispose();
  });

  it('follows a path function to a directory that moved during the run', async () => {
    let dir = join(work, 'staged');
    const moveAt4: Callback = {
      onStepEnd: ({ step }) => {
        if (step !== 4) return;
        renameSync(dir, join(work, 'final'));
        dir = join(work, 'final');
      },
    };
    const model = new GaussianModel(2);
    await fit(model, x, options([metricsFile(() => join(dir, 'm.jsonl')), moveAt4]));
    expect(records(join(work, 'final', 'm.jsonl')).map((r) => r.step)).toEqual([
      0, 2, 4, 6, 8, 10, 12, 14, 16, 16,
    ]);
    model.dispose();
  });

  it('leaks no tensors', async () => {
    const model = new GaussianModel(2);
    await expectNoLeak(async () => {
      await fit(model, x, options([metricsFile(join(work, 'leak.jsonl'))]));
    });
    model.dispose();
  });

  it('refuses bad arguments with a typed error naming them', () => {
    expect(() => metricsFile('')).toThrow("metricsFile: argument 'path' must be a non-empty");
    expect(() => metricsFile(3 as never)).toThrow(InvalidArgumentError);
    expect(() => metricsFile('m.jsonl', { every: 1.5 })).toThrow(
      "metricsFile: argument 'every' must be an integer >= 1, got 1.5",
    );
    expect(() => metricsFile('m.jsonl', { flush: true } as never)).toThrow(/metricsFile.*flush/);
  });
});
