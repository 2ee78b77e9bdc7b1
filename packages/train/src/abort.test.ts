import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { GaussianModel } from '../test/models.js';
import { readCheckpoint } from './checkpoint/read-checkpoint.js';
import { fit } from './fit.js';

// The requirement is a time bound: an AbortSignal fired by a timer (what a SIGINT
// handler does) must end a long run within a second of the abort. The run is 200 000 steps,
// far more than fits in the test's timeout, so only a working abort lets it finish.
const STEPS = 200_000;
const ABORT_AFTER_MS = 300;
const BOUND_MS = 1000;

const work = mkdtempSync(join(tmpdir(), 'gen-train-abort-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describeBackends('an AbortSignal from a timer', ({ name }) => {
  let data: tf.Tensor;
  let model: GaussianModel;
  beforeEach(() => {
    data = Rng.fromSeed(1).normal([256, 2]);
    model = new GaussianModel(2);
  });
  afterEach(() => {
    data.dispose();
    model.dispose();
  });

  for (const withCheckpoints of [false, true]) {
    it(`stops a ${STEPS}-step run within ${BOUND_MS} ms ${withCheckpoints ? 'with a checkpoint directory, saving a final checkpoint' : 'without checkpoints'}`, async () => {
      const dir = join(work, `${name}-${withCheckpoints}`);
      const controller = new AbortController();
      let abortedAt = Number.NaN;
      controller.signal.addEventListener('abort', () => {
        abortedAt = performance.now();
      });
      const timer = setTimeout(() => controller.abort(), ABORT_AFTER_MS);
      const result = await fit(model, data, {
        steps: STEPS,
        batchSize: 32,
        signal: controller.signal,
        ...(withCheckpoints ? { checkpoint: { dir, every: 100_000 } } : {}),
      });
      const stoppedAfter = performance.now() - abortedAt;
      clearTimeout(timer);
      expect(result.stopReason).toBe('aborted');
      expect(result.step).toBeGreaterThan(0);
      expect(result.step).toBeLessThan(STEPS);
      expect(stoppedAfter).toBeLessThan(BOUND_MS);
      if (withCheckpoints) {
        const saved = await readCheckpoint(dir);
        expect(saved.step).toBe(result.step);
        tf.dispose(saved.weights);
      }
    }, 30_000);
  }
});
