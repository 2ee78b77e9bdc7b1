import type { Rng } from '@gen/core';
import { medianHeuristic, mmd, slicedWasserstein } from '@gen/divergences';
import { modeCoverage } from '@gen/gan';
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/datasets.js';
import type { BuiltModel } from '../models/family.js';
import { assertFiniteMetrics, assertFiniteValues } from './finite-output.js';

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
 * A conditional model (test rows with a `condition`) is scored given the true labels, and its
 * draws are made for the labels of the test rows they are compared with.
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
  const metrics = await built.metrics(test.x, r1, test.condition);
  assertFiniteMetrics(metrics, label);
  if (!built.sample) return { metrics, samples: undefined };
  const m = Math.min(samples, test.x.shape[0]);
  const labels = test.condition ? tf.slice(test.condition, 0, m) : undefined;
  const drawn = built.sample(m, r2, labels);
  labels?.dispose();
  const ref = tf.slice(test.x, 0, m);
  try {
    assertFiniteValues(await drawn.data(), label);
    // The first 500 rows bound the quadratic cost of the pairwise distances.
    const bandwidth = medianHeuristic(ref, undefined, { maxSamples: 500 });
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
