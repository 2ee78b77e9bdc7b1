import { InvalidArgumentError, Rng } from '@gen/core';
import { describeBackends } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { FGAN_MIXTURE, mixtureOf, momentMatch } from './target.js';

describeBackends('the f-GAN target', () => {
  it('momentMatch is the mean and standard deviation of the mixture (4 SE on 200 000 draws)', async () => {
    const p = mixtureOf();
    const fit = momentMatch();
    // By hand for FGAN_MIXTURE: μ = −1 + 0.45 + 0.8; E x² = Σ w(s² + m²).
    expect(fit.mu).toBeCloseTo(0.25, 12);
    const second = 0.5 * (0.49 + 4) + 0.3 * (0.64 + 2.25) + 0.2 * (1 + 16);
    expect(fit.sigma).toBeCloseTo(Math.sqrt(second - 0.25 ** 2), 12);
    // The Mixture's own moments (another code path) and sample moments agree with it.
    expect((await p.mean().data())[0]).toBeCloseTo(fit.mu, 5);
    expect(Math.sqrt((await p.variance().data())[0]!)).toBeCloseTo(fit.sigma, 5);
    const n = 200_000;
    const x = p.sample(n, Rng.fromSeed(1));
    const { mean, variance } = tf.moments(x);
    const m = (await mean.data())[0]!;
    const v = (await variance.data())[0]!;
    tf.dispose([x, mean, variance]);
    p.dispose();
    const se = fit.sigma / Math.sqrt(n);
    expect(Math.abs(m - fit.mu)).toBeLessThan(4 * se);
    // SE of the sample variance: √((μ₄ − σ⁴)/n), μ₄ < 3σ⁴·(1.5) here (a bounded-kurtosis mixture).
    expect(Math.abs(v - fit.sigma ** 2)).toBeLessThan(4 * Math.sqrt((3.5 * fit.sigma ** 4) / n));
  });

  it('works for any 1-D mixture spec and refuses bad ones with typed errors', () => {
    expect(momentMatch({ weights: [1], means: [3], scales: [2] })).toEqual({ mu: 3, sigma: 2 });
    const cases: [unknown, RegExp][] = [
      [{ ...FGAN_MIXTURE, weights: [0.5, 0.5] }, /argument 'spec.means' must be an array of 2/],
      [
        { ...FGAN_MIXTURE, weights: [0.5, 0.3, 0.3] },
        /'spec.weights' must be non-negative and sum to 1/,
      ],
      [{ ...FGAN_MIXTURE, scales: [1, 0, 1] }, /'spec.scales' must be positive/],
      [{ ...FGAN_MIXTURE, means: [0, Number.NaN, 1] }, /'spec.means' must hold finite numbers/],
      [{ ...FGAN_MIXTURE, std: [1, 1, 1] }, /unknown option 'std'/],
    ];
    for (const [spec, message] of cases) {
      expect(() => momentMatch(spec as never)).toThrow(InvalidArgumentError);
      expect(() => mixtureOf(spec as never)).toThrow(message);
    }
  });
});
