import { GenError, InvalidArgumentError, NotImplementedError, Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { continuousExamples } from '../test/examples/continuous.js';
import { continuousZooAExamples } from '../test/examples/continuous-zoo-a.js';
import { continuousZooBExamples } from '../test/examples/continuous-zoo-b.js';
import { discreteExamples } from '../test/examples/discrete.js';
import { discreteZooExamples } from '../test/examples/discrete-zoo.js';
import { loadFixture } from '../test/examples/load-fixture.js';
import { multivariateZooExamples } from '../test/examples/multivariate-zoo.js';
import { type FamilyExample, type FamilyFixture, ICDF_PROBS } from '../test/examples/types.js';
import type { BaseDistribution } from './distribution.js';
import { hasKl, kl } from './kl/index.js';
import { checkConstraint } from './validation.js';

/*
 * The generic suites: every example of every family (test/examples/*.ts) gets the same checks against
 * its scipy fixture (fixtures/<group>.json) and the same statistical, gradient, memory and
 * validation checks, on every backend of `describeBackends`.
 *
 * Statistical tests use a fixed seed per example and a bound of 4 standard errors, a two-sided
 * false-failure rate of 6.3e-5 per compared element under the normal approximation.
 */

const examples: FamilyExample[] = [
  ...continuousExamples,
  ...continuousZooAExamples,
  ...continuousZooBExamples,
  ...discreteExamples,
  ...discreteZooExamples,
  ...multivariateZooExamples,
];
const DEFAULT_SAMPLES = 20000;
const SE_BOUND = 4;

const fixtureGroups = new Map<string, Record<string, FamilyFixture>>();
function fixtureOf(example: FamilyExample): FamilyFixture {
  const { group, key } = example.fixture;
  let table = fixtureGroups.get(group);
  if (table === undefined) {
    table = loadFixture(group) as Record<string, FamilyFixture>;
    fixtureGroups.set(group, table);
  }
  const entry = table[key];
  if (entry === undefined) {
    throw new Error(`${example.name}: no fixture '${key}' in fixtures/${group}.json`);
  }
  return entry;
}

type Nested = number | Nested[];

/** Row-major values of a nested array (a number gives one value). */
function flat(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(flat);
  throw new Error(`fixture value ${JSON.stringify(value)} is not a number or a nested array`);
}

/** `value` broadcast to `size` elements: a scalar is repeated, anything else must match. */
function flatOfSize(value: unknown, size: number, what: string): number[] {
  const values = flat(value);
  if (values.length === size) return values;
  if (values.length === 1) return new Array<number>(size).fill(values[0]!);
  throw new Error(`${what}: fixture has ${values.length} values, expected ${size}`);
}

/** A fresh instance, disposed after `fn` whatever happens. */
function withExample<T>(example: FamilyExample, fn: (d: BaseDistribution) => T): T {
  const d = example.make();
  try {
    return fn(d);
  } finally {
    d.dispose();
  }
}

/** Gradients of `f` with respect to the float32 parameters (undefined where unconnected). */
function paramGradients(d: BaseDistribution, f: () => tf.Tensor): (tf.Tensor | undefined)[] {
  const params = Object.values(d.params).filter((t) => t.dtype === 'float32');
  const { value, grads } = tf.engine().gradients(() => tf.sum(f()), params, undefined, true);
  const out = grads.map((g) => (g === undefined || g === null ? undefined : tf.keep(g)));
  value.dispose();
  return out;
}

function seedOf(name: string): number {
  let h = 17;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 1_000_003;
  return h + 1;
}

describeBackends('family examples', () => {
  for (const example of examples) {
    const tolerance = { atol: 1e-4, rtol: 1e-4, ...example.tolerance };

    describe(example.name, () => {
      it('logProb at the example points matches the fixture', () => {
        const fixture = fixtureOf(example);
        expect(fixture.logProb, 'every example needs a logProb fixture').toBeDefined();
        withExample(example, (d) => {
          const out = d.logProb(tf.tensor(example.points as Nested as number[]));
          expectClose(out, fixture.logProb as number[], { ...tolerance, equalNan: true });
          out.dispose();
        });
      });

      it('entropy, mean and variance match the fixture where it has them', () => {
        const fixture = fixtureOf(example);
        withExample(example, (d) => {
          const fields = [
            ['entropy', () => d.entropy(), [...d.batchShape]],
            ['mean', () => d.mean(), [...d.batchShape, ...d.eventShape]],
            ['variance', () => d.variance(), [...d.batchShape, ...d.eventShape]],
          ] as const;
          for (const [field, compute, shape] of fields) {
            const expected = fixture[field];
            if (expected === undefined) continue;
            const out = compute();
            expect(out.shape, `${field} shape`).toEqual(shape);
            const size = shape.reduce((a, b) => a * b, 1);
            expectClose(
              Array.from(out.dataSync()),
              flatOfSize(expected, size, `${example.name} ${field}`),
              { ...tolerance, equalNan: true, message: field },
            );
            out.dispose();
          }
        });
      });

      it('sample has shape [n, ...batch, ...event], carries no gradient, and has finite logProb', () => {
        withExample(example, (d) => {
          const x = d.sample(7, Rng.fromSeed(seedOf(example.name)));
          expect(x.shape).toEqual([7, ...d.batchShape, ...d.eventShape]);
          const lp = d.logProb(x);
          expect(lp.shape).toEqual([7, ...d.batchShape]);
          const values = lp.dataSync();
          for (const v of values) expect(Number.isFinite(v), `logProb ${v}`).toBe(true);
          tf.dispose([x, lp]);
          const grads = paramGradients(d, () => d.sample(5, Rng.fromSeed(1)));
          for (const g of grads) {
            if (g === undefined) continue;
            expectClose(g, 0, { atol: 0, rtol: 0, message: 'gradient of sample' });
            g.dispose();
          }
        });
      });

      it('sample takes a sample shape, refuses a bad one, and every draw lies in the support', () => {
        withExample(example, (d) => {
          const rest = [...d.batchShape, ...d.eventShape];
          const grid = d.sample([2, 3], Rng.fromSeed(5));
          expect(grid.shape).toEqual([2, 3, ...rest]);
          const one = d.sample([], Rng.fromSeed(5));
          expect(one.shape).toEqual(rest);
          expect(() => d.sample([2, 0], Rng.fromSeed(5))).toThrow(InvalidArgumentError);
          expect(() => d.sample([1.5], Rng.fromSeed(5))).toThrow(/sample: argument 'shape'/);
          const many = d.sample(200, Rng.fromSeed(seedOf(example.name)));
          expect(() => checkConstraint('test', 'draws', many, d.support)).not.toThrow();
          tf.dispose([grid, one, many]);
        });
      });

      it('mode, cdf and icdf match the fixture where it has them, else throw NotImplementedError', () => {
        const fixture = fixtureOf(example);
        withExample(example, (d) => {
          if (fixture.mode === undefined) expect(() => d.mode()).toThrow(NotImplementedError);
          else {
            const mode = d.mode();
            expect(mode.shape, 'mode shape').toEqual([...d.batchShape, ...d.eventShape]);
            expectClose(mode, fixture.mode as number[], { ...tolerance, equalNan: true });
            mode.dispose();
          }
          const points = tf.tensor(example.points as Nested as number[]);
          if (fixture.cdf === undefined) expect(() => d.cdf(points)).toThrow(NotImplementedError);
          else {
            const cdf = d.cdf(points);
            expectClose(cdf, fixture.cdf as number[], { ...tolerance, equalNan: true });
            cdf.dispose();
          }
          points.dispose();
          const probs = tf.tidy(() =>
            tf.broadcastTo(
              tf.reshape(tf.tensor1d([...ICDF_PROBS]), [
                ICDF_PROBS.length,
                ...d.batchShape.map(() => 1),
              ]),
              [ICDF_PROBS.length, ...d.batchShape],
            ),
          );
          if (fixture.icdf === undefined) expect(() => d.icdf(probs)).toThrow(NotImplementedError);
          else {
            const icdf = d.icdf(probs);
            expect(icdf.shape, 'icdf shape').toEqual([ICDF_PROBS.length, ...d.batchShape]);
            expectClose(icdf, fixture.icdf as number[], { ...tolerance, equalNan: true });
            if (fixture.cdf !== undefined) {
              // The round trip: cdf(icdf(p)) = p for a continuous family, ≥ p for a discrete one.
              const back = d.cdf(icdf);
              const p = probs.dataSync();
              back.dataSync().forEach((v, i) => {
                if (example.discrete === true)
                  expect(v, `cdf(icdf(${p[i]}))`).toBeGreaterThanOrEqual(p[i]! - 1e-6);
                else
                  expect(Math.abs(v - p[i]!), `cdf(icdf(${p[i]})) = ${v}`).toBeLessThanOrEqual(
                    1e-4,
                  );
              });
              back.dispose();
            }
            icdf.dispose();
          }
          probs.dispose();
        });
      });

      it('rsample has a gradient exactly when hasRsample', () => {
        withExample(example, (d) => {
          if (!d.hasRsample) {
            expect(() => d.rsample(3, Rng.fromSeed(2))).toThrow(NotImplementedError);
            return;
          }
          const x = d.rsample(4, Rng.fromSeed(2));
          expect(x.shape).toEqual([4, ...d.batchShape, ...d.eventShape]);
          x.dispose();
          const grads = paramGradients(d, () => d.rsample(50, Rng.fromSeed(3)));
          let nonZero = false;
          for (const g of grads) {
            if (g === undefined) continue;
            for (const v of g.dataSync()) {
              expect(Number.isFinite(v), `rsample gradient ${v}`).toBe(true);
              if (v !== 0) nonZero = true;
            }
            g.dispose();
          }
          expect(nonZero, 'some parameter receives a non-zero rsample gradient').toBe(true);
        });
      });

      if (example.momentTest !== false) {
        it('sample mean and variance lie within 4 standard errors of the fixture', () => {
          const fixture = fixtureOf(example);
          const n = example.samples ?? DEFAULT_SAMPLES;
          withExample(example, (d) => {
            const x = d.sample(n, Rng.fromSeed(seedOf(example.name)));
            const data = x.dataSync();
            x.dispose();
            const size = data.length / n;
            const variance =
              fixture.variance === undefined
                ? undefined
                : flatOfSize(fixture.variance, size, `${example.name} variance`);
            expect(
              fixture.mean !== undefined && variance !== undefined,
              'a moment test needs mean and variance in the fixture (or momentTest: false)',
            ).toBe(true);
            const mean = flatOfSize(fixture.mean, size, `${example.name} mean`);
            const kurtosis =
              fixture.excessKurtosis === undefined
                ? undefined
                : flatOfSize(fixture.excessKurtosis, size, `${example.name} excessKurtosis`);
            for (let j = 0; j < size; j++) {
              const mu = mean[j]!;
              const sigma2 = variance![j]!;
              let s = 0;
              let ss = 0;
              for (let i = 0; i < n; i++) {
                const x = data[i * size + j]!;
                s += x;
                ss += (x - mu) ** 2;
              }
              const m = s / n;
              // The second moment about the fixture's mean: unbiased, with variance exactly
              // (μ4 − σ⁴)/n (the sample variance adds an O(1/n) term that dominates where
              // μ4 = σ⁴, as for a fair coin).
              const v = ss / n;
              // Float32 draws and an expected value in float64: allow their rounding, no more.
              const rounding = 1e-6 * (1 + Math.abs(mu));
              const seMean = Math.sqrt(sigma2 / n);
              expect(
                Math.abs(m - mu),
                `element ${j}: sample mean ${m}, expected ${mu} ± ${SE_BOUND} × ${seMean}`,
              ).toBeLessThanOrEqual(SE_BOUND * seMean + rounding);
              if (kurtosis === undefined) continue;
              const mu4 = (kurtosis[j]! + 3) * sigma2 * sigma2;
              const seVar = Math.sqrt((mu4 - sigma2 * sigma2) / n);
              expect(
                Math.abs(v - sigma2),
                `element ${j}: sample variance ${v}, expected ${sigma2} ± ${SE_BOUND} × ${seVar}`,
              ).toBeLessThanOrEqual(SE_BOUND * seVar + 1e-6 * (1 + sigma2));
            }
          });
        });
      }

      it('logProb outside the support throws a typed error when validation is on', () => {
        withExample(example, (d) => {
          expect(d.validateArgs, 'examples are built with validation on').toBe(true);
          const outside =
            example.outside === undefined
              ? tf.fill([...d.eventShape], Number.NaN)
              : tf.tensor(example.outside as Nested as number[]);
          expect(() => d.logProb(outside)).toThrow(GenError);
          outside.dispose();
        });
      });

      it('KL to itself is 0 where a closed form is registered, else NotImplementedError', () => {
        withExample(example, (d) => {
          if (!hasKl(d, d)) {
            expect(() => kl(d, d)).toThrow(NotImplementedError);
            return;
          }
          const out = kl(d, d);
          expect(out.shape).toEqual([...d.batchShape]);
          // Rounding of O(1) terms that cancel exactly in real arithmetic.
          expectClose(out, 0, { atol: 1e-5, rtol: 0 });
          out.dispose();
        });
      });

      it('expand([2, ...batch]) broadcasts logProb, mean and draws, refuses a bad shape, leaks nothing', async () => {
        const points = tf.tensor(example.points as Nested as number[]);
        await expectNoLeak(() => {
          const d = example.make();
          const batch = [...d.batchShape];
          const e = d.expand([2, ...batch]);
          expect([e.constructor, e.batchShape, e.eventShape]).toEqual([
            d.constructor,
            [2, ...batch],
            d.eventShape,
          ]);
          expect(e.validateArgs).toBe(d.validateArgs);
          expect(() => d.expand([1.5])).toThrow(InvalidArgumentError);
          if (batch.length > 0)
            expect(() => d.expand(batch.slice(1))).toThrow(/expand: argument 'batchShape'/);
          const lp = d.logProb(points);
          const sampleRank = lp.rank - batch.length;
          // The points with a new axis of 1 before the batch axes: [...sample, 1, ...batch, ...event].
          const x = tf.tidy(() =>
            tf.expandDims(tf.broadcastTo(points, [...lp.shape, ...d.eventShape]), sampleRank),
          );
          let mean: tf.Tensor | undefined;
          try {
            mean = d.mean();
          } catch (error) {
            if (!(error instanceof NotImplementedError)) throw error;
          }
          d.dispose(); // the copy holds its own tensors
          const out = e.logProb(x);
          const twice = tf.stack([lp, lp], sampleRank);
          expectClose(out, twice, { ...tolerance, equalNan: true });
          twice.dispose();
          if (mean === undefined) expect(() => e.mean()).toThrow(NotImplementedError);
          else {
            const [m, means] = [e.mean(), tf.stack([mean, mean])];
            expectClose(m, means, { ...tolerance, equalNan: true });
            tf.dispose([m, means]);
          }
          const draws = e.sample([3], Rng.fromSeed(6));
          expect(draws.shape).toEqual([3, 2, ...batch, ...d.eventShape]);
          e.dispose();
          return [lp, x, mean, out, draws];
        }, `${example.name} expand`);
        points.dispose();
      });

      it('does not leak', async () => {
        const points = tf.tensor(example.points as Nested as number[]);
        await expectNoLeak(() => {
          const d = example.make();
          const rng = Rng.fromSeed(4);
          const out = [
            d.sample(3, rng),
            d.logProb(points),
            d.entropy(),
            d.mean(),
            d.variance(),
            ...(d.hasRsample ? [d.rsample(3, rng)] : []),
            d.sample([2, 2], rng),
          ];
          // mode, cdf and icdf where the family has them (NotImplementedError otherwise).
          const half = tf.fill([...d.batchShape], 0.5);
          for (const method of [() => d.mode(), () => d.cdf(points), () => d.icdf(half)]) {
            try {
              out.push(method());
            } catch (error) {
              if (!(error instanceof NotImplementedError)) throw error;
            }
          }
          half.dispose();
          d.dispose();
          return out;
        }, example.name);
        points.dispose();
      });
    });
  }
});

describe('examples registry', () => {
  it('every example has a unique name and a fixture entry', () => {
    const names = examples.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const example of examples) expect(() => fixtureOf(example)).not.toThrow();
  });
});
