import { Rng } from '@gen/core';
import {
  ActNorm,
  AffineCoupling,
  BatchNorm,
  ConvAffineCoupling,
  Flow,
  InvertibleConv1x1,
  LuLinear,
  MaskedAutoregressive,
  MaskedAutoregressiveSpline,
  MultiscaleFlow,
  Planar,
  Radial,
  RationalQuadraticSpline,
  Reverse,
  Squeeze,
  standardNormal,
  unconstrainedRqSpline,
} from '@gen/flows';
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

const DIM = 2;
const tiny = { dim: DIM, hiddenSizes: [3], seed: 1 };

// One tiny instance of every public bijector constructor of @gen/flows, by name.
const bijectors = {
  ActNorm: (o: object) => new ActNorm(o as never),
  AffineCoupling: (o: object) => new AffineCoupling(o as never),
  BatchNorm: (o: object) => new BatchNorm(o as never),
  LuLinear: (o: object) => new LuLinear(o as never),
  MaskedAutoregressive: (o: object) => new MaskedAutoregressive(o as never),
  MaskedAutoregressiveSpline: (o: object) => new MaskedAutoregressiveSpline(o as never),
  Planar: (o: object) => new Planar(o as never),
  Radial: (o: object) => new Radial(o as never),
  RationalQuadraticSpline: (o: object) => new RationalQuadraticSpline(o as never),
  Reverse: (o: object) => new Reverse(o as never),
};
const names = Object.keys(bijectors) as (keyof typeof bijectors)[];

function tinyFlow(): Flow {
  return new Flow({
    base: standardNormal(DIM),
    transforms: [
      new AffineCoupling({ ...tiny, parity: 0 }),
      new RationalQuadraticSpline({ ...tiny, parity: 1, bins: 3 }),
      new MaskedAutoregressive(tiny),
    ],
  });
}

describe('fuzz @gen/flows', () => {
  it('bijector constructors refuse unknown option keys, naming the constructor', async () => {
    for (const name of names) {
      await fc.assert(
        fc.asyncProperty(withUnknownKey(name === 'Reverse' ? { dim: DIM } : tiny), async (o) => {
          await expectTypedError(() => bijectors[name](o), name);
        }),
        { ...FUZZ, numRuns: 6 },
      );
    }
  });

  it('bijector constructors take hostile option values: typed error or a working bijector', async () => {
    const keys = [
      'dim',
      'hiddenSizes',
      'seed',
      'name',
      'parity',
      'bins',
      'dataInit',
      'scale',
      'permutation',
      'momentum',
      'epsilon',
      'conditionSize',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.constantFrom(...keys),
        hostileValue,
        async (name, key, value) => {
          const options = { ...(name === 'Reverse' ? { dim: DIM } : tiny), [key]: value };
          await expectTypedOrFinite(() => bijectors[name](options));
        },
      ),
      { ...FUZZ, numRuns: 120 },
    );
    for (const name of names) {
      for (const bad of [null, undefined, 3.5, 'abc', [], () => 1]) {
        await expectTypedOrFinite(() => bijectors[name](bad as never));
      }
    }
  });

  it('bijectors map hostile-shaped finite inputs to finite values or typed errors', async () => {
    const made = Object.fromEntries(
      names.map((n) => [n, bijectors[n](n === 'Reverse' ? { dim: DIM } : tiny)]),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.constantFrom('forward', 'inverse', 'forwardAndLogDet', 'inverseAndLogDet'),
        hostileTensor({ finite: true, min: -5, max: 5 }),
        async (name, method, spec) => {
          const x = makeTensor(spec);
          const b = made[name] as unknown as Record<string, (x: tf.Tensor) => unknown>;
          await expectTypedOrFinite(() => b[method]!(x));
          x.dispose();
        },
      ),
      { ...FUZZ, numRuns: 80 },
    );
    for (const b of Object.values(made)) (b as { dispose?: () => void }).dispose?.();
  });

  it('Flow refuses unknown keys and bad parts with typed errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        withUnknownKey({ base: 0, transforms: [] }),
        hostileValue,
        async (o, bad) => {
          await expectTypedError(() => new Flow(o as never), 'Flow');
          await expectTypedError(() => new Flow({ base: bad, transforms: bad } as never), 'Flow');
        },
      ),
      { ...FUZZ, numRuns: 20 },
    );
  });

  it('Flow.loss, logProb and sampling: typed error or finite result on hostile input', async () => {
    const flow = tinyFlow();
    await fc.assert(
      fc.asyncProperty(hostileTensor(), async (spec) => {
        const x = makeTensor(spec);
        // Finite float32 data beyond ~1e19 squares to Inf, so its log-density is −Inf and its
        // NLL +Inf: the float32 answer, never a NaN.
        await expectTypedOrFinite(() => flow.loss(x), { allowInfinite: true });
        await expectTypedOrFinite(() => flow.logProb(x), { allowInfinite: true });
        x.dispose();
      }),
      { ...FUZZ, numRuns: 80 },
    );
    await fc.assert(
      fc.asyncProperty(hostileValue, async (n) => {
        await expectTypedOrFinite(() => flow.sample(n as number, Rng.fromSeed(1)));
        await expectTypedOrFinite(() => flow.sampleAndLogProb(n as number, Rng.fromSeed(1)));
        await expectTypedOrFinite(() => flow.sample(2, n as never));
      }),
      { ...FUZZ, numRuns: 40 },
    );
    flow.dispose();
  });

  it('Flow.loss and Flow.logProb name themselves for NaN, ±Inf and wrong widths', async () => {
    const flow = tinyFlow();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const x = tf.tensor2d([[0, bad]]);
      await expectTypedError(() => flow.loss(x), 'Flow.loss');
      await expectTypedError(() => flow.logProb(x), 'Flow.logProb');
      x.dispose();
    }
    const wide = tf.zeros([3, DIM + 1]);
    await expectTypedError(() => flow.loss(wide), 'Flow.loss');
    await expectTypedError(() => flow.logProb(wide), 'Flow.logProb');
    wide.dispose();
    flow.dispose();
  });

  it('Flow.setWeights takes hostile weights: typed error, never a silent NaN', async () => {
    const flow = tinyFlow();
    const names = Object.keys(flow.getWeights());
    const before = flow.getWeights();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), hostileTensor(), async (name, spec) => {
        const weights = flow.getWeights();
        const t = makeTensor(spec);
        tf.dispose(weights[name]);
        weights[name] = t;
        await expectTypedOrFinite(() => flow.setWeights(weights));
        tf.dispose(Object.values(weights));
      }),
      { ...FUZZ, numRuns: 40 },
    );
    const x = tf.zeros([1, DIM]);
    const lp = flow.logProb(x);
    expect(Number.isFinite(lp.dataSync()[0])).toBe(true);
    tf.dispose([x, lp, ...Object.values(before)]);
    flow.dispose();
  });

  it('unconstrainedRqSpline: typed error or finite result on hostile arguments', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileTensor({ shape: [2] }),
        fc.integer({ min: 0, max: 4 }),
        fc.oneof(fc.constant({}), withUnknownKey({}), hostileValue),
        async (spec, bins, options) => {
          const x = makeTensor(spec);
          const params = {
            widths: tf.zeros([2, bins]),
            heights: tf.zeros([2, bins]),
            derivatives: tf.zeros([2, Math.max(bins - 1, 0)]),
          };
          await expectTypedOrFinite(() => unconstrainedRqSpline(x, params, options as never));
          tf.dispose([x, ...Object.values(params)]);
        },
      ),
      { ...FUZZ, numRuns: 60 },
    );
  });
});

// The image layers (event [h, w, C]) and the multiscale image flow, on 4 × 4 × 2 images.
const image = {
  ConvAffineCoupling: (o: object) => new ConvAffineCoupling(o as never),
  InvertibleConv1x1: (o: object) => new InvertibleConv1x1(o as never),
  Squeeze: (o: object) => new Squeeze(o as never),
};
const imageNames = Object.keys(image) as (keyof typeof image)[];
const tinyImage = (name: keyof typeof image) =>
  name === 'Squeeze'
    ? { dim: 2 }
    : name === 'ConvAffineCoupling'
      ? { dim: 2, hiddenChannels: 2, seed: 1 }
      : { dim: 2, seed: 1 };
const tinyMultiscale = {
  shape: [4, 4, 2],
  levels: 2,
  stepsPerLevel: 1,
  hiddenChannels: 2,
  seed: 1,
};

describe('fuzz @gen/flows image flows', () => {
  it('image layers and MultiscaleFlow refuse unknown option keys and take hostile values', async () => {
    for (const name of imageNames) {
      await fc.assert(
        fc.asyncProperty(withUnknownKey(tinyImage(name)), async (o) => {
          await expectTypedError(() => image[name](o), name);
        }),
        { ...FUZZ, numRuns: 4 },
      );
    }
    await fc.assert(
      fc.asyncProperty(withUnknownKey(tinyMultiscale), async (o) => {
        await expectTypedError(() => new MultiscaleFlow(o as never), 'MultiscaleFlow');
      }),
      { ...FUZZ, numRuns: 4 },
    );
    const keys = [
      'dim',
      'hiddenChannels',
      'mask',
      'parity',
      'shape',
      'levels',
      'stepsPerLevel',
      'alpha',
      'logScaleBound',
      'seed',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), hostileValue, async (key, value) => {
        for (const name of imageNames) {
          await expectTypedOrFinite(() => image[name]({ ...tinyImage(name), [key]: value }));
        }
        await expectTypedOrFinite(
          () => new MultiscaleFlow({ ...tinyMultiscale, [key]: value } as never),
        );
      }),
      { ...FUZZ, numRuns: 40 },
    );
  });

  it('image layers and MultiscaleFlow map hostile inputs to finite values or typed errors', async () => {
    const made = imageNames.map((n) => image[n](tinyImage(n)));
    const flow = new MultiscaleFlow(tinyMultiscale as never);
    await fc.assert(
      fc.asyncProperty(
        hostileTensor({ finite: true, min: -3, max: 3, shape: [1, 4, 4, 2] }),
        fc.constantFrom('forward', 'inverse', 'forwardAndLogDet', 'inverseAndLogDet'),
        async (spec, method) => {
          const x = makeTensor(spec);
          for (const b of made) {
            await expectTypedOrFinite(() =>
              (b as unknown as Record<string, (x: tf.Tensor) => unknown>)[method]!(x),
            );
          }
          x.dispose();
        },
      ),
      { ...FUZZ, numRuns: 30 },
    );
    await fc.assert(
      fc.asyncProperty(hostileTensor(), async (spec) => {
        const x = makeTensor(spec);
        await expectTypedOrFinite(() => flow.loss(x, Rng.fromSeed(1)), { allowInfinite: true });
        await expectTypedOrFinite(() => flow.logProb(x), { allowInfinite: true });
        x.dispose();
      }),
      { ...FUZZ, numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(hostileValue, async (n) => {
        await expectTypedOrFinite(() => flow.sample(n as number, Rng.fromSeed(1)));
        await expectTypedOrFinite(() => flow.sample(2, n as never));
        await expectTypedOrFinite(() =>
          flow.sample(2, Rng.fromSeed(1), { temperature: n } as never),
        );
      }),
      { ...FUZZ, numRuns: 30 },
    );
    for (const b of made) (b as { dispose?: () => void }).dispose?.();
    flow.dispose();
  });
});
