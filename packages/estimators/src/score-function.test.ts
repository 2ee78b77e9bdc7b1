import { InvalidArgumentError, Rng, ShapeMismatchError, stopGradient } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import { Bernoulli, Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { scoreFunction } from './score-function.js';
import { testCosts } from './test-costs/test-costs.js';

const quadratic = testCosts.quadratic.cost(3);

/** Gradient of the surrogate with respect to (loc, scale) of N(1, 1.5²), and its value. */
function gradAt(
  estimator: ReturnType<typeof scoreFunction>,
  seed: number,
  samples = 16,
): { grads: number[]; value: number; loss: number } {
  const params = [tf.scalar(1), tf.scalar(1.5)];
  let value = 0;
  let loss = 0;
  const grads = tf.grads((loc, scale) => {
    const s = estimator.surrogate(new Normal({ loc: loc!, scale: scale! }), quadratic, {
      samples,
      rng: Rng.fromSeed(seed),
    });
    value = s.value.dataSync()[0]!;
    loss = s.loss.dataSync()[0]!;
    return s.loss;
  })(params);
  const out = grads.map((g) => g.dataSync()[0]!);
  tf.dispose([...grads, ...params]);
  return { grads: out, value, loss };
}

describeBackends('scoreFunction', () => {
  it('replays: the same seed gives the identical gradient, a different seed another', () => {
    const a = gradAt(scoreFunction({ baseline: 'leaveOneOut' }), 5, 2);
    const b = gradAt(scoreFunction({ baseline: 'leaveOneOut' }), 5, 2);
    expect(a).toEqual(b);
    expect(gradAt(scoreFunction(), 6, 1).grads).not.toEqual(gradAt(scoreFunction(), 7, 1).grads);
    expect(gradAt(scoreFunction(), 6, 1)).toEqual(gradAt(scoreFunction(), 6, 1));
  });

  it("the loss's value is the Monte Carlo estimate `value`", () => {
    const { value, loss } = gradAt(scoreFunction({ baseline: 'mean' }), 3, 1000);
    expect(loss).toBeCloseTo(value, 4);
    expect(Math.abs(value - (4 + 2.25))).toBeLessThan(1);
  });

  it("'leaveOneOut' is exactly samples/(samples − 1) times the 'mean' baseline estimate", () => {
    const mean = gradAt(scoreFunction({ baseline: 'mean' }), 11, 8).grads;
    const loo = gradAt(scoreFunction({ baseline: 'leaveOneOut' }), 11, 8).grads;
    expectClose(
      loo,
      mean.map((g) => (g * 8) / 7),
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  it('a control variate equal to the cost gives the exact gradient: ∇μ = 2(μ − 3), ∇σ = 2σ', () => {
    const exact = scoreFunction({
      controlVariate: (x, d) => ({
        value: quadratic(x),
        expectation: tf.add(tf.square(tf.sub(d.params.loc!, 3)), tf.square(d.params.scale!)),
      }),
    });
    expectClose(gradAt(exact, 2, 3).grads, [-4, 3], { atol: 1e-5, rtol: 1e-5 });
  });

  it("'movingAverage' uses the bias-corrected average of earlier calls (β = 0 at first)", () => {
    const moving = scoreFunction({ baseline: 'movingAverage', decay: 0.8 });
    const first = gradAt(moving, 21);
    expect(first.grads).toEqual(gradAt(scoreFunction(), 21).grads);
    // After one call the corrected average is that call's mean cost: a constant baseline.
    const beta = first.value;
    const constant = scoreFunction({
      controlVariate: (x) => ({
        value: tf.fill(x.shape, beta),
        expectation: stopGradient(tf.scalar(beta)),
      }),
    });
    expectClose(gradAt(moving, 22).grads, gradAt(constant, 22).grads, { rtol: 1e-5, atol: 1e-5 });
    moving.dispose();
  });

  it('composes with optimizer.minimize: learns Bernoulli logits towards the cheaper outcome', () => {
    const logits = tf.variable(tf.zeros([3]));
    const optimizer = tf.train.adam(0.1);
    const estimator = scoreFunction({ baseline: 'leaveOneOut' });
    const rng = Rng.fromSeed(1);
    const target = tf.tensor1d([1, 0, 1]);
    const cost = (x: tf.Tensor) => tf.square(tf.sub(x, target));
    for (let step = 0; step < 60; step++) {
      optimizer
        .minimize(
          () => estimator.surrogate(new Bernoulli({ logits }), cost, { samples: 8, rng }).loss,
          true,
        )
        ?.dispose();
    }
    const l = logits.dataSync();
    expect(l[0]).toBeGreaterThan(2);
    expect(l[1]).toBeLessThan(-2);
    expect(l[2]).toBeGreaterThan(2);
    tf.dispose([logits, target]);
    optimizer.dispose();
  });

  it('does not leak, the moving-average state included, over many calls; dispose frees it', async () => {
    const before = tf.memory().numTensors;
    const moving = scoreFunction({ baseline: 'movingAverage' });
    const d = new Normal({ loc: [0, 1], scale: 1 });
    const run = () => {
      const { loss, value } = moving.surrogate(d, quadratic, { samples: 4, rng: Rng.fromSeed(1) });
      tf.dispose([loss, value]);
    };
    run();
    await expectNoLeak(() => {
      for (let i = 0; i < 50; i++) run();
    });
    const loc = tf.tensor1d([0, 1]);
    await expectNoLeak(() =>
      tf.grads(
        (l) =>
          scoreFunction({ baseline: 'leaveOneOut' }).surrogate(
            new Normal({ loc: l!, scale: 1 }),
            quadratic,
            { samples: 4, rng: Rng.fromSeed(2) },
          ).loss,
      )([loc]),
    );
    loc.dispose();
    moving.dispose();
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options and arguments with typed errors naming them', () => {
    const d = new Normal({ loc: 0, scale: 1 });
    const rng = Rng.fromSeed(0);
    expect(() => scoreFunction({ baseline: 'median' as 'mean' })).toThrow(/argument 'baseline'/);
    expect(() => scoreFunction({ decay: 1 })).toThrow(/argument 'decay'/);
    expect(() => scoreFunction({ basline: 'mean' } as object)).toThrow(/unknown option 'basline'/);
    expect(() =>
      scoreFunction({ baseline: 'mean' }).surrogate(d, quadratic, { samples: 1, rng }),
    ).toThrow(InvalidArgumentError);
    expect(() => scoreFunction().surrogate(d, quadratic, { samples: 0, rng })).toThrow(/'samples'/);
    expect(() => scoreFunction().surrogate(d, quadratic, { samples: 2 } as never)).toThrow(/'rng'/);
    expect(() => scoreFunction().surrogate({} as never, quadratic, { samples: 2, rng })).toThrow(
      /'dist'/,
    );
    const wrong = (x: tf.Tensor) => tf.sum(x);
    expect(() => scoreFunction().surrogate(d, wrong, { samples: 2, rng })).toThrow(
      ShapeMismatchError,
    );
    const badCv = scoreFunction({
      controlVariate: (x) => ({ value: tf.zeros([9, 9]), expectation: x }),
    });
    expect(() => badCv.surrogate(d, quadratic, { samples: 2, rng })).toThrow(/controlVariate/);
    d.dispose();
  });
});
