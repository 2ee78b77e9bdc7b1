import { InvalidArgumentError, initBackend, NotImplementedError, Rng } from '@gen/core';
import { expectClose, expectNoLeak, foreignRng } from '@gen/core/testing';
import { Mixture, MultivariateNormal, Normal, Uniform } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGradientMatches, scalar } from '../test/support.js';
import { divergence } from './divergence.js';
import { divergenceEstimate } from './divergence-estimate.js';
import { type DivergenceName, divergenceNames } from './names.js';

const quadrature = { method: 'quadrature' as const };
const a = () => new Normal({ loc: 0, scale: 1 });
const b = () => new Normal({ loc: 1, scale: 2 });
const c = () => new Normal({ loc: 1, scale: 1 });
/** 0.5 N(−2, 0.7²) + 0.3 N(1.5, 0.8²) + 0.2 N(4, 1). */
const mixture = () =>
  new Mixture({
    probs: [0.5, 0.3, 0.2],
    components: new Normal({ loc: [-2, 1.5, 4], scale: [0.7, 0.8, 1] }),
  });
const options = (name: DivergenceName) => (name === 'alpha' ? { alpha: 0.5 } : {});

describe('divergence between distributions', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  // Closed forms: docs/references.md#kl-divergences-in-closed-form
  it('uses the KL registry for kl, reverse-kl and jeffreys', () => {
    expectClose(divergence('kl', a(), b()), 0.443147, { atol: 1e-6 });
    expectClose(divergence('reverse-kl', a(), b()), 1.306853, { atol: 1e-6 });
    expectClose(divergence('jeffreys', a(), b()), 1.75, { atol: 1e-6 });
    expectClose(divergence('alpha', a(), b(), { alpha: 1 }), 0.443147, { atol: 1e-6 });
    const batch = divergence(
      'kl',
      new Normal({ loc: [0, 1], scale: 1 }),
      new Normal({ loc: 0, scale: 1 }),
    );
    expectClose(batch, [0, 0.5], { atol: 1e-7 });
  });

  it('integrates 1-D divergences by quadrature, matching closed forms', () => {
    // Gaussian closed forms: χ²(P‖Q) = s₂²/(s₁√(2s₂² − s₁²)) e^{Δ²/(2s₂² − s₁²)} − 1;
    // H² = 2(1 − √(2s₁s₂/(s₁²+s₂²)) e^{−Δ²/(4(s₁²+s₂²))}); equal scales: TV = erf(Δ/(2√2σ)),
    // D_α = (e^{−α(1−α)Δ²/(2σ²)} − 1)/(α(α−1)), Jeffreys = Δ²/σ².
    const pearson = (4 / Math.sqrt(7)) * Math.exp(1 / 7) - 1;
    const hellinger = 2 * (1 - Math.sqrt(4 / 5) * Math.exp(-1 / 20));
    const expected: [DivergenceName, () => Normal, () => Normal, number, number?][] = [
      ['kl', a, b, 0.443147180559945],
      ['reverse-kl', a, b, 1.306852819440055],
      ['pearson', a, b, pearson],
      ['neyman', b, a, pearson],
      ['squared-hellinger', a, b, hellinger],
      ['js', a, c, 0.111421],
      ['js', a, () => new Normal({ loc: 0, scale: 2 }), 0.092733],
      ['js', a, () => new Normal({ loc: 3, scale: 1 }), 0.526777],
      ['total-variation', a, c, 0.3829249225480261],
      ['jeffreys', a, c, 1],
      ['alpha', a, c, 4 * (1 - Math.exp(-1 / 8)), 0.5],
      ['alpha', a, c, (Math.exp(1) - 1) / 2, 2],
    ];
    for (const [name, p, q, value, alpha] of expected) {
      const d = divergence(name, p(), q(), {
        ...quadrature,
        ...(alpha !== undefined && { alpha }),
      });
      // Simpson on 2001 nodes is exact to ~1e−9 here; what is left is the float32 sum.
      expectClose(d, value, { atol: 2e-6, rtol: 1e-5, message: `${name} ${alpha ?? ''}` });
    }
  });

  it('batches quadrature over the distributions’ batch shape', () => {
    const p = new Normal({ loc: [0, 1, -1], scale: [1, 2, 0.5] });
    const q = new Normal({ loc: 0.5, scale: 1.5 });
    const numeric = divergence('kl', p, q, quadrature);
    expect(numeric.shape).toEqual([3]);
    expectClose(numeric, divergence('kl', p, q), { atol: 2e-6, rtol: 1e-5 });
  });

  it('has quadrature gradients in the parameters that match finite differences', () => {
    const target = mixture();
    for (const name of divergenceNames) {
      const f = (theta: tf.Tensor) => {
        const q = new Normal({
          loc: tf.reshape(tf.slice(theta, [0], [1]), []),
          scale: tf.exp(tf.reshape(tf.slice(theta, [1], [1]), [])),
          validateArgs: false,
        });
        // Neyman ∫(q − p)²/p is +∞ with the light-tailed mixture as P: differentiate it with
        // the roles swapped (the wide Normal as P), where it is finite.
        const [first, second] = name === 'neyman' ? [q, target] : [target, q];
        return divergence(name, first, second, {
          ...quadrature,
          range: [-16, 18],
          ...options(name),
        }) as tf.Scalar;
      };
      // Central differences err by ε²f‴/6: with ε = 2.5e−3 that is < 2e−5 here (Jeffreys has the
      // largest f‴), and float32 rounding of f adds ~ulp(f)/ε ≈ 3e−5.
      expectGradientMatches(f, tf.tensor1d([0.3, Math.log(2.2)]), {
        eps: 2.5e-3,
        atol: 1e-4,
        rtol: 1e-3,
        message: name,
      });
    }
  });

  it('fits a Normal to a mixture under KL(P‖Q) by quadrature: the moment-matching optimum', () => {
    const target = mixture();
    const weights = [0.5, 0.3, 0.2];
    const means = [-2, 1.5, 4];
    const scales = [0.7, 0.8, 1];
    const mu = weights.reduce((s, w, k) => s + w * means[k]!, 0);
    const second = weights.reduce((s, w, k) => s + w * (scales[k]! ** 2 + means[k]! ** 2), 0);
    const sigma = Math.sqrt(second - mu * mu);
    const loc = tf.variable(tf.scalar(0));
    const logScale = tf.variable(tf.scalar(0));
    const loss = () =>
      divergence('kl', target, new Normal({ loc, scale: tf.exp(logScale), validateArgs: false }), {
        ...quadrature,
        range: [-20, 24],
      }) as tf.Scalar;
    for (const [rate, steps] of [
      [0.1, 300],
      [0.01, 200],
    ] as const) {
      const optimizer = tf.train.adam(rate);
      for (let i = 0; i < steps; i++) tf.dispose(optimizer.minimize(loss, true) ?? undefined);
      optimizer.dispose();
    }
    // The optimum is where ∂KL/∂θ = 0; float32 gradients of size 1e−6 leave θ within ~1e−4.
    expectClose(loc, mu, { atol: 1e-3 });
    expectClose(tf.exp(logScale), sigma, { atol: 1e-3 });
    tf.dispose([loc, logScale]);
  });

  it('estimates by Monte Carlo within 4 standard errors of the exact values', () => {
    const p = () => new Normal({ loc: 0, scale: 1 });
    const q = () => new Normal({ loc: 0.7, scale: 1 });
    const rng = Rng.fromSeed(2025);
    for (const name of divergenceNames) {
      const exact = scalar(divergence(name, p(), q(), { ...quadrature, ...options(name) }));
      const { value, standardError } = divergenceEstimate(name, p(), q(), {
        rng,
        samples: 4000,
        ...options(name),
      });
      const se = scalar(standardError);
      expect(se, name).toBeGreaterThan(0);
      expect(
        Math.abs(scalar(value) - exact),
        `${name}: ${scalar(value)} ± ${se} vs ${exact}`,
      ).toBeLessThanOrEqual(4 * se);
    }
    // Unequal scales against the closed form, and a mixture (no rsample) against quadrature.
    const kl = divergenceEstimate('kl', a(), b(), { rng, samples: 4000 });
    expect(Math.abs(scalar(kl.value) - 0.443147)).toBeLessThanOrEqual(4 * scalar(kl.standardError));
    const js = divergenceEstimate('js', mixture(), b(), { rng, samples: 4000 });
    const jsQuad = scalar(divergence('js', mixture(), b(), quadrature));
    expect(Math.abs(scalar(js.value) - jsQuad)).toBeLessThanOrEqual(4 * scalar(js.standardError));
    // divergence(…, {method: 'monte-carlo'}) returns the same value for the same draws.
    const again = divergence('js', mixture(), b(), {
      method: 'monte-carlo',
      rng: Rng.fromSeed(3),
      samples: 500,
    });
    const first = divergenceEstimate('js', mixture(), b(), { rng: Rng.fromSeed(3), samples: 500 });
    expectClose(again, scalar(first.value), { atol: 0 });
  });

  it('accepts an Rng from another installed copy of @gen/core for Monte Carlo', () => {
    const foreign = foreignRng(3);
    expect(foreign).not.toBeInstanceOf(Rng);
    const first = divergence('js', mixture(), b(), { method: 'monte-carlo', rng: foreign });
    const again = divergence('js', mixture(), b(), {
      method: 'monte-carlo',
      rng: Rng.fromSeed(3),
    });
    expectClose(first, scalar(again), { atol: 0 });
  });

  it('gives pathwise gradients through rsample in Monte Carlo estimates', () => {
    // d/dμ KL(N(μ,1) ‖ N(0,1)) = μ; the estimator's gradient is unbiased for it.
    const g = tf.grad(
      (mu) =>
        divergenceEstimate('kl', new Normal({ loc: mu, scale: 1 }), a(), {
          rng: Rng.fromSeed(5),
          samples: 20000,
        }).value as tf.Scalar,
    )(tf.scalar(0.5));
    expectClose(g, 0.5, { atol: 0.05 });
  });

  it('rejects what it cannot compute with typed errors that say what to do', () => {
    expect(() => divergence('js', a(), b())).toThrow(InvalidArgumentError);
    expect(() => divergence('js', a(), b())).toThrow(/argument 'rng' must be an Rng/);
    expect(() => divergenceEstimate('js', a(), b(), undefined as never)).toThrow(
      /argument 'options'/,
    );
    expect(() => divergenceEstimate('js', [1] as never, b(), { rng: Rng.fromSeed(0) })).toThrow(
      /argument 'p' must be a Distribution/,
    );
    expect(() => divergence('js', a(), b(), { method: 'closed-form' })).toThrow(
      NotImplementedError,
    );
    expect(() => divergence('js', a(), b(), { method: 'closed-form' })).toThrow(
      /Normal and Normal/,
    );
    expect(() => divergence('kl', a(), [0.5, 0.5])).toThrow(
      /both be probability vectors or both be Distributions/,
    );
    expect(() => divergence('kl', a(), b(), { method: 'exact' })).toThrow(/argument 'method'/);
    expect(() => divergence('kl', a(), b(), { ...quadrature, points: 100 })).toThrow(
      /argument 'points' must be odd/,
    );
    expect(() => divergence('kl', a(), b(), { ...quadrature, range: [1, 0] })).toThrow(
      /argument 'range'/,
    );
    const mvn = new MultivariateNormal({
      loc: [0, 0, 0],
      scaleTril: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    });
    expect(() => divergence('js', mvn, mvn, quadrature)).toThrow(
      /quadrature needs event shape \[\] or \[2\]/,
    );
    const u = new Uniform({ low: 0, high: 1 });
    expect(() => divergence('kl', u, new Uniform({ low: -1, high: 2 }), quadrature)).toThrow(
      /pass options.range/,
    );
    expectClose(
      divergence('kl', u, new Uniform({ low: -1, high: 2 }), { ...quadrature, range: [0, 1] }),
      Math.log(3),
      { atol: 1e-6 },
    );
  });

  it('does not leak tensors', async () => {
    const p = a();
    const q = mixture();
    for (const name of divergenceNames) {
      await expectNoLeak(() => divergence(name, p, q, { ...quadrature, ...options(name) }), name);
      await expectNoLeak(() =>
        divergenceEstimate(name, p, q, { rng: Rng.fromSeed(1), samples: 10, ...options(name) }),
      );
    }
    const r = b();
    await expectNoLeak(() => divergence('jeffreys', p, r));
  });
});
