import {
  assertDistribution,
  assertFiniteNumber,
  assertOneOf,
  assertPositive,
  type Distribution,
  invalidArgument,
} from '@gen/core';
import { divergenceNames } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';
import { assertOptions } from './checks.js';
import { GaussianFits } from './gaussian-fits.js';
import type { GaussianFit } from './names.js';
import {
  checkQuadrature,
  gaussianObjective,
  type QuadratureName,
  type QuadratureOptions,
} from './quadrature-options.js';

/** D_name(P‖N(μ, σ²)) by 1-D quadrature (nats), read back as a number. */
export async function quadratureDivergence(
  name: QuadratureName,
  p: Distribution,
  fit: GaussianFit,
  options: QuadratureOptions = {},
): Promise<number> {
  const fn = 'quadratureDivergence';
  assertOneOf(
    fn,
    'name',
    name,
    divergenceNames.filter((n) => n !== 'alpha'),
  );
  assertDistribution(fn, 'p', p);
  assertOptions(fn, options, ['points', 'range']);
  if (fit === null || typeof fit !== 'object') {
    throw invalidArgument(fn, 'fit', fit, 'must be { mu, sigma }');
  }
  assertFiniteNumber(fn, 'fit.mu', fit.mu);
  assertPositive(fn, 'fit.sigma', fit.sigma);
  const quadrature = checkQuadrature(fn, options);
  const d = tf.tidy(() =>
    gaussianObjective(name, p, tf.scalar(fit.mu), tf.scalar(fit.sigma), quadrature),
  );
  const value = (await d.data())[0]!;
  d.dispose();
  return value;
}

/** The step-size schedule of {@link quadratureFit}: Adam phases of `steps` at `learningRate`. */
export const QUADRATURE_SCHEDULE: readonly { learningRate: number; steps: number }[] =
  Object.freeze([
    { learningRate: 0.05, steps: 120 },
    { learningRate: 0.005, steps: 60 },
    { learningRate: 5e-4, steps: 40 },
  ]);

/**
 * θ* = argmin_θ D_name(P‖N(μ, σ²)), θ = (μ, log σ), from N(0, 2²) by Adam on the quadrature
 * divergence through {@link QUADRATURE_SCHEDULE} (step size 0.05 → 5e−4, fresh moments per
 * phase); also returns the gradient norm there, a stationarity check.
 */
export async function quadratureFit(
  name: QuadratureName,
  p: Distribution,
  options: QuadratureOptions = {},
): Promise<GaussianFit & { gradient: number }> {
  const fn = 'quadratureFit';
  assertOneOf(
    fn,
    'name',
    name,
    divergenceNames.filter((n) => n !== 'alpha'),
  );
  assertOptions(fn, options, ['points', 'range']);
  const fits = new GaussianFits(p, options);
  try {
    for (const { learningRate, steps } of QUADRATURE_SCHEDULE) {
      fits.setLearningRate(learningRate);
      await fits.step([name], steps);
    }
    const { mu, sigma } = await fits.snapshot([name]);
    return { mu: mu[0]!, sigma: sigma[0]!, gradient: await fits.gradientNorm(name) };
  } finally {
    fits.dispose();
  }
}
