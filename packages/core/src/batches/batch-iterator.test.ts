import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { InvalidArgumentError } from '../errors.js';
import { Rng, threefry2x32 } from '../rng.js';
import { describeBackends, expectNoLeak } from '../testing/index.js';
import { type BatchOptions, batches } from './batch-iterator.js';

// Row r of X is [r, −r], so a batch tells which rows it holds.
const N = 10;
let x: tf.Tensor2D;

/** Makes X on the backend of the enclosing suite (after its `initBackend`). */
function withRows(): void {
  beforeAll(() => {
    x = tf.tidy(() => tf.stack([tf.range(0, N), tf.neg(tf.range(0, N))], 1)) as tf.Tensor2D;
  });
  afterAll(() => {
    x.dispose();
  });
}

const rowsOf = async (batch: tf.Tensor) =>
  Array.from(await batch.data()).filter((_, i) => i % 2 === 0);

/** The documented seeding rule, written out independently of the iterator's helpers. */
function expectedOrder(seed: number, epoch: number): number[] {
  const root = Rng.fromSeed(seed).nextUint32Pair();
  const epochKey = threefry2x32(root, [epoch >>> 0, Math.floor(epoch / 2 ** 32) >>> 0]);
  const key = threefry2x32(epochKey, [0, 0]);
  return [...Rng.fromState({ version: 1, key, counter: 0 }).permutation(N)];
}

describeBackends('batches (core)', () => {
  withRows();
  it('orders epoch e by the documented rule: a pure function of the root draw and e', async () => {
    const it = batches(x, { batchSize: 4, seed: 11, epochs: 3 });
    const seen: number[][] = [[], [], []];
    for (;;) {
      const { epoch } = it.position;
      const batch = it.take();
      if (batch === undefined) break;
      seen[epoch]!.push(...(await rowsOf(batch)));
      batch.dispose();
    }
    for (let e = 0; e < 3; e++) expect(seen[e], `epoch ${e}`).toEqual(expectedOrder(11, e));
  });

  it('gives map the Rng of the batch position: threefry2x32(k_e, [i, 1])', async () => {
    const draws: number[] = [];
    const it = batches(x, {
      batchSize: 5,
      seed: 3,
      epochs: 2,
      shuffle: false,
      map: (batch, rng) => {
        draws.push(rng.nextUint32Pair()[0]);
        return tf.clone(batch);
      },
    });
    for (const _ of it);
    const root = Rng.fromSeed(3).nextUint32Pair();
    const expected = [0, 1].flatMap((e) =>
      [0, 1].map((i) => {
        const key = threefry2x32(threefry2x32(root, [e, 0]), [i, 1]);
        return Rng.fromState({ version: 1, key, counter: 0 }).nextUint32Pair()[0];
      }),
    );
    expect(draws).toEqual(expected);
  });

  it('take() hands out batches the caller owns, and resumes from a JSON position exactly', async () => {
    const options: BatchOptions = { batchSize: 3, epochs: Number.POSITIVE_INFINITY };
    const reference = batches(x, { ...options, rng: Rng.fromSeed(5) });
    const full: number[][] = [];
    for (let k = 0; k < 10; k++) {
      const batch = reference.take()!;
      full.push(await rowsOf(batch));
      batch.dispose();
    }
    const original = batches(x, { ...options, rng: Rng.fromSeed(5) });
    const kept = [
      original.take()!,
      original.take()!,
      original.take()!,
      original.take()!,
      original.take()!,
    ];
    // Batches from take() survive later draws and the end of the iterator.
    original.return();
    expect(kept.every((b) => !b.isDisposed)).toBe(true);
    expect(await Promise.all(kept.map(rowsOf))).toEqual(full.slice(0, 5));
    tf.dispose(kept);
    const saved = JSON.parse(
      JSON.stringify({ position: original.position, rngState: original.rngState }),
    );
    expect(saved.position).toEqual({ epoch: 1, index: 1 });
    const resumed = batches(x, {
      ...options,
      rng: Rng.fromState(saved.rngState),
      start: saved.position,
    });
    for (let k = 5; k < 10; k++) {
      const batch = resumed.take()!;
      expect(await rowsOf(batch), `batch ${k}`).toEqual(full[k]);
      batch.dispose();
    }
  });

  it('leaks nothing through take() once the caller disposes, and ends with undefined', async () => {
    await expectNoLeak(() => {
      const it = batches(x, { batchSize: 4, seed: 1, map: (b) => tf.mul(b, 2) });
      for (let batch = it.take(); batch !== undefined; batch = it.take()) batch.dispose();
      expect(it.take()).toBeUndefined();
      expect(it.next().done).toBe(true);
    });
  });
});

describe('batches (core) arguments', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });
  withRows();

  it('refuses bad options with typed errors that name batches and the argument', () => {
    expect(() => batches(x, null as never)).toThrow(InvalidArgumentError);
    expect(() => batches(x, null as never)).toThrow(
      /batches: argument 'options' must be an options object/,
    );
    expect(() => batches(x, { batchSize: 2, rng: {} as never })).toThrow(
      /batches: argument 'rng' must be an Rng/,
    );
    expect(() => batches(x, { batchSize: 2, seed: 1, rng: Rng.fromSeed(1) })).toThrow(
      /give either 'seed' or 'rng'/,
    );
  });
});
