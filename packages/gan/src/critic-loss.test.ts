import { Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import { fDivergenceNames } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Gan } from './gan.js';
import { gradientPenalty } from './gradient-penalty.js';
import {
  discriminatorObjective,
  GAN_LOSSES,
  type GanLoss,
  generatorObjective,
  supportsLabelSmoothing,
} from './losses.js';

/**
 * The losses as Gan computed them before the fused step, from public parts only: two critic
 * passes, the stock objectives, the same draws from `rng` (latents, then instance noise on the
 * real batch and on the fakes, then the penalty's interpolation weights).
 */
function reference(gan: Gan, o: { smoothing: number; lambda: number }) {
  const critic = (x: tf.Tensor) => tf.reshape(gan.discriminator.apply(x), [x.shape[0]!]);
  const noisy = (x: tf.Tensor, rng: Rng) =>
    gan.instanceNoiseStd > 0 ? tf.add(x, rng.normal(x.shape, 0, gan.instanceNoiseStd)) : x;
  return {
    discriminator: (real: tf.Tensor, rng: Rng) =>
      tf.tidy(() => {
        const [zRng, noiseRng, gpRng] = rng.split(3) as [Rng, Rng, Rng];
        const fake = gan.generator.apply(zRng.normal([real.shape[0]!, gan.latentSize]));
        const [r, f] = [noisy(real, noiseRng), noisy(fake, noiseRng)];
        const base = discriminatorObjective(gan.loss, critic(r), critic(f), o.smoothing);
        if (gan.loss !== 'wasserstein-gp') return base;
        return tf.add(base, gradientPenalty(critic, r, f, gpRng, o.lambda)) as tf.Scalar;
      }),
    generator: (n: number, rng: Rng) =>
      tf.tidy(() => {
        const [zRng, noiseRng] = rng.split(2) as [Rng, Rng];
        const fake = noisy(gan.generator.apply(zRng.normal([n, gan.latentSize])), noiseRng);
        return generatorObjective(gan.loss, critic(fake));
      }),
  };
}

const LOSSES: GanLoss[] = [...GAN_LOSSES, ...fDivergenceNames.map((fgan) => ({ fgan }))];
const name = (l: GanLoss) => (typeof l === 'string' ? l : `fgan:${l.fgan}`);

describeBackends('Gan losses: one critic pass over [real; fake] = two passes', ({ tolerance }) => {
  it.each(LOSSES.map((loss) => [name(loss), loss] as const))(
    '%s: values and gradients of both losses, with and without instance noise',
    (label, loss) => {
      const smoothing = supportsLabelSmoothing(loss) ? 0.9 : 1;
      const lambda = 3;
      for (const noisy of [false, true]) {
        // Gan.mlp runs its critic once on the stacked batch; a Gan around the same networks
        // (not built by a factory) runs it twice, so both are checked against the reference.
        const joint = Gan.mlp({
          dataSize: 3,
          latentSize: 4,
          hiddenSizes: [16, 16],
          loss,
          seed: 5,
          ...(smoothing !== 1 && { labelSmoothing: smoothing }),
          ...(loss === 'wasserstein-gp' && { gradientPenalty: lambda }),
          ...(noisy && { instanceNoise: { std: 0.3, decaySteps: 100 } }),
        });
        const apart = new Gan({
          generator: joint.generator,
          discriminator: joint.discriminator,
          latentSize: 4,
          loss,
          ...(smoothing !== 1 && { labelSmoothing: smoothing }),
          ...(loss === 'wasserstein-gp' && { gradientPenalty: lambda }),
          ...(noisy && { instanceNoise: { std: 0.3, decaySteps: 100 } }),
        });
        const ref = reference(joint, { smoothing, lambda });
        const real = Rng.fromSeed(11).normal([9, 3], 0.5, 2);
        const atol = 20 * tolerance;
        const check = (
          what: string,
          f: () => tf.Scalar,
          want: () => tf.Scalar,
          vars: tf.Variable[],
        ) => {
          const got = tf.variableGrads(f, vars);
          const exp = tf.variableGrads(want, vars);
          const message = `${label} ${noisy ? 'noisy' : 'clean'} ${what}`;
          expectClose(got.value, exp.value, { atol, rtol: atol, message });
          for (const v of vars) {
            expect(got.grads[v.name], message).toBeDefined();
            expectClose(got.grads[v.name]!, exp.grads[v.name]!, { atol, rtol: atol, message });
          }
          tf.dispose([got.value, exp.value, got.grads, exp.grads]);
        };
        const d = joint.discriminatorVariables;
        const g = joint.generatorVariables;
        for (const gan of [joint, apart]) {
          const which = gan === joint ? 'one pass' : 'two passes';
          check(
            `discriminatorLoss (${which})`,
            () => gan.discriminatorLoss(real, Rng.fromSeed(2)),
            () => ref.discriminator(real, Rng.fromSeed(2)),
            d,
          );
          // G runs off the tape in a discriminator loss; its gradient there is recomputed.
          check(
            `discriminatorLoss with respect to the generator (${which})`,
            () => gan.discriminatorLoss(real, Rng.fromSeed(4)),
            () => ref.discriminator(real, Rng.fromSeed(4)),
            [...g, ...d],
          );
          check(
            `generatorLoss (${which})`,
            () => gan.generatorLoss(9, Rng.fromSeed(3)),
            () => ref.generator(9, Rng.fromSeed(3)),
            g,
          );
        }
        real.dispose();
        apart.dispose();
        joint.dispose();
      }
    },
  );

  it('the recomputed generator gradient of discriminatorLoss leaves no tensors behind', async () => {
    const gan = Gan.mlp({ dataSize: 2, latentSize: 3, hiddenSizes: [8], loss: 'wasserstein-gp' });
    const real = tf.ones([5, 2]);
    const vars = [...gan.generatorVariables, ...gan.discriminatorVariables];
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => gan.discriminatorLoss(real, Rng.fromSeed(1)),
        vars,
      );
      expect(Object.keys(grads)).toHaveLength(vars.length);
      return [value, grads];
    });
    real.dispose();
    gan.dispose();
  });

  it('dispose() frees the loss constants with the networks', () => {
    const before = tf.memory().numTensors;
    for (const loss of LOSSES) {
      const gan = Gan.mlp({ dataSize: 2, latentSize: 2, hiddenSizes: [3], loss });
      gan.dispose();
    }
    const smoothed = Gan.mlp({
      dataSize: 2,
      latentSize: 2,
      hiddenSizes: [3],
      loss: 'least-squares',
      labelSmoothing: 0.7,
    });
    smoothed.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
