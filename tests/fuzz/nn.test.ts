import {
  ConditionalMadeNetwork,
  Conv2d,
  Conv2dTranspose,
  Dense,
  decodeWeights,
  decodeWeightsFile,
  encodeWeights,
  encodeWeightsFile,
  fromLayersModel,
  MadeNetwork,
  MaskedDense,
  Mlp,
  madeMasks,
  NetworkParts,
} from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectTypedError,
  expectTypedOrFinite,
  FUZZ,
  hostileTensor,
  hostileValue,
  makeTensor,
  useFuzzBackend,
  withUnknownKey,
} from './harness.js';

useFuzzBackend();

// A valid, tiny options object for every public constructor of @gen/nn, by name.
const valid = {
  Dense: { inputSize: 3, outputSize: 2, seed: 1 },
  MaskedDense: {
    inputSize: 2,
    outputSize: 2,
    mask: [
      [1, 0],
      [1, 1],
    ],
    seed: 1,
  },
  Mlp: { inputSize: 3, hiddenSizes: [4], outputSize: 2, seed: 1 },
  Conv2d: { inChannels: 1, outChannels: 2, kernelSize: 3, padding: 'same', seed: 1 },
  Conv2dTranspose: { inChannels: 1, outChannels: 2, kernelSize: 2, stride: 2, seed: 1 },
  MadeNetwork: { inputSize: 3, hiddenSizes: [6], seed: 1 },
  ConditionalMadeNetwork: { inputSize: 3, hiddenSizes: [6], conditionSize: 2, seed: 1 },
  madeMasks: { inputSize: 3, hiddenSizes: [6], seed: 1 },
} as const;
type Name = keyof typeof valid;
const build: Record<Name, (o: object) => unknown> = {
  Dense: (o) => new Dense(o as never),
  MaskedDense: (o) => new MaskedDense(o as never),
  Mlp: (o) => new Mlp(o as never),
  Conv2d: (o) => new Conv2d(o as never),
  Conv2dTranspose: (o) => new Conv2dTranspose(o as never),
  MadeNetwork: (o) => new MadeNetwork(o as never),
  ConditionalMadeNetwork: (o) => new ConditionalMadeNetwork(o as never),
  madeMasks: (o) => madeMasks(o as never),
};
const names = Object.keys(valid) as Name[];

/** `options` with one of its keys replaced by a hostile value. */
function oneHostile(options: object): fc.Arbitrary<object> {
  return fc
    .record({ key: fc.constantFrom(...Object.keys(options)), value: hostileValue })
    .map(({ key, value }) => ({ ...options, [key]: value }));
}

/** Frees what a constructor returned (a module, or madeMasks' plain arrays). */
const free = (made: unknown) => (made as { dispose?: () => void }).dispose?.();

describe('fuzz @gen/nn', () => {
  it('constructors refuse unknown option keys, naming the constructor', async () => {
    for (const name of names) {
      await fc.assert(
        fc.asyncProperty(withUnknownKey(valid[name]), async (o) => {
          await expectTypedError(() => build[name](o), name);
        }),
        { ...FUZZ, numRuns: 6 },
      );
    }
  });

  it('constructors give a typed error or a working module for any hostile option value', async () => {
    for (const name of names) {
      await fc.assert(
        fc.asyncProperty(oneHostile(valid[name]), async (o) => {
          await expectTypedOrFinite(() => build[name](o), { cleanup: free });
        }),
        { ...FUZZ, numRuns: 40 },
      );
    }
  });

  it('apply of Dense, Mlp and MadeNetwork: typed error or finite output for any shape', async () => {
    const modules = [
      new Dense(valid.Dense),
      new Mlp(valid.Mlp),
      new MadeNetwork(valid.MadeNetwork),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, 2),
        hostileTensor({ finite: true, min: -100, max: 100 }),
        async (i, spec) => {
          const x = makeTensor(spec);
          await expectTypedOrFinite(() => modules[i]!.apply(x));
          x.dispose();
        },
      ),
      FUZZ,
    );
    for (const m of modules) m.dispose();
  });

  it('apply of Conv2d and Conv2dTranspose: typed error or finite output for any shape', async () => {
    const modules = [new Conv2d(valid.Conv2d as never), new Conv2dTranspose(valid.Conv2dTranspose)];
    const shape = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1), shape, async (i, s) => {
        const x = tf.ones(s);
        await expectTypedOrFinite(() => modules[i]!.apply(x));
        x.dispose();
      }),
      { ...FUZZ, numRuns: 40 },
    );
    for (const m of modules) m.dispose();
  });

  it('setWeights refuses anything but the module’s own finite weights, changing nothing', async () => {
    const mlp = new Mlp({ ...valid.Mlp, name: 'm' });
    const names = Object.keys(mlp.namedWeights());
    const before = mlp.getWeights();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        hostileTensor(),
        fc.boolean(),
        async (name, spec, extra) => {
          const weights = mlp.getWeights();
          weights[name]!.dispose();
          weights[name] = makeTensor(spec);
          if (extra) weights.extra = tf.scalar(1);
          const outcome = await expectTypedOrFinite(() => mlp.setWeights(weights));
          tf.dispose(weights);
          if (outcome === 'threw') return;
          // Accepted: only a finite float32 tensor of the right shape.
          expect(spec.dtype).toBe('float32');
          expect(spec.values.every(Number.isFinite)).toBe(true);
          mlp.setWeights(before);
        },
      ),
      FUZZ,
    );
    await expectTypedOrFinite(() => mlp.setWeights(hostileValue as never));
    tf.dispose(before);
    mlp.dispose();
  });

  it('fromLayersModel and NetworkParts: typed errors for hostile models, parts and options', async () => {
    const mlp = new Mlp(valid.Mlp);
    await fc.assert(
      fc.asyncProperty(hostileValue, hostileValue, async (model, options) => {
        await expectTypedOrFinite(() => fromLayersModel(model as never, options as never));
        await expectTypedOrFinite(() => new NetworkParts('P', { mlp }, options as never), {
          cleanup: () => {},
        });
        await expectTypedOrFinite(() =>
          new NetworkParts('P', { mlp }).set('P.set', model as never),
        );
      }),
      { ...FUZZ, numRuns: 60 },
    );
    mlp.dispose();
  });

  it('decodeWeightsFile: random bytes and any corruption of a valid file give FormatError', async () => {
    const mlp = new Mlp(valid.Mlp);
    const weights = mlp.getWeights();
    const good = await encodeWeightsFile(weights);
    tf.dispose(weights);
    mlp.dispose();
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
        expect(await expectTypedOrFinite(() => decodeWeightsFile(bad))).toBe('threw');
      }),
      { ...FUZZ, numRuns: 200 },
    );
    const noise = fc.uint8Array({ minLength: 0, maxLength: 300 });
    const withMagic = noise.map((b) => Uint8Array.from([0x47, 0x45, 0x4e, 0x57, ...b]));
    await fc.assert(
      fc.asyncProperty(fc.oneof(noise, withMagic), async (bytes) => {
        await expectTypedOrFinite(() => decodeWeightsFile(bytes));
      }),
      { ...FUZZ, numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(hostileValue, async (value) => {
        await expectTypedOrFinite(() => decodeWeightsFile(value as never));
      }),
      { ...FUZZ, numRuns: 30 },
    );
  });

  it('decodeWeights: hostile manifests and data give a typed error or finite weights', async () => {
    const spec = fc.record(
      {
        name: fc.oneof(fc.string({ maxLength: 3 }), hostileValue),
        shape: fc.oneof(fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 3 }), hostileValue),
        dtype: fc.oneof(fc.constantFrom('float32', 'int32', 'bool', 'float16'), hostileValue),
      },
      { requiredKeys: [] },
    );
    const manifest = fc.record(
      {
        format: fc.oneof(fc.constant('gen-weights'), hostileValue),
        version: fc.oneof(fc.constantFrom(1, 2), hostileValue),
        weights: fc.oneof(fc.array(spec, { maxLength: 3 }), hostileValue),
        byteLength: fc.oneof(fc.integer({ min: 0, max: 64 }), hostileValue),
        crc32: fc.oneof(fc.nat(), hostileValue),
      },
      { requiredKeys: [] },
    );
    const data = fc.oneof(fc.uint8Array({ maxLength: 64 }), hostileValue);
    await fc.assert(
      fc.asyncProperty(fc.oneof(manifest, hostileValue), data, async (m, d) => {
        await expectTypedOrFinite(() => decodeWeights(m, d as never));
      }),
      { ...FUZZ, numRuns: 300 },
    );
  });

  it('encodeWeights / encodeWeightsFile: typed error for anything but live tensors, else a round trip', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileValue,
          fc.dictionary(fc.string({ maxLength: 3 }), hostileValue, { maxKeys: 2 }),
        ),
        async (weights) => {
          await expectTypedOrFinite(() => encodeWeights(weights as never), { cleanup: () => {} });
          await expectTypedOrFinite(() => encodeWeightsFile(weights as never));
        },
      ),
      { ...FUZZ, numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(hostileTensor({ finite: true }), async (s) => {
        const t = makeTensor(s);
        const bytes = await encodeWeightsFile({ t });
        const back = decodeWeightsFile(bytes);
        expect(Array.from(await back.t!.data())).toEqual(Array.from(await t.data()));
        tf.dispose([t, back]);
      }),
      { ...FUZZ, numRuns: 30 },
    );
  });
});
