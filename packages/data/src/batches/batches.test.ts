import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { values } from '../../test/support.js';
import { bernoulliBinarize } from '../binarize.js';
import { type BatchOptions, batches } from './batches.js';

let x: tf.Tensor2D;

beforeAll(async () => {
  await initBackend('cpu');
  // Row r is [r, −r], so a batch tells which rows it holds.
  x = tf.tidy(() => tf.stack([tf.range(0, 10), tf.neg(tf.range(0, 10))], 1)) as tf.Tensor2D;
});

afterAll(() => {
  x.dispose();
});

/** The row numbers of every batch the iterator yields (reads and lets it dispose). */
async function rowsOf(options: BatchOptions, data: tf.Tensor = x): Promise<number[][]> {
  const out: number[][] = [];
  for (const batch of batches(data, options)) {
    const v = await values(batch);
    out.push(v.filter((_, i) => i % 2 === 0));
  }
  return out;
}

describe('batches', () => {
  it('without shuffling yields consecutive rows, the last batch smaller unless dropLast', async () => {
    expect(await rowsOf({ batchSize: 4, shuffle: false })).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(await rowsOf({ batchSize: 4, shuffle: false, dropLast: true })).toHaveLength(2);
    const it3 = batches(x, { batchSize: 3 });
    expect(it3.batchesPerEpoch).toBe(4);
    expect(batches(x, { batchSize: 3, dropLast: true }).batchesPerEpoch).toBe(3);
    const first = it3.next().value!;
    expect(first.shape).toEqual([3, 2]);
    it3.return();
  });

  it('shuffles each epoch into a fresh permutation of all rows, reproducibly', async () => {
    const seq = await rowsOf({ batchSize: 4, seed: 1, epochs: 3 });
    expect(seq).toHaveLength(9);
    const epochs = [0, 1, 2].map((e) => seq.slice(3 * e, 3 * e + 3).flat());
    for (const rowsOfEpoch of epochs) {
      expect([...rowsOfEpoch].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[0]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await rowsOf({ batchSize: 4, seed: 1, epochs: 3 })).toEqual(seq);
    expect(await rowsOf({ batchSize: 4, rng: Rng.fromSeed(1), epochs: 3 })).toEqual(seq);
    expect(await rowsOf({ batchSize: 4, seed: 2, epochs: 3 })).not.toEqual(seq);
  });

  it('reports its position and advances the caller’s Rng by one draw', () => {
    const rng = Rng.fromSeed(3);
    const it = batches(x, { batchSize: 4, rng, epochs: 2 });
    expect(rng.getState().counter).toBe(1);
    expect(it.rngState).toEqual(Rng.fromSeed(3).getState());
    const seen = [it.position];
    for (const _ of it) seen.push(it.position);
    expect(seen).toEqual([
      { epoch: 0, index: 0 },
      { epoch: 0, index: 1 },
      { epoch: 0, index: 2 },
      { epoch: 1, index: 0 },
      { epoch: 1, index: 1 },
      { epoch: 1, index: 2 },
      { epoch: 2, index: 0 },
    ]);
  });

  it('resumes from any position with the saved Rng state, exactly (also after JSON)', async () => {
    const options = { batchSize: 3, epochs: 3, map: bernoulliBinarize };
    const grey = tf.tidy(() => tf.div(tf.add(x, 10), 20));
    const full: number[][] = [];
    for (const batch of batches(grey, { ...options, rng: Rng.fromSeed(4) })) {
      full.push(await values(batch));
    }
    expect(full).toHaveLength(12);
    expect(full.flat().every((v) => v === 0 || v === 1)).toBe(true);
    for (let k = 0; k <= 12; k++) {
      const original = batches(grey, { ...options, rng: Rng.fromSeed(4) });
      for (let i = 0; i < k; i++) original.next();
      const saved = JSON.parse(
        JSON.stringify({ position: original.position, rngState: original.rngState }),
      );
      original.return();
      const resumed = batches(grey, {
        ...options,
        rng: Rng.fromState(saved.rngState),
        start: saved.position,
      });
      const rest: number[][] = [];
      for (const batch of resumed) rest.push(await values(batch));
      expect(rest, `resumed after ${k} batches`).toEqual(full.slice(k));
    }
    grey.dispose();
  });

  it('gives map a fresh Rng per batch: the same rows binarise differently each epoch', async () => {
    const half = tf.fill([10, 50], 0.5);
    const it = batches(half, { batchSize: 10, shuffle: false, epochs: 2, map: bernoulliBinarize });
    const first = await values(it.next().value!);
    const second = await values(it.next().value!);
    expect(first).not.toEqual(second);
    it.return();
    half.dispose();
  });

  it('runs for ever with epochs: Infinity', async () => {
    const it = batches(x, { batchSize: 4, epochs: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 25; i++) expect(it.next().done).toBe(false);
    expect(it.position).toEqual({ epoch: 8, index: 1 });
    it.return();
  });

  it('disposes every batch itself: nothing leaks over full epochs or after a break', async () => {
    const big = tf.zeros([1000, 8]);
    const before = tf.memory().numTensors;
    let maxLive = 0;
    for (const batch of batches(big, {
      batchSize: 32,
      seed: 5,
      epochs: 2,
      map: bernoulliBinarize,
    })) {
      tf.sum(batch).dispose();
      maxLive = Math.max(maxLive, tf.memory().numTensors - before);
    }
    expect(maxLive).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    for (const batch of batches(big, { batchSize: 32 })) {
      if (batch.shape[0] === 32) break;
    }
    expect(tf.memory().numTensors).toBe(before);
    await expectNoLeak(() => {
      const it = batches(big, { batchSize: 100 });
      it.next();
      it.next();
      it.return();
    });
    expect(big.isDisposed).toBe(false);
    big.dispose();
  });

  it('stops after return(), keeping its position', () => {
    const it = batches(x, { batchSize: 4 });
    it.next();
    it.return();
    expect(it.next().done).toBe(true);
    expect(it.position).toEqual({ epoch: 0, index: 1 });
  });

  it('rejects bad arguments with typed errors naming them', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => batches(x, { batchSize: 0 }),
        /batches: argument 'batchSize' must be an integer >= 1, got 0/,
      ],
      [
        () => batches(x, { batchSize: 11, dropLast: true }),
        /argument 'batchSize' must be <= the 10 rows of x when dropLast is true, got 11/,
      ],
      [() => batches(x, { batchSize: 2, size: 3 } as never), /batches: unknown option 'size'/],
      [
        () => batches(x, { batchSize: 2, epochs: 0 }),
        /argument 'epochs' must be an integer >= 1, got 0/,
      ],
      [
        () => batches(x, { batchSize: 2, shuffle: 'yes' } as never),
        /argument 'shuffle' must be a boolean, got "yes"/,
      ],
      [
        () => batches(x, { batchSize: 2, start: { epoch: 0, index: 5 } }),
        /argument 'start.index' must be an integer in \[0, 4\], got 5/,
      ],
      [
        () => batches(x, { batchSize: 2, start: { epoch: -1, index: 0 } }),
        /argument 'start.epoch' .* got -1/,
      ],
      [
        () => batches(x, { batchSize: 2, start: { epoch: 0, batch: 0 } } as never),
        /unknown option 'batch'/,
      ],
      [
        () => batches(x, { batchSize: 2, start: 3 } as never),
        /argument 'start' must be a position/,
      ],
      [() => batches(x, { batchSize: 2, map: 1 } as never), /argument 'map' must be a function/],
      [() => batches([1, 2] as never, { batchSize: 2 }), /argument 'x' must be a live tf.Tensor/],
      [() => batches(tf.scalar(1), { batchSize: 2 }), /argument 'x' must have at least one row/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
    const it = batches(x, { batchSize: 2, map: () => 'nope' as never });
    expect(() => it.next()).toThrow(/argument 'map' must return a live tf.Tensor/);
    const doomed = tf.ones([4, 1]);
    const over = batches(doomed, { batchSize: 2 });
    over.next();
    doomed.dispose();
    expect(() => over.next()).toThrow(/'x' was disposed during iteration/);
  });
});
