import { Rng } from '@gen/core';
import {
  bernoulliBinarize,
  loadCsv,
  makeToy,
  mixtureLogProb,
  mnistFromIdx,
  parseIdx,
  TOY_NAMES,
  trainValidationSplit,
} from '@gen/data';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  loadCsv as loadCsvFile,
  loadFashionMnist,
  loadMnist,
  readIdxFile,
} from '../../packages/data/src/node.js';
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

// The option keys each toy data set takes besides n, rng and seed.
const TOY_KEYS = [
  'radius',
  'std',
  'modes',
  'spacing',
  'size',
  'noise',
  'factor',
  'scale',
  'arms',
  'radialStd',
  'tangentialStd',
  'rate',
  'means',
  'stds',
  'weights',
];

/** An IDX file: magic (0, 0, type 0x08, rank), the sizes, then the bytes. */
function idx(shape: number[], bytes: number[]): Uint8Array {
  const header = [0, 0, 0x08, shape.length];
  for (const s of shape) header.push((s >>> 24) & 255, (s >>> 16) & 255, (s >>> 8) & 255, s & 255);
  return Uint8Array.from([...header, ...bytes]);
}

describe('fuzz @gen/data', () => {
  it('makeToy: unknown keys refused, hostile values give typed errors or finite data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TOY_NAMES),
        withUnknownKey({ n: 4, seed: 1 }),
        async (name, o) => {
          await expectTypedError(() => makeToy(name, o as never), `makeToy('${name}')`);
        },
      ),
      { ...FUZZ, numRuns: 10 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TOY_NAMES),
        fc.constantFrom('n', 'seed', 'rng', ...TOY_KEYS),
        fc.oneof(hostileValue, fc.array(hostileNumber, { maxLength: 3 })),
        async (name, key, value) => {
          await expectTypedOrFinite(() => makeToy(name, { n: 5, seed: 1, [key]: value } as never));
        },
      ),
      { ...FUZZ, numRuns: 150 },
    );
    for (const bad of [null, undefined, 3, 'x', []]) {
      await expectTypedOrFinite(() => makeToy('moons', bad as never));
      await expectTypedOrFinite(() => makeToy(bad as never, { n: 3 } as never));
    }
  });

  it('mixtureLogProb: typed error or finite density on hostile points and mixtures', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileTensor(),
        fc.oneof(
          fc.record({
            centers: fc.array(fc.array(hostileNumber, { minLength: 2, maxLength: 2 }), {
              minLength: 1,
              maxLength: 3,
            }),
            std: fc.oneof(hostileNumber, fc.array(hostileNumber, { maxLength: 3 })),
            weights: fc.option(fc.array(hostileNumber, { maxLength: 3 }), { nil: undefined }),
          }),
          hostileValue,
        ),
        async (spec, mixture) => {
          const x = makeTensor(spec);
          // Far-away points have density 0 in float32: log-density −Inf, never NaN.
          await expectTypedOrFinite(() => mixtureLogProb(x, mixture as never), {
            allowInfinite: true,
          });
          x.dispose();
        },
      ),
      { ...FUZZ, numRuns: 100 },
    );
    const nan = tf.tensor2d([[0, Number.NaN]]);
    await expectTypedError(
      () => mixtureLogProb(nan, { centers: [[0, 0]], std: 1 }),
      'mixtureLogProb',
    );
    nan.dispose();
  });

  it('bernoulliBinarize and trainValidationSplit: typed error or finite result', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileTensor(),
        fc.oneof(
          fc.constant({}),
          withUnknownKey({}),
          hostileValue,
          fc.record({ validationFraction: hostileValue }),
        ),
        async (spec, options) => {
          const x = makeTensor(spec);
          await expectTypedOrFinite(() => bernoulliBinarize(x, Rng.fromSeed(1)));
          await expectTypedOrFinite(() => bernoulliBinarize(x, options as never));
          await expectTypedOrFinite(() => trainValidationSplit(x, options as never));
          x.dispose();
        },
      ),
      { ...FUZZ, numRuns: 60 },
    );
  });

  it('loadCsv: typed error or finite data on hostile text and options', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc
        .array(
          fc.array(
            fc.oneof(
              hostileNumber.map(String),
              fc.constantFrom('', 'x', 'NaN', 'Infinity', '1e999'),
            ),
            { minLength: 1, maxLength: 3 },
          ),
          { maxLength: 4 },
        )
        .map((rows) => rows.map((r) => r.join(',')).join('\n')),
    );
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.oneof(fc.constant({}), fc.constant({ header: true }), withUnknownKey({}), hostileValue),
        async (t, options) => {
          await expectTypedOrFinite(() => loadCsv(t, options as never));
          await expectTypedOrFinite(() => loadCsv(new TextEncoder().encode(t), options as never));
        },
      ),
      { ...FUZZ, numRuns: 100 },
    );
    await expectTypedOrFinite(() => loadCsv(3 as never));
  });

  it('parseIdx and mnistFromIdx: typed error or finite data on corrupt bytes and options', async () => {
    const images = idx([2, 28, 28], Array(2 * 784).fill(128));
    const labels = idx([2], [3, 7]);
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: images.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.oneof(
          fc.constant({}),
          withUnknownKey({}),
          hostileValue,
          fc.record({ binarize: hostileValue }),
          fc.record({ limit: hostileValue }),
        ),
        async (bytes, at, value, options) => {
          await expectTypedOrFinite(() => parseIdx(bytes));
          const corrupt = images.slice();
          corrupt[at] = value;
          await expectTypedOrFinite(() => parseIdx(corrupt));
          await expectTypedOrFinite(() => mnistFromIdx(corrupt, labels, options as never));
          await expectTypedOrFinite(() => mnistFromIdx(images, bytes, options as never));
        },
      ),
      { ...FUZZ, numRuns: 60 },
    );
  });

  it('node loaders: typed errors for missing files, unknown keys and hostile options', async () => {
    const missing = '/nonexistent/gen-fuzz';
    await fc.assert(
      fc.asyncProperty(
        // Always a missing path: the default one holds the real MNIST, too slow to load here.
        fc.oneof(
          withUnknownKey({ path: missing }),
          fc.record({ path: hostileValue.filter((v) => v !== undefined) }),
          fc.record({ split: hostileValue, path: fc.constant(missing) }),
          fc.record({ limit: hostileValue, path: fc.constant(missing) }),
          hostileValue.filter(
            (v) => v !== undefined && !(typeof v === 'object' && v !== null && !Array.isArray(v)),
          ),
        ),
        async (options) => {
          await expectTypedOrFinite(() => loadMnist(options as never));
          await expectTypedOrFinite(() => loadFashionMnist(options as never));
          await expectTypedOrFinite(() =>
            loadCsvFile(new URL(`file://${missing}.csv`), options as never),
          );
          await expectTypedOrFinite(() => readIdxFile(options as never));
        },
      ),
      { ...FUZZ, numRuns: 30 },
    );
    await expectTypedError(() => readIdxFile(missing), 'readIdxFile');
  });
});
