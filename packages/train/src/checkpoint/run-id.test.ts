import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuadraticGame } from '../../test/games.js';
import { GaussianModel } from '../../test/models.js';
import { fit } from '../fit.js';
import { fitAdversarial } from '../fit-adversarial.js';
import { fileCheckpointStore } from '../node.js';
import { createTrainer } from '../trainer.js';
import { readCheckpoint } from './read-checkpoint.js';
import { type CheckpointStore, memoryCheckpointStore } from './store.js';

const work = mkdtempSync(join(tmpdir(), 'gen-train-runs-'));
beforeAll(() => initBackend('cpu'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const x = () => Rng.fromSeed(1).normal([20, 2]);

/** Trains a fresh Gaussian for `steps` into `target`; returns the run id it wrote. */
async function run(
  target: { dir: string } | { store: CheckpointStore },
  steps: number,
  extra: Record<string, unknown> = {},
): Promise<string | undefined> {
  const data = x();
  const model = new GaussianModel(2);
  try {
    await fit(model, data, { steps, batchSize: 5, checkpoint: { ...target, every: 2 }, ...extra });
  } finally {
    data.dispose();
    model.dispose();
  }
  const source = 'dir' in target ? target.dir : target.store;
  const { runId, weights } = await readCheckpoint(source);
  tf.dispose(weights);
  return runId;
}

describe('run ids', () => {
  it('a fresh run gets a new random id; a resume keeps it', async () => {
    const store = memoryCheckpointStore();
    const first = await run({ store }, 4);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    const again = await run({ store }, 8, { resume: store });
    expect(again).toBe(first);
    expect(await store.list()).toEqual([2, 4, 6, 8]);
    const other = memoryCheckpointStore();
    expect(await run({ store: other }, 2)).not.toBe(first);
  });

  it('refuses a fresh run into a directory holding another run, before writing anything', async () => {
    const dir = join(work, 'taken');
    await run({ dir }, 4);
    const before = readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]);
    const data = x();
    const model = new GaussianModel(2);
    const message = `fit: argument 'checkpoint.dir' ('${dir}') already holds checkpoints of another run (steps 2, 4); resume that run (resume: '${dir}') or use an empty directory`;
    await expect(
      fit(model, data, { steps: 4, batchSize: 5, checkpoint: { dir, every: 2 } }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      fit(model, data, { steps: 4, batchSize: 5, checkpoint: { dir, every: 2 } }),
    ).rejects.toThrow(message);
    const trainer = createTrainer(model, data, {
      steps: 4,
      batchSize: 5,
      checkpoint: { dir, every: 2 },
    });
    await expect(trainer.run()).rejects.toThrow(`createTrainer: argument 'checkpoint.dir'`);
    trainer.dispose();
    const game = new QuadraticGame(false);
    await expect(
      fitAdversarial(game, data, { steps: 4, batchSize: 5, checkpoint: { dir, every: 2 } }),
    ).rejects.toThrow(`fitAdversarial: argument 'checkpoint.dir' ('${dir}') already holds`);
    game.dispose();
    expect(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs])).toEqual(before);
    expect(Array.from(await model.mean.data())).toEqual([0, 0]);
    tf.dispose(data);
    model.dispose();
  });

  it('refuses a resumed run checkpointing into a store of a third run', async () => {
    const a = memoryCheckpointStore();
    const b = memoryCheckpointStore();
    await run({ store: a }, 2);
    await run({ store: b }, 2);
    const data = x();
    const model = new GaussianModel(2);
    await expect(
      fit(model, data, { steps: 4, batchSize: 5, resume: a, checkpoint: { store: b, every: 2 } }),
    ).rejects.toThrow(
      "fit: argument 'checkpoint.store' already holds checkpoints of another run (steps 2); checkpoint the resumed run to its own directory or store",
    );
    tf.dispose(data);
    model.dispose();
  });

  for (const kind of ['memory', 'file'] as const) {
    it(`${kind} store: pruning keeps the latest of each run and never deletes another run's`, async () => {
      const make = (keep: number) =>
        kind === 'memory'
          ? memoryCheckpointStore({ keep })
          : fileCheckpointStore(join(work, `shared-${keep}`), { keep });
      const runA = memoryCheckpointStore({ keep: 10 });
      const runB = memoryCheckpointStore({ keep: 10 });
      await run({ store: runA }, 6);
      await run({ store: runB }, 6);
      const shared = make(1);
      // Two runs writing to one place (e.g. two processes started together).
      for (const step of [2, 4, 6]) {
        await shared.save(step, (await runA.load(step))!);
        await shared.save(step + 100, (await runB.load(step))!);
      }
      expect(await shared.list()).toEqual([6, 106]);
    });
  }
});

describe('fileCheckpointStore and orphaned temporary files', () => {
  it('removes only our own temporary files that are old and whose writer is gone', async () => {
    const dir = join(work, 'orphans');
    mkdirSync(dir, { recursive: true });
    const minutes = (n: number) => new Date(Date.now() - n * 60_000);
    const files: [string, Date, boolean][] = [
      // name, mtime, removed?
      ['.ckpt-000000000004.genc.99999999.0123456789ab.tmp', minutes(2), true],
      ['.ckpt-000000000004.genc.99999999.0123456789ac.tmp', minutes(0), false],
      [`.ckpt-000000000006.genc.${process.pid}.0123456789ab.tmp`, minutes(2), false],
      [`.ckpt-000000000008.genc.${process.pid}.0123456789ab.tmp`, minutes(90), true],
      ['.notes.99999999.0123456789ab.tmp', minutes(120), false],
      ['ckpt-000000000002.genc.tmp', minutes(120), false],
    ];
    for (const [name, mtime] of files) {
      writeFileSync(join(dir, name), 'partial');
      utimesSync(join(dir, name), mtime, mtime);
    }
    const store = fileCheckpointStore(dir);
    expect(await store.list()).toEqual([]);
    const left = readdirSync(dir).sort();
    expect(left).toEqual(
      files
        .filter(([, , removed]) => !removed)
        .map(([n]) => n)
        .sort(),
    );
  });
});
