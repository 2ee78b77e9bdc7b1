import { Normal } from '@gen/distributions';
import {
  FGAN_MIXTURE,
  FGAN_NAMES,
  formatMatrix,
  GaussianFits,
  mixtureOf,
  momentMatch,
  offDiagonalMinima,
  quadratureDivergence,
  quadratureFit,
  runFgan,
  trainTestMatrix,
  variationalFit,
} from '@gen/experiments';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  expectTypedError,
  expectTypedOrFinite,
  FUZZ,
  hostileNumber,
  hostileValue,
  useFuzzBackend,
  withUnknownKey,
} from './harness.js';

useFuzzBackend();

// The experiments train for hundreds of steps; these properties feed them hostile arguments,
// which must be refused before any training starts, and run real work only at tiny sizes.
const tiny = { points: 11 };

describe('fuzz @gen/experiments', () => {
  let p: Normal;
  beforeAll(() => {
    p = new Normal({ loc: 0, scale: 1 });
  });
  afterAll(() => p.dispose());

  it('unknown option keys are refused by every entry point, naming it', async () => {
    await fc.assert(
      fc.asyncProperty(withUnknownKey({}), async (o) => {
        await expectTypedError(() => runFgan(o as never), 'runFgan');
        await expectTypedError(() => variationalFit('kl', p, 1, o as never), 'variationalFit');
        await expectTypedError(() => quadratureFit('kl', p, o as never), 'quadratureFit');
        await expectTypedError(
          () => quadratureDivergence('kl', p, { mu: 0, sigma: 1 }, o as never),
          'quadratureDivergence',
        );
        await expectTypedError(() => new GaussianFits(p, o as never), 'GaussianFits');
        await expectTypedError(() => mixtureOf({ ...FGAN_MIXTURE, ...o } as never), 'mixtureOf');
      }),
      { ...FUZZ, numRuns: 6 },
    );
  });

  it('hostile options and arguments: typed error or finite result, nothing trained', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('steps', 'warmUp', 'averageFrom', 'batch', 'seed', 'onProgress'),
        hostileValue,
        async (key, value) => {
          // Only refusals are cheap here: skip the values that would start a real run.
          const budget = { steps: 0, [key]: value };
          await expectTypedError(() => runFgan(budget as never), 'runFgan');
          await expectTypedError(
            () => variationalFit('kl', p, 1, budget as never),
            'variationalFit',
          );
          // A plain object (or nothing) would start the real experiment: minutes of training.
          if (value !== null && typeof value === 'object' && !Array.isArray(value)) return;
          if (value === undefined) return;
          await expectTypedOrFinite(() => runFgan(value as never));
          await expectTypedOrFinite(() => variationalFit(value as never, p, 1, { steps: 0 }));
          await expectTypedOrFinite(() => variationalFit('kl', value as never, 1));
          await expectTypedOrFinite(() => variationalFit('kl', p, value as number, { steps: 0 }));
        },
      ),
      { ...FUZZ, numRuns: 60 },
    );
  });

  it('quadrature: typed error or finite divergence for hostile fits and options', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.record({ mu: hostileNumber, sigma: hostileNumber }), hostileValue),
        fc.oneof(
          fc.constant(tiny),
          fc.record({ points: hostileValue }),
          fc.record({
            points: fc.constant(11),
            range: fc.oneof(hostileValue, fc.array(hostileNumber, { maxLength: 3 })),
          }),
          hostileValue,
        ),
        async (fit, options) => {
          await expectTypedOrFinite(() =>
            quadratureDivergence('kl', p, fit as never, options as never),
          );
          await expectTypedOrFinite(() => new GaussianFits(p, options as never).dispose());
        },
      ),
      { ...FUZZ, numRuns: 80 },
    );
  });

  it('GaussianFits: hostile names, steps, learning rates and starts', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, async (v) => {
        const fits = new GaussianFits(p, tiny);
        try {
          await expectTypedOrFinite(() => fits.step(v as never, 1));
          await expectTypedOrFinite(() => fits.step([], v as number));
          await expectTypedOrFinite(() => fits.setLearningRate(v as number));
          await expectTypedOrFinite(() => fits.gradientNorm(v as never));
          await expectTypedOrFinite(() => fits.snapshot(v as never));
          await expectTypedOrFinite(() => new GaussianFits(p, { start: v } as never).dispose());
          await expectTypedOrFinite(() => new GaussianFits(v as never));
        } finally {
          fits.dispose();
        }
      }),
      { ...FUZZ, numRuns: 40 },
    );
    // A real run at a tiny size: finite numbers, and everything freed with the fits.
    await expectTypedOrFinite(async () => {
      const fits = new GaussianFits(p, tiny);
      try {
        await fits.step(['kl', 'js'], 2);
        return await fits.snapshot(['kl', 'js']);
      } finally {
        fits.dispose();
      }
    });
  });

  it('mixture specs and matrices: typed error or finite result', async () => {
    const spec = fc.record({
      weights: fc.oneof(hostileValue, fc.array(hostileNumber, { maxLength: 4 })),
      means: fc.oneof(hostileValue, fc.array(hostileNumber, { maxLength: 4 })),
      scales: fc.oneof(hostileValue, fc.array(hostileNumber, { maxLength: 4 })),
    });
    const matrix = fc.oneof(
      hostileValue,
      fc.array(fc.array(hostileNumber, { maxLength: 6 }), { maxLength: 6 }),
      fc.array(fc.array(fc.double(), { minLength: 5, maxLength: 5 }), {
        minLength: 5,
        maxLength: 5,
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(spec, hostileValue), matrix, hostileValue, async (s, m, extra) => {
        await expectTypedOrFinite(() => mixtureOf(s as never));
        await expectTypedOrFinite(() => momentMatch(s as never));
        // Reports of plain numbers: any number they were given may come back, but no raw error.
        await expectTypedOrFinite(() => offDiagonalMinima(m as never).length);
        await expectTypedOrFinite(() => formatMatrix('t', m as never, extra as never).length);
        await expectTypedOrFinite(() => trainTestMatrix(p, m as never, tiny));
      }),
      { ...FUZZ, numRuns: 80 },
    );
    const fits = Object.fromEntries(FGAN_NAMES.map((n) => [n, { mu: 0, sigma: 1 }]));
    await expectTypedOrFinite(() => trainTestMatrix(p, fits as never, tiny));
  });
});
