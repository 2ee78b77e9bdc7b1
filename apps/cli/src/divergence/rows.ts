import { type Distribution, Rng } from '@gen/core';
import { hasKl } from '@gen/distributions';
import {
  type DivergenceName,
  divergence,
  divergenceEstimate,
  energyDistance,
  mmd,
  sinkhorn,
  slicedWasserstein,
  wasserstein1d,
} from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';

/** One line of the `gen divergence` table. */
export interface DivergenceRow {
  name: string;
  /** 'exact', 'closed-form', 'monte-carlo' or 'sample'. */
  method: string;
  value: number;
  /** Monte Carlo standard error, where the value is an estimate with one. */
  stdError?: number;
}

/** Options shared by the three kinds. */
export interface RowOptions {
  alpha?: number;
  samples: number;
  seed: number;
  epsilon: number;
  bandwidth: number;
}

const CLOSED_FORM: readonly string[] = ['kl', 'reverse-kl', 'jeffreys'];

async function scalar(t: tf.Tensor): Promise<number> {
  const value = (await t.data())[0]!;
  t.dispose();
  return value;
}

/**
 * W₁ between two probability vectors on the support 0..n−1: Σ_i |F_p(i) − F_q(i)| (the L1
 * distance of the CDFs; @gen/divergences' `wasserstein1d` takes samples, not weights).
 */
export function wasserstein1Vectors(p: readonly number[], q: readonly number[]): number {
  let [fp, fq, total] = [0, 0, 0];
  for (let i = 0; i < p.length - 1; i++) {
    fp += p[i]!;
    fq += q[i]!;
    total += Math.abs(fp - fq);
  }
  return total;
}

/** Exact f-divergences of two probability vectors (and `wasserstein-1` on 0..n−1). */
export async function vectorRows(
  p: number[],
  q: number[],
  names: readonly string[],
  options: RowOptions,
): Promise<DivergenceRow[]> {
  const rows: DivergenceRow[] = [];
  for (const name of names) {
    if (name === 'wasserstein-1') {
      rows.push({ name, method: 'exact', value: wasserstein1Vectors(p, q) });
      continue;
    }
    const opts = name === 'alpha' ? { alpha: options.alpha! } : {};
    rows.push({
      name,
      method: 'exact',
      value: await scalar(divergence(name as DivergenceName, p, q, opts)),
    });
  }
  return rows;
}

/** Closed form through the KL registry where there is one, else Monte Carlo with its standard error. */
export async function distributionRows(
  p: Distribution,
  q: Distribution,
  names: readonly string[],
  options: RowOptions,
): Promise<DivergenceRow[]> {
  const rng = Rng.fromSeed(options.seed);
  const rows: DivergenceRow[] = [];
  for (const name of names as DivergenceName[]) {
    const alpha = name === 'alpha' ? { alpha: options.alpha! } : {};
    if (CLOSED_FORM.includes(name) && hasKl(p, q) && hasKl(q, p)) {
      const value = await scalar(divergence(name, p, q, { method: 'closed-form' }));
      rows.push({ name, method: 'closed-form', value });
      continue;
    }
    const { value, standardError } = divergenceEstimate(name, p, q, {
      rng,
      samples: options.samples,
      ...alpha,
    });
    rows.push({
      name,
      method: 'monte-carlo',
      value: await scalar(value),
      stdError: await scalar(standardError),
    });
  }
  return rows;
}

/** Sample-based distances between two `[n, d]` sample sets. */
export async function sampleRows(
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  names: readonly string[],
  options: RowOptions,
): Promise<DivergenceRow[]> {
  const rng = Rng.fromSeed(options.seed);
  const compute: Record<string, () => tf.Tensor> = {
    'wasserstein-1': () => wasserstein1d(tf.squeeze(x, [1]), tf.squeeze(y, [1]), { p: 1 }),
    'sliced-wasserstein': () => slicedWasserstein(x, y, { projections: 50, p: 2, rng }),
    sinkhorn: () => {
      const result = sinkhorn(x, y, { epsilon: options.epsilon, returnPlan: true });
      result.plan.dispose();
      if (!result.converged) {
        // Small ε converges slowly (no ε-scaling): say so rather than print a silent estimate.
        process.stderr.write(
          `gen divergence: sinkhorn did not converge at --epsilon ${options.epsilon} in ` +
            `${result.iterations} iterations (marginal error ${result.marginalError.toExponential(2)}); ` +
            'the value is approximate, a larger --epsilon converges faster\n',
        );
      }
      return result.value;
    },
    mmd: () => mmd(x, y, { kernel: 'rbf', bandwidth: options.bandwidth }),
    energy: () => energyDistance(x, y),
  };
  const rows: DivergenceRow[] = [];
  for (const name of names) {
    rows.push({ name, method: 'sample', value: await scalar(tf.tidy(compute[name]!)) });
  }
  return rows;
}
