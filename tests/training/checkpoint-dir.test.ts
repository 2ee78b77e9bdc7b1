import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, Rng } from '@gen/core';
import { Gan } from '@gen/gan';
import { fitAdversarial } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `checkpoint: { dir }` and `resume: dir` load @gen/train's Node entry on demand. Here the
// packages run from their TypeScript sources outside this project's root (as in any package's
// tests that use @gen/train), where that entry is node.ts, not node.js.
describe('checkpoint directories from another package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gen-checkpoint-dir-'));

  beforeAll(async () => {
    await initBackend('cpu');
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes checkpoints to a directory and resumes from it to the uninterrupted weights', async () => {
    const x = Rng.fromSeed(0).normal([64, 2]);
    const build = () =>
      Gan.mlp({
        dataSize: 2,
        latentSize: 2,
        hiddenSizes: [8],
        seed: 0,
        instanceNoise: { std: 0.5, decaySteps: 10 },
      });
    // A fresh Rng per run: an Rng advances when a run splits it.
    const options = () => ({ steps: 8, batchSize: 16, rng: Rng.fromSeed(1) });
    const straight = build();
    await fitAdversarial(straight, x, options());

    const first = build();
    await fitAdversarial(first, x, { ...options(), steps: 4, checkpoint: { dir, every: 2 } });
    expect(readdirSync(dir).filter((f) => f.endsWith('.genc')).length).toBeGreaterThan(0);
    const resumed = build();
    await fitAdversarial(resumed, x, { ...options(), resume: dir });
    const [a, b] = [straight.getWeights(), resumed.getWeights()];
    for (const name of Object.keys(a)) {
      expect(Array.from(await b[name]!.data())).toEqual(Array.from(await a[name]!.data()));
    }
    tf.dispose([a, b, x]);
    for (const gan of [straight, first, resumed]) gan.dispose();
  });
});
