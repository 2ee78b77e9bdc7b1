import { type NamedTensors, Rng, type Trainable } from '@gen/core';
import {
  constantSchedule,
  cosineDecay,
  createTrainer,
  earlyStopping,
  exponentialDecay,
  fit,
  learningRateScheduler,
  linearWarmup,
  memoryCheckpointStore,
  progress,
  readCheckpoint,
  stepDecay,
} from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectTypedError,
  expectTypedOrFinite,
  FUZZ,
  hostileNumber,
  hostileTensor,
  hostileValue,
  makeTensor,
  useFuzzBackend,
  withUnknownKey,
} from './harness.js';

useFuzzBackend();

/** The smallest Trainable: a Gaussian with a learnable mean, loss = mean squared distance. */
class Mean implements Trainable {
  readonly mean = tf.variable(tf.zeros([2]));
  get trainableVariables() {
    return [this.mean];
  }
  loss(batch: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mean(tf.sum(tf.square(tf.sub(batch, this.mean)), -1)));
  }
  getWeights(): NamedTensors {
    return { mean: tf.clone(this.mean) };
  }
  setWeights(weights: NamedTensors): void {
    this.mean.assign(weights.mean!);
  }
  dispose(): void {
    this.mean.dispose();
  }
}

const OPTION_KEYS = [
  'steps',
  'epochs',
  'batchSize',
  'shuffle',
  'learningRate',
  'clipNorm',
  'clipValue',
  'rng',
  'callbacks',
  'logEvery',
  'signal',
  'checkpoint',
  'resume',
  'nanGuard',
  'optimizer',
  'validation',
  'kind',
] as const;

describe('fuzz @gen/train', () => {
  it('schedules: typed error, or a schedule finite and >= 0 at every step', async () => {
    const makers: [string, (o: unknown) => (step: number) => number][] = [
      ['stepDecay', (o) => stepDecay(o as never)],
      ['exponentialDecay', (o) => exponentialDecay(o as never)],
      ['cosineDecay', (o) => cosineDecay(o as never)],
      ['linearWarmup', (o) => linearWarmup(0.1, o as never)],
    ];
    const options = fc.record(
      {
        initial: hostileNumber,
        factor: hostileNumber,
        rate: hostileNumber,
        every: hostileNumber,
        steps: hostileNumber,
        final: hostileNumber,
      },
      { requiredKeys: [] },
    );
    for (const [name, make] of makers) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(options, hostileValue), async (o) => {
          const known = name === 'linearWarmup' ? { steps: 3 } : undefined;
          const given =
            known !== undefined && typeof o === 'object' && o !== null ? { ...known, ...o } : o;
          await expectTypedOrFinite(() => {
            const schedule = make(given);
            return [0, 1, 7, 1e6, Number.MAX_SAFE_INTEGER].map((t) => {
              const lr = schedule(t);
              expect(lr, `${name}(${t})`).toBeGreaterThanOrEqual(0);
              return lr;
            });
          });
        }),
        { ...FUZZ, numRuns: 80 },
      );
    }
    await fc.assert(
      fc.asyncProperty(hostileValue, async (lr) => {
        await expectTypedOrFinite(() => constantSchedule(lr as never)(3));
      }),
      { ...FUZZ, numRuns: 40 },
    );
    for (const [name, o] of [
      ['stepDecay', { initial: 1, factor: 0.5, every: 2 }],
      ['exponentialDecay', { initial: 1, rate: 0.5 }],
      ['cosineDecay', { initial: 1, steps: 10 }],
    ] as const) {
      const make = makers.find(([n]) => n === name)![1];
      await fc.assert(
        fc.asyncProperty(withUnknownKey(o), async (bad) => {
          await expectTypedError(() => make(bad), name);
        }),
        { ...FUZZ, numRuns: 6 },
      );
    }
  });

  it('callbacks refuse hostile and unknown options with a typed error naming them', async () => {
    const makers: [string, (o: unknown) => unknown][] = [
      ['earlyStopping', (o) => earlyStopping(o as never)],
      ['progress', (o) => progress(o as never)],
      ['learningRateScheduler', (o) => learningRateScheduler(() => 0.1, o as never)],
    ];
    for (const [name, make] of makers) {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            hostileValue,
            fc.record(
              { patience: hostileValue, every: hostileValue, minDelta: hostileValue },
              {
                requiredKeys: [],
              },
            ),
          ),
          async (o) => {
            await expectTypedOrFinite(() => {
              make(o);
              return undefined;
            });
          },
        ),
        { ...FUZZ, numRuns: 40 },
      );
      await expectTypedError(() => make({ stpes: 1 }), name);
    }
  });

  it('createTrainer: any hostile option value gives a typed error or a run of finite losses', async () => {
    const x = Rng.fromSeed(1).normal([12, 2]);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPTION_KEYS), hostileValue, async (key, value) => {
        const model = new Mean();
        await expectTypedOrFinite(async () => {
          const trainer = createTrainer(model, x, { steps: 3, [key]: value } as never);
          try {
            const { history } = await trainer.run(3);
            return history.map(({ step, epoch, ...losses }) => losses);
          } finally {
            trainer.dispose();
          }
        });
        model.dispose();
      }),
      { ...FUZZ, numRuns: 150 },
    );
    x.dispose();
  });

  it('fit, createTrainer and the nested options refuse unknown keys, naming the function', async () => {
    const x = Rng.fromSeed(1).normal([12, 2]);
    const model = new Mean();
    const store = memoryCheckpointStore();
    await fc.assert(
      fc.asyncProperty(withUnknownKey({ steps: 2 }), async (o) => {
        await expectTypedError(() => fit(model, x, o), 'fit');
        await expectTypedError(() => createTrainer(model, x, o), 'createTrainer');
      }),
      { ...FUZZ, numRuns: 6 },
    );
    await fc.assert(
      fc.asyncProperty(
        withUnknownKey({ store, every: 1 }),
        withUnknownKey({ data: x, every: 1 }),
        async (checkpoint, validation) => {
          await expectTypedError(() => fit(model, x, { steps: 2, checkpoint }), 'fit');
          await expectTypedError(() => fit(model, x, { steps: 2, validation }), 'fit');
        },
      ),
      { ...FUZZ, numRuns: 6 },
    );
    expect(await store.list()).toEqual([]);
    model.dispose();
    x.dispose();
  });

  it('fit: data of any shape and values gives a typed error or finite losses', async () => {
    await fc.assert(
      fc.asyncProperty(hostileTensor(), fc.boolean(), async (spec, iterable) => {
        const model = new Mean();
        const x = makeTensor(spec);
        await expectTypedOrFinite(async () => {
          const data = iterable ? [tf.clone(x)] : x;
          const { history } = await fit(model, data, { steps: 1 });
          return history.map(({ step, epoch, ...losses }) => losses);
        });
        x.dispose();
        model.dispose();
      }),
      { ...FUZZ, numRuns: 60 },
    );
  });

  it('memoryCheckpointStore: hostile keep, steps and bytes give a typed error or work', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, hostileValue, hostileValue, async (keep, step, bytes) => {
        await expectTypedOrFinite(async () => {
          const store = memoryCheckpointStore({ keep } as never);
          await store.save(step as never, bytes as never);
          await store.load(step as never);
          return store.list();
        });
      }),
      { ...FUZZ, numRuns: 100 },
    );
  });

  it('readCheckpoint: random bytes and any corruption of a real checkpoint give FormatError', async () => {
    const x = Rng.fromSeed(1).normal([12, 2]);
    const model = new Mean();
    const store = memoryCheckpointStore();
    await fit(model, x, { steps: 2, batchSize: 4, checkpoint: { store, every: 2 } });
    const good = (await store.load())!;
    x.dispose();
    model.dispose();
    const corruption = fc.record({
      at: fc.nat({ max: good.byteLength - 1 }),
      length: fc.integer({ min: 1, max: 64 }),
      mask: fc.integer({ min: 1, max: 255 }),
      truncate: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(corruption, async ({ at, length, mask, truncate }) => {
        const bad = truncate ? good.slice(0, at) : good.slice();
        if (!truncate) for (let i = at; i < Math.min(at + length, bad.length); i++) bad[i]! ^= mask;
        const source = memoryCheckpointStore();
        await source.save(2, bad);
        await expectTypedError(() => readCheckpoint(source), 'readCheckpoint');
      }),
      { ...FUZZ, numRuns: 200 },
    );
    const noise = fc.uint8Array({ maxLength: 300 });
    const withMagic = noise.map((b) => Uint8Array.from([0x47, 0x45, 0x4e, 0x43, ...b]));
    await fc.assert(
      fc.asyncProperty(fc.oneof(noise, withMagic), async (bytes) => {
        const source = memoryCheckpointStore();
        await source.save(1, bytes);
        await expectTypedError(() => readCheckpoint(source), 'readCheckpoint');
      }),
      { ...FUZZ, numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(hostileValue, hostileValue, async (source, step) => {
        await expectTypedOrFinite(() => readCheckpoint(source as never, step as never));
      }),
      { ...FUZZ, numRuns: 40 },
    );
  });
});
