import { type GradientEstimator, initBackend, Rng } from '@gen/core';
import { Normal } from '@gen/distributions';
import { gradientStats, measureValued, pathwise, scoreFunction } from '@gen/estimators';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Variational inference on a 1-D target known only up to a constant:
// log p̃(z) = −(z − 2)²/(2·0.5²) + 7. Over Gaussians q = N(m, σ²) the ELBO
// E_q[log p̃] + H[q] is maximised exactly at m = 2, σ = 0.5. Each estimator supplies the gradient
// of E_q[−log p̃] (the cost); the entropy log σ + ½ log 2πe is added in closed form.
// Tolerance: the average of the last 100 of 600 Adam steps must be within 0.05 of (2, 0.5)
// (over seeds 2–6 the largest deviation was 0.033, the Adam steady-state noise).
const [TARGET_MEAN, TARGET_STD] = [2, 0.5];
const cost = (z: tf.Tensor) =>
  tf.sub(tf.div(tf.square(tf.sub(z, TARGET_MEAN)), 2 * TARGET_STD ** 2), 7);
const makeQ = (p: Record<string, tf.Tensor>) =>
  new Normal({ loc: p.loc!, scale: tf.exp(p.logScale!), validateArgs: false });

const estimators: Record<string, { make: () => GradientEstimator; samples: number; lr: number }> = {
  'score function (leave-one-out)': {
    make: () => scoreFunction({ baseline: 'leaveOneOut' }),
    samples: 16,
    lr: 0.03,
  },
  pathwise: { make: () => pathwise(), samples: 4, lr: 0.03 },
  'measure-valued (coupled)': { make: () => measureValued(), samples: 4, lr: 0.03 },
};
const lines: string[] = [];

function fit(
  estimator: GradientEstimator,
  samples: number,
  lr: number,
  seed: number,
): [number, number] {
  const loc = tf.variable(tf.scalar(0));
  const logScale = tf.variable(tf.scalar(0));
  const optimizer = tf.train.adam(lr);
  const rng = Rng.fromSeed(seed);
  const [steps, tail] = [600, 100];
  let [m, s] = [0, 0];
  for (let step = 0; step < steps; step++) {
    tf.tidy(() => {
      optimizer.minimize(() => {
        const q = makeQ({ loc, logScale });
        const { loss } = estimator.surrogate(q, cost, { samples, rng });
        return tf.sub(loss, q.entropy()) as tf.Scalar;
      });
    });
    if (step >= steps - tail) {
      m += loc.dataSync()[0]! / tail;
      s += Math.exp(logScale.dataSync()[0]!) / tail;
    }
  }
  tf.dispose([loc, logScale]);
  optimizer.dispose();
  return [m, s];
}

describe('fitting a Gaussian by maximising an ELBO with each gradient estimator', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(() => {
    console.log(lines.join('\n'));
  });

  it('prints the gradient variance of each estimator at the initial point (its fit samples)', () => {
    const rows = [
      'estimator                       samples param     mean    exact  variance      SNR',
    ];
    // At m = 0, σ = 1: E_q[cost] = 2((m − 2)² + σ²) − 7, so ∂m = −8 and ∂log σ = 4σ² = 4.
    const exact = { loc: -8, logScale: 4 };
    const compared = {
      'score function (no baseline)': { make: () => scoreFunction(), samples: 16 },
      ...estimators,
    };
    for (const [label, spec] of Object.entries(compared)) {
      const stats = gradientStats(
        spec.make(),
        { params: { loc: 0, logScale: 0 }, make: makeQ },
        cost,
        {
          samples: spec.samples,
          repeats: 500,
          rng: Rng.fromSeed(7),
        },
      );
      for (const [param, s] of Object.entries(stats)) {
        const want = exact[param as keyof typeof exact];
        expect(Math.abs(s.mean[0]! - want)).toBeLessThanOrEqual(4 * s.stdError[0]!);
        rows.push(
          `${label.padEnd(31)} ${String(spec.samples).padStart(7)} ${param.padEnd(8)} ${s.mean[0]!.toFixed(3).padStart(7)} ${want.toFixed(3).padStart(7)} ${s.variance[0]!.toFixed(3).padStart(9)} ${s.snr[0]!.toFixed(3).padStart(8)}`,
        );
      }
    }
    lines.push(rows.join('\n'));
  });

  for (const [label, spec] of Object.entries(estimators)) {
    it(`${label} converges to the optimum q = N(2, 0.5²)`, () => {
      const [m, s] = fit(spec.make(), spec.samples, spec.lr, 11);
      lines.push(`${label}: m = ${m.toFixed(4)}, σ = ${s.toFixed(4)} (optimum 2, 0.5)`);
      expect(Math.abs(m - TARGET_MEAN)).toBeLessThan(0.05);
      expect(Math.abs(s - TARGET_STD)).toBeLessThan(0.05);
    });
  }
});
