import type { Rng } from '@gen/core';
import { mmd, slicedWasserstein } from '@gen/divergences';
import { modeCoverage } from '@gen/gan';
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/datasets.js';
import type { BuiltModel } from '../models/family.js';
import { assertFiniteMetrics, assertFiniteValues } from './finite-output.js';

/** Median pairwise distance of (at most 500) rows: the usual MMD bandwidth heuristic. */
export async function medianDistance(x: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => {
    const rows = tf.slice(x, 0, Math.min(500, x.shape[0]!));
    const sq = tf.sum(tf.square(rows), 1, true);
    const d2 = tf.add(tf.sub(sq, tf.mul(2, tf.matMul(rows, tf.transpose(rows)))), tf.transpose(sq));
    return tf.sqrt(tf.relu(d2));
  });
  const values = Array.from(await d.data()).filter((v) => v > 0);
  d.dispose();
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? 1;
}

/** The result of {@link evaluate}: metrics by name and the model's samples (yours to dispose). */
export interface Evaluation {
  metrics: Record<string, number>;
  samples: tf.Tensor | undefined;
}

/**
 * Evaluates a trained model on held-out rows: the family's own metrics (NLL, ELBO and IWAE,
 * reconstruction error), and for models that sample, MMD² (RBF kernel, median-heuristic
 * bandwidth, unbiased) and the sliced 2-Wasserstein distance (100 projections) between
 * `samples` model draws and as many test rows, plus mode coverage on Gaussian-mixture toys.
 * NaN or infinite metrics or draws are refused with a `NumericalError` naming `label` (the run).
 */
export async function evaluate(
  built: BuiltModel,
  test: Dataset,
  samples: number,
  rng: Rng,
  label: string,
): Promise<Evaluation> {
  const [r1, r2, r3] = rng.split(3) as [Rng, Rng, Rng];
  const metrics = await built.metrics(test.x, r1);
  assertFiniteMetrics(metrics, label);
  if (!built.sample) return { metrics, samples: undefined };
  const m = Math.min(samples, test.x.shape[0]);
  const drawn = built.sample(m, r2);
  const ref = tf.slice(test.x, 0, m);
  try {
    assertFiniteValues(await drawn.data(), label);
    const bandwidth = await medianDistance(ref);
    const scalars = tf.tidy(() => [
      mmd(drawn, ref, { bandwidth }),
      slicedWasserstein(drawn, ref, { projections: 100, p: 2, rng: r3 }),
    ]);
    const [mmd2, sw] = await Promise.all(scalars.map(async (s) => (await s.data())[0]!));
    tf.dispose(scalars);
    Object.assign(metrics, { mmd2, mmdBandwidth: bandwidth, slicedWasserstein: sw });
    if (test.centers && test.std !== undefined) {
      const { modes, highQuality } = modeCoverage(drawn, test.centers, test.std);
      Object.assign(metrics, { modes, modesTotal: test.centers.length, highQuality });
    }
  } catch (error) {
    drawn.dispose();
    throw error;
  } finally {
    ref.dispose();
  }
  assertFiniteMetrics(metrics, label);
  return { metrics, samples: drawn };
}
