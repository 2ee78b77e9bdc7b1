import {
  FormatError,
  InvalidArgumentError,
  initBackend,
  NotImplementedError,
  Rng,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import type * as tf from '@tensorflow/tfjs-core';
import { IDBFactory } from 'fake-indexeddb';
import { beforeAll, describe, expect, it } from 'vitest';
import { GaussianModel, weightsOf } from '../../test/models.js';
import { type FitOptions, fit } from '../fit.js';
import type { Callback } from '../types.js';
import { decodeCheckpointHeader } from './format.js';
import { indexedDbCheckpointStore } from './indexed-db-store.js';
import type { CheckpointStore } from './store.js';

let x: tf.Tensor2D;
beforeAll(async () => {
  await initBackend('cpu');
  x = Rng.fromSeed(2).normal([24, 2], 1, 2) as tf.Tensor2D;
});

const options = (extra: Partial<FitOptions> = {}): FitOptions => ({
  steps: 12,
  batchSize: 5,
  logEvery: 3,
  rng: Rng.fromSeed(9),
  learningRate: 0.05,
  ...extra,
});

/** Aborts the run after `step`, as a closed tab would stop it. */
function stopAfter(step: number): { signal: AbortSignal; callbacks: Callback[] } {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    callbacks: [{ onStepEnd: (e) => void (e.step === step && controller.abort()) }],
  };
}

/** Rewrites the raw record of `step` under `run`, as a damaged database would hold it. */
async function tamper(
  factory: IDBFactory,
  run: string,
  step: number,
  change: (record: { bytes: unknown }) => void,
): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = factory.open('gen-checkpoints', 1);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const store = db.transaction('checkpoints', 'readwrite').objectStore('checkpoints');
  await new Promise<void>((resolve, reject) => {
    const get = store.get([run, step]);
    get.onsuccess = () => {
      const record = get.result as { bytes: unknown };
      change(record);
      const put = store.put(record);
      put.onsuccess = () => resolve();
      put.onerror = () => reject(put.error);
    };
  });
  db.close();
}

describe('indexedDbCheckpointStore', () => {
  it('saves, lists, loads the same bytes back and prunes to the latest `keep` of the run', async () => {
    const indexedDB = new IDBFactory();
    const store = indexedDbCheckpointStore('gauss', { indexedDB, keep: 3 });
    expect(await store.list()).toEqual([]);
    expect(await store.latest()).toBeUndefined();
    expect(await store.load()).toBeUndefined();
    const saved = new Map<number, Uint8Array>();
    const spy: CheckpointStore = {
      save: async (step, bytes) => {
        saved.set(step, bytes.slice());
        await store.save(step, bytes);
      },
      load: (step) => store.load(step),
      latest: () => store.latest(),
      list: () => store.list(),
    };
    const model = new GaussianModel(2);
    await fit(model, x, options({ checkpoint: { store: spy, every: 2 } }));
    expect([...saved.keys()]).toEqual([2, 4, 6, 8, 10, 12]);
    expect(await store.list()).toEqual([8, 10, 12]);
    expect(await store.latest()).toBe(12);
    expect(await store.load(10)).toEqual(saved.get(10));
    expect(await store.load()).toEqual(saved.get(12));
    expect(await store.load(4)).toBeUndefined();
    expect(decodeCheckpointHeader((await store.load())!)).toMatchObject({ step: 12 });
    expect(store.locate!(12)).toBe('indexeddb:gen-checkpoints/gauss/12');
    model.dispose();
  });

  it('a run resumed from a new store of the same name (a reload) ends as the uninterrupted run, bitwise', async () => {
    const indexedDB = new IDBFactory();
    const straight = new GaussianModel(2);
    await fit(straight, x, options());

    const first = new GaussianModel(2);
    const tab = indexedDbCheckpointStore('reload', { indexedDB });
    const stop = stopAfter(7);
    const partial = await fit(first, x, options({ ...stop, checkpoint: { store: tab, every: 5 } }));
    expect(partial).toMatchObject({ step: 7, stopReason: 'aborted' });
    first.dispose();

    const reloaded = indexedDbCheckpointStore('reload', { indexedDB });
    expect(await reloaded.latest()).toBe(7);
    const second = new GaussianModel(2);
    const result = await fit(
      second,
      x,
      options({ checkpoint: { store: reloaded, every: 5 }, resume: reloaded }),
    );
    expect(result.step).toBe(12);
    expect(await weightsOf(second)).toEqual(await weightsOf(straight));
    second.dispose();
    straight.dispose();
  });

  it('keeps runs of different names apart, also when they train at the same time', async () => {
    const indexedDB = new IDBFactory();
    const a = indexedDbCheckpointStore('view/a', { indexedDB, keep: 2 });
    const b = indexedDbCheckpointStore('view/b', { indexedDB, keep: 2 });
    const [ma, mb] = [new GaussianModel(2), new GaussianModel(2)];
    await Promise.all([
      fit(ma, x, options({ checkpoint: { store: a, every: 3 } })),
      fit(mb, x, options({ steps: 8, checkpoint: { store: b, every: 2 } })),
    ]);
    expect(await a.list()).toEqual([9, 12]);
    expect(await b.list()).toEqual([6, 8]);
    expect(decodeCheckpointHeader((await b.load())!)).toMatchObject({ step: 8 });
    // A fresh run refuses a name that already holds another run's checkpoints.
    await expect(fit(ma, x, options({ checkpoint: { store: a, every: 3 } }))).rejects.toThrow(
      InvalidArgumentError,
    );
    await b.clear();
    expect(await b.list()).toEqual([]);
    expect(await a.list()).toEqual([9, 12]);
    ma.dispose();
    mb.dispose();
  });

  it('refuses a damaged record with FormatError naming it', async () => {
    const indexedDB = new IDBFactory();
    const store = indexedDbCheckpointStore('damaged', { indexedDB });
    const model = new GaussianModel(2);
    await fit(model, x, options({ steps: 4, checkpoint: { store, every: 2 } }));
    await tamper(indexedDB, 'damaged', 4, (record) => {
      const bytes = record.bytes as Uint8Array;
      bytes[bytes.length - 3]! ^= 0xff;
    });
    await expect(fit(model, x, options({ resume: store }))).rejects.toThrow(FormatError);
    await expect(fit(model, x, options({ resume: store }))).rejects.toThrow(
      /fit: checkpoint 'indexeddb:gen-checkpoints\/damaged\/4'.*checksum/,
    );
    await tamper(indexedDB, 'damaged', 4, (record) => {
      record.bytes = 'not bytes';
    });
    await expect(store.load(4)).rejects.toThrow(
      "indexedDbCheckpointStore: the record 'indexeddb:gen-checkpoints/damaged/4' holds no checkpoint bytes",
    );
    model.dispose();
  });

  it('leaks no tensors', async () => {
    const store = indexedDbCheckpointStore('leak', { indexedDB: new IDBFactory() });
    const model = new GaussianModel(2);
    await expectNoLeak(async () => {
      await fit(model, x, options({ checkpoint: { store, every: 4 } }));
      await fit(model, x, options({ steps: 16, checkpoint: { store, every: 4 }, resume: store }));
    });
    model.dispose();
  });

  it('refuses bad arguments with typed errors naming them', async () => {
    const indexedDB = new IDBFactory();
    expect(() => indexedDbCheckpointStore('', { indexedDB })).toThrow(
      "indexedDbCheckpointStore: argument 'run' must be a non-empty string",
    );
    expect(() => indexedDbCheckpointStore('a', { indexedDB, kep: 2 } as never)).toThrow(
      /indexedDbCheckpointStore.*kep/,
    );
    expect(() => indexedDbCheckpointStore('a', { indexedDB, keep: 0 })).toThrow(
      "indexedDbCheckpointStore: argument 'keep' must be an integer >= 1, got 0",
    );
    expect(() => indexedDbCheckpointStore('a', { indexedDB: {} as never })).toThrow(
      "indexedDbCheckpointStore: argument 'indexedDB' must be an IDBFactory",
    );
    // Node has no IndexedDB of its own.
    expect(() => indexedDbCheckpointStore('a')).toThrow(NotImplementedError);
    const store = indexedDbCheckpointStore('a', { indexedDB });
    await expect(store.save(-1, new Uint8Array(1))).rejects.toThrow(
      "indexedDbCheckpointStore.save: argument 'step' must be an integer >= 0, got -1",
    );
    await expect(store.save(1, [1, 2] as never)).rejects.toThrow(InvalidArgumentError);
  });
});
