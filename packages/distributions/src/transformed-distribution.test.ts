import { InvalidArgumentError, NotImplementedError, Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { loadFixture } from '../test/examples/load-fixture.js';
import { Affine } from './bijectors/affine.js';
import { Chain } from './bijectors/chain.js';
import { Exp } from './bijectors/exp.js';
import { Permute } from './bijectors/permute.js';
import { Shift } from './bijectors/shift.js';
import { Sigmoid } from './bijectors/sigmoid.js';
import { Independent } from './independent.js';
import { Normal } from './normal.js';
import { TransformedDistribution } from './transformed-distribution.js';

const fixtures = loadFixture('discrete') as Record<string, { logProb: number[] }>;

const logNormal = () =>
  new TransformedDistribution({ base: new Normal({ loc: 0.2, scale: 0.5 }), bijector: new Exp() });

describeBackends('TransformedDistribution', () => {
  it('logProb follows the change of variables (scipy lognorm, logit-normal by hand)', () => {
    const d = logNormal();
    expectClose(d.logProb(tf.tensor1d([0.1, 1, 2.5, 7])), fixtures.transformed_lognormal!.logProb, {
      atol: 1e-5,
      rtol: 1e-5,
    });
    const logit = new TransformedDistribution({
      base: new Normal({ loc: 0.3, scale: 1.5 }),
      bijector: new Sigmoid(),
    });
    const y = tf.tensor1d([0.01, 0.3, 0.5, 0.97]);
    expectClose(logit.logProb(y), fixtures.transformed_logit_normal!.logProb, {
      atol: 1e-5,
      rtol: 1e-5,
    });
    expect(() => d.logProb(tf.tensor1d([1, -2]))).toThrow(
      "Exp.inverseAndLogDet: argument 'y' must be > 0, got -2 at flat index 1",
    );
    d.dispose();
    logit.dispose();
  });

  it('samples through forward: the log-normal mean e^(μ + σ²/2) within 4 standard errors', () => {
    const d = logNormal();
    const n = 20000;
    const mean = Math.exp(0.2 + 0.125);
    const sd = Math.sqrt((Math.exp(0.25) - 1) * Math.exp(0.4 + 0.25));
    const m = tf.mean(d.sample(n, Rng.fromSeed(9))).dataSync()[0]!;
    expect(Math.abs(m - mean)).toBeLessThanOrEqual((4 * sd) / Math.sqrt(n));
    expect(() => d.mean()).toThrow(NotImplementedError);
    expect(() => d.entropy()).toThrow(
      /TransformedDistribution.entropy: no closed form through Exp/,
    );
    d.dispose();
  });

  it('rsample gradients reach both the base and the bijector parameters', () => {
    const loc = tf.variable(tf.scalar(0.5));
    const shift = tf.variable(tf.scalar(1));
    const d = new TransformedDistribution({
      base: new Normal({ loc, scale: 1 }),
      bijector: new Chain([new Shift(shift), new Exp()]),
    });
    expect(Object.keys(d.params).sort()).toEqual(['bijector.0.shift', 'loc', 'scale']);
    // d/dloc E[exp(X) + s] = E[exp(X)] = e^(0.5 + 0.5) with X ~ N(0.5, 1), whose Monte Carlo
    // estimate has sd √((e − 1)e²) ≈ 3.6 per draw: 4 SE. d/ds = 1 up to the float32 sum of n
    // terms 1/n (n·2⁻²⁴).
    const n = 20000;
    const g = tf.variableGrads(() => tf.mean(d.rsample(n, Rng.fromSeed(2))) as tf.Scalar);
    expectClose(g.grads[shift.name]!, 1, { atol: n * 2 ** -24, rtol: 0 });
    const sd = Math.sqrt((Math.E - 1) * Math.E ** 2);
    expectClose(g.grads[loc.name]!, Math.E, { atol: (4 * sd) / Math.sqrt(n), rtol: 0 });
    tf.dispose([loc, shift, g.value, ...Object.values(g.grads)]);
    d.dispose();
  });

  it('an event-rank-1 affine bijector over a vector base: entropy and mean closed, variance not', () => {
    const base = () => new Independent(new Normal({ loc: [1, 2, 3], scale: [1, 2, 0.5] }), 1);
    const d = new TransformedDistribution({ base: base(), bijector: new Permute([2, 0, 1]) });
    const x = tf.tensor2d([
      [0.5, 1, 2],
      [3, 2, 1],
    ]);
    const plain = base();
    // Permuting coordinates preserves volume: log p_Y(y) = log p_X(x) at x = P⁻¹ y.
    expectClose(d.logProb(tf.gather(x, [2, 0, 1], 1)), plain.logProb(x));
    expectClose(d.entropy(), plain.entropy());
    expectClose(d.mean(), [3, 1, 2]);
    expect(() => d.variance()).toThrow(/needs an elementwise bijector/);
    const tril = new TransformedDistribution({
      base: base(),
      bijector: new Affine({
        scaleTril: [
          [2, 0, 0],
          [1, 1, 0],
          [0, -1, 3],
        ],
      }),
    });
    expectClose(tril.entropy(), plain.entropy().dataSync()[0]! + Math.log(6));
    expect(
      () =>
        new TransformedDistribution({
          base: new Normal({ loc: [1, 2], scale: 1 }),
          bijector: new Permute([1, 0]),
        }),
    ).toThrow(ShapeMismatchError);
    expect(() => new TransformedDistribution({ base: plain, bijector: {} as never })).toThrow(
      "TransformedDistribution: argument 'bijector' must be a Bijector, got {}",
    );
    d.dispose();
    tril.dispose();
    plain.dispose();
  });

  it('rejects bijector parameters that would grow the sample shape', () => {
    const base = () => new Normal({ loc: 0, scale: 1 });
    const grows = new TransformedDistribution({ base: base(), bijector: new Shift([[1], [2]]) });
    expect(() => grows.sample(3, Rng.fromSeed(1))).toThrow(
      /changed the sample shape \[3\] to \[2, 3\]/,
    );
    const clash = new TransformedDistribution({ base: base(), bijector: new Shift([1, 2]) });
    expect(() => clash.sample(3, Rng.fromSeed(1))).toThrow(
      "Shift.forward: argument 'x' of shape [3] does not broadcast against 'shift' of shape [2]",
    );
    expect(() => clash.logProb(tf.tensor1d([Number.NaN]))).toThrow(InvalidArgumentError);
    grows.dispose();
    clash.dispose();
  });

  it('does not leak, and dispose releases base and bijector', async () => {
    await expectNoLeak(() => {
      const d = new TransformedDistribution({
        base: new Normal({ loc: [0, 1], scale: [1, 2] }),
        bijector: new Chain([new Affine({ shift: [1, 2], scale: 3 }), new Shift(0.5)]),
      });
      const rng = Rng.fromSeed(3);
      const x = d.sample(3, rng);
      const out = [x, d.rsample(2, rng), d.logProb(x), d.entropy(), d.mean(), d.variance()];
      d.dispose();
      return out;
    });
  });
});
