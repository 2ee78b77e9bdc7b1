import { describeBackends, expectClose, expectNoLeak, numericalGradient } from '@gen/core/testing';
import { fDivergenceNames } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { fusedGeneratorLoss } from './fused-generator-loss.js';
import { jointDiscriminatorLoss } from './joint-discriminator-loss.js';
import { LossConstants } from './loss-constants.js';
import {
  discriminatorObjective,
  GAN_LOSSES,
  type GanLoss,
  generatorObjective,
  supportsLabelSmoothing,
} from './losses.js';

const ALL: GanLoss[] = [...GAN_LOSSES, ...fDivergenceNames.map((fgan) => ({ fgan }))];
const label = (l: GanLoss, s: number) => `${typeof l === 'string' ? l : `fgan:${l.fgan}`} s=${s}`;
const cases = ALL.flatMap((loss) =>
  (supportsLabelSmoothing(loss) ? [1, 0.8] : [1]).map((s) => [loss, s] as const),
);

// Logits of both signs, saturated ones (|v| = 30, where softplus and sigmoid round) included.
const a = [0.3, -1.2, 2.5, 0.05, -3, 30, -30];
const b = [-0.4, 1.1, 4, -2.2, 0, -30, 30];
const n = a.length;

describeBackends('the fused losses equal the stock ones, values and gradients', ({ tolerance }) => {
  it.each(cases.map(([loss, s]) => [label(loss, s), loss, s] as const))(
    '%s: joint discriminator loss on [real; fake] = discriminatorObjective(real, fake)',
    (_, loss, s) => {
      const constants = new LossConstants(loss, s);
      const [ta, tb] = [tf.tensor1d(a), tf.tensor1d(b)];
      // The stock loss and its gradient through tfjs's chain of elementwise ops.
      const { value: want, grads: wantGrads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) =>
        discriminatorObjective(loss, x, y, s),
      )([ta, tb]);
      // The critic's [2n, 1] output, as Gan.mlp's critic gives it.
      const out = tf.reshape(tf.concat([ta, tb]), [2 * n, 1]);
      const { value: got, grad } = tf.valueAndGrad((o: tf.Tensor) =>
        jointDiscriminatorLoss(loss, o, n, constants),
      )(out);
      expect(grad.shape).toEqual([2 * n, 1]);
      const atol = 10 * tolerance;
      expectClose(got, want, { atol, rtol: atol, message: label(loss, s) });
      expectClose(tf.reshape(grad, [2 * n]), tf.concat(wantGrads), { atol, rtol: atol });
      tf.dispose([ta, tb, want, wantGrads, out, got, grad]);
      constants.dispose();
    },
  );

  it.each(ALL.map((loss) => [label(loss, 1), loss] as const))(
    '%s: fused generator loss = generatorObjective, values and gradients',
    (_, loss) => {
      const constants = new LossConstants(loss, 1);
      const tb = tf.tensor1d(b);
      const { value: want, grad: wantGrad } = tf.valueAndGrad((y: tf.Tensor) =>
        generatorObjective(loss, y),
      )(tb);
      const out = tf.reshape(tb, [n, 1]);
      const { value: got, grad } = tf.valueAndGrad((o: tf.Tensor) =>
        fusedGeneratorLoss(loss, o, constants),
      )(out);
      expect(grad.shape).toEqual([n, 1]);
      const atol = 10 * tolerance;
      expectClose(got, want, { atol, rtol: atol, message: label(loss, 1) });
      expectClose(tf.reshape(grad, [n]), wantGrad, { atol, rtol: atol });
      tf.dispose([tb, want, wantGrad, out, got, grad]);
      constants.dispose();
    },
  );

  it.each(cases.map(([loss, s]) => [label(loss, s), loss, s] as const))(
    '%s: the fused gradients match central finite differences',
    (_, loss, s) => {
      // Moderate logits: float32 differences of softplus lose their digits past |v| ≈ 10.
      const o = tf.tensor1d([0.3, -1.2, 0.5, 2, -0.7, 0.9, -2, 1.5]);
      const constants = new LossConstants(loss, s);
      const d = (x: tf.Tensor) => jointDiscriminatorLoss(loss, x, 4, constants);
      const g = (x: tf.Tensor) => fusedGeneratorLoss(loss, x, constants);
      for (const f of [d, g]) {
        const analytic = tf.grad(f)(o);
        const numeric = numericalGradient(f, o, 1e-2);
        expectClose(analytic, numeric, { atol: 2e-3, rtol: 2e-2 });
        tf.dispose([analytic, numeric]);
      }
      o.dispose();
      constants.dispose();
    },
  );

  it('make no tensors beyond their results, with and without a gradient tape', async () => {
    for (const [loss, s] of cases) {
      const before = tf.memory().numTensors;
      const constants = new LossConstants(loss, s);
      const out = tf.randomNormal([2 * n, 1], 0, 1, 'float32', 3);
      await expectNoLeak(() => jointDiscriminatorLoss(loss, out, n, constants), label(loss, s));
      await expectNoLeak(() => fusedGeneratorLoss(loss, out, constants), label(loss, s));
      await expectNoLeak(
        () => tf.grad((o: tf.Tensor) => jointDiscriminatorLoss(loss, o, n, constants))(out),
        label(loss, s),
      );
      await expectNoLeak(
        () => tf.grad((o: tf.Tensor) => fusedGeneratorLoss(loss, o, constants))(out),
        label(loss, s),
      );
      out.dispose();
      constants.dispose();
      expect(tf.memory().numTensors, label(loss, s)).toBe(before);
    }
  });
});
