import { initBackend, Rng } from '@gen/core';
import { type Callback, fit, memoryCheckpointStore } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MaskedAutoregressive } from '../autoregressive/masked-autoregressive.js';
import { BatchNorm } from '../batch-norm.js';
import { AffineCoupling } from '../coupling/affine-coupling.js';
import { Flow } from './flow.js';
import { standardNormal } from './standard-normal.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function makeFlow(): Flow {
  return new Flow({
    base: standardNormal(2),
    transforms: [
      new MaskedAutoregressive({ dim: 2, conditionSize: 3, hiddenSizes: [8], seed: 1 }),
      new BatchNorm({ dim: 2 }),
      new AffineCoupling({ dim: 2, conditionSize: 3, hiddenSizes: [8], seed: 2 }),
    ],
  });
}

async function weightsOf(flow: Flow): Promise<Record<string, number[]>> {
  const weights = flow.getWeights();
  const out: Record<string, number[]> = {};
  for (const [name, w] of Object.entries(weights)) out[name] = Array.from(await w.data());
  tf.dispose(Object.values(weights));
  return out;
}

describe('a conditional flow under @gen/train fit', () => {
  it('trains on { x, condition } and resumes bitwise, BatchNorm running averages included', async () => {
    const labels = Array.from({ length: 40 }, (_, i) => i % 3);
    const condition = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), 'float32'));
    const x = tf.tidy(() =>
      tf.add(
        tf.mul(tf.slice(condition, [0, 0], [-1, 2]), 3),
        Rng.fromSeed(1).normal([40, 2], 0, 0.5),
      ),
    );
    const data = { x, condition };
    const options = (store: ReturnType<typeof memoryCheckpointStore>) => ({
      steps: 12,
      batchSize: 8,
      rng: Rng.fromSeed(2),
      logEvery: 1,
      learningRate: 0.01,
      checkpoint: { store, every: 5 },
    });
    const straight = makeFlow();
    const full = await fit(straight, data, options(memoryCheckpointStore()));
    expect(full.history.at(-1)!.loss!).toBeLessThan(full.history[0]!.loss!);
    const store = memoryCheckpointStore();
    const controller = new AbortController();
    const stop: Callback = { onStepEnd: (e) => void (e.step === 7 && controller.abort()) };
    const first = makeFlow();
    await fit(first, data, { ...options(store), signal: controller.signal, callbacks: [stop] });
    const resumed = makeFlow();
    const rest = await fit(resumed, data, { ...options(store), resume: store });
    expect(rest).toEqual(full);
    const want = await weightsOf(straight);
    expect(want['transforms/1/batchNorm/runningMean']).not.toEqual([0, 0]);
    expect(await weightsOf(resumed)).toEqual(want);
    tf.dispose([x, condition]);
    for (const f of [straight, first, resumed]) f.dispose();
  });
});
