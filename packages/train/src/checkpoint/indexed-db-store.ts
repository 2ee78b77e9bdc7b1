import { assertKnownOptions, FormatError, invalidArgument, NotImplementedError } from '@gen/core';
import { runIdOf, stepsToPrune } from './run-id.js';
import {
  assertSave,
  assertStep,
  type CheckpointStore,
  resolveKeep,
  type StoreOptions,
} from './store.js';

export interface IndexedDbStoreOptions extends StoreOptions {
  /** The IndexedDB database the checkpoints live in (default 'gen-checkpoints'). */
  database?: string;
  /**
   * The IndexedDB to use (default `globalThis.indexedDB`); in Node, e.g. the `indexedDB` of
   * the `fake-indexeddb` package.
   */
  indexedDB?: IDBFactory;
}

/** A {@link CheckpointStore} in IndexedDB, with a way to forget a run. */
export interface IndexedDbCheckpointStore extends CheckpointStore {
  /** The name the checkpoints are kept under. */
  readonly run: string;
  /** Deletes every checkpoint kept under `run` (all in one transaction). */
  clear(): Promise<void>;
}

// Two object stores keyed by [run, step]: the checkpoint bytes, and a small record with the run
// id of each, so listing and pruning never read a checkpoint's bytes.
const BYTES = 'checkpoints';
const META = 'index';
const BY_RUN = 'run';

interface MetaRecord {
  run: string;
  step: number;
  runId: string | null;
}

const request = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

const completion = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  const open = factory.open(name, 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore(BYTES, { keyPath: ['run', 'step'] });
    db.createObjectStore(META, { keyPath: ['run', 'step'] }).createIndex(BY_RUN, 'run');
  };
  return request(open);
}

/**
 * A {@link CheckpointStore} in the browser's IndexedDB: checkpoints are kept under the name
 * `run` (one name per view, experiment or model; stores with different names never see each
 * other's checkpoints), so a page reload, a new tab or a backend switch resumes training from
 * where it was. The bytes are those every store holds (the checksummed `@gen/train` checkpoint
 * format), stored as they are given and verified when a run resumes from them, so a damaged
 * record is refused with `FormatError` naming it (`locate`: `indexeddb:<database>/<run>/<step>`).
 *
 * Every save is one IndexedDB transaction: the checkpoint and the deletion of the checkpoints
 * it makes surplus (only the most recent `keep`, default 5, of its run id are kept; another
 * run's are never deleted) commit together or not at all. The database is opened for each
 * operation and closed after it, so the store holds no connection between checkpoints.
 *
 * ```ts
 * const store = indexedDbCheckpointStore('density/flow');
 * const resume = (await store.latest()) === undefined ? {} : { resume: store };
 * const trainer = createTrainer(flow, x, { steps: 5000, checkpoint: { store, every: 100 }, ...resume });
 * // "Start over": await store.clear();
 * ```
 */
export function indexedDbCheckpointStore(
  run: string,
  options: IndexedDbStoreOptions = {},
): IndexedDbCheckpointStore {
  const fn = 'indexedDbCheckpointStore';
  if (typeof run !== 'string' || run.length === 0) {
    throw invalidArgument(fn, 'run', run, 'must be a non-empty string');
  }
  if (options === null || typeof options !== 'object') {
    throw invalidArgument(fn, 'options', options, 'must be an options object');
  }
  assertKnownOptions(fn, options, ['keep', 'database', 'indexedDB']);
  const keep = resolveKeep(fn, options.keep === undefined ? {} : { keep: options.keep });
  const { database = 'gen-checkpoints' } = options;
  if (typeof database !== 'string' || database.length === 0) {
    throw invalidArgument(fn, 'database', database, 'must be a non-empty string');
  }
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (options.indexedDB !== undefined && typeof options.indexedDB?.open !== 'function') {
    throw invalidArgument(fn, 'indexedDB', options.indexedDB, 'must be an IDBFactory');
  }
  if (factory === undefined) {
    throw new NotImplementedError(
      `${fn}: this environment has no IndexedDB; pass options.indexedDB (in Node, e.g. from fake-indexeddb) or use memoryCheckpointStore()`,
    );
  }
  const locate = (step: number) => `indexeddb:${database}/${run}/${step}`;

  /** Runs `body` against a fresh connection, closed afterwards. */
  const withDatabase = async <T>(body: (db: IDBDatabase) => Promise<T>): Promise<T> => {
    const db = await openDatabase(factory, database);
    try {
      return await body(db);
    } finally {
      db.close();
    }
  };
  const entries = (db: IDBDatabase) =>
    request(
      db.transaction(META, 'readonly').objectStore(META).index(BY_RUN).getAll(run),
    ) as Promise<MetaRecord[]>;
  const list = () =>
    withDatabase(async (db) => (await entries(db)).map((e) => e.step).sort((a, b) => a - b));

  return {
    run,
    list,
    locate,
    async latest() {
      return (await list()).at(-1);
    },
    async save(step, bytes) {
      assertSave(`${fn}.save`, step, bytes);
      const runId = runIdOf(bytes);
      await withDatabase(async (db) => {
        const known = new Map((await entries(db)).map((e) => [e.step, e.runId ?? undefined]));
        known.set(step, runId);
        const steps = [...known.keys()].sort((a, b) => a - b);
        const prune = await stepsToPrune(steps, keep, runId, async (s) => known.get(s));
        const tx = db.transaction([BYTES, META], 'readwrite');
        const done = completion(tx);
        // A copy of exactly the view: a subarray would otherwise carry its whole buffer along.
        tx.objectStore(BYTES).put({ run, step, bytes: bytes.slice() });
        tx.objectStore(META).put({ run, step, runId: runId ?? null } satisfies MetaRecord);
        for (const old of prune) {
          tx.objectStore(BYTES).delete([run, old]);
          tx.objectStore(META).delete([run, old]);
        }
        await done;
      });
    },
    async load(step) {
      if (step !== undefined) assertStep(`${fn}.load`, step);
      return withDatabase(async (db) => {
        const target =
          step ??
          (await entries(db)).reduce<number | undefined>(
            (max, e) => (max === undefined || e.step > max ? e.step : max),
            undefined,
          );
        if (target === undefined) return undefined;
        const record = (await request(
          db.transaction(BYTES, 'readonly').objectStore(BYTES).get([run, target]),
        )) as { bytes?: unknown } | undefined;
        if (record === undefined) return undefined;
        if (!(record.bytes instanceof Uint8Array)) {
          throw new FormatError(
            `${fn}: the record '${locate(target)}' holds no checkpoint bytes (damaged or written by something else)`,
          );
        }
        return record.bytes;
      });
    },
    clear() {
      return withDatabase(async (db) => {
        const steps = (await entries(db)).map((e) => e.step);
        const tx = db.transaction([BYTES, META], 'readwrite');
        const done = completion(tx);
        for (const s of steps) {
          tx.objectStore(BYTES).delete([run, s]);
          tx.objectStore(META).delete([run, s]);
        }
        await done;
      });
    },
  };
}
