import { Rng, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import { Bernoulli, Categorical, Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { tanhNetwork } from '../../test/linear-network.js';
import { moments } from '../../test/moments.js';
import { EXACT, expectUnbiased, LOGIT, R, toy, toyEstimates } from '../../test/tucker-toy.js';
import { scoreFunction } from '../score-function.js';
import { testCosts } from '../test-costs/test-costs.js';
import { type NvilEstimator, nvil } from './nvil.js';

const estimates = (estimator: { surrogate: NvilEstimator['surrogate'] }, seed: number, scale = 1) =>
  toyEstimates(estimator, seed, { scale });

/** Trains the baseline alone for `steps` calls at the toy's logits. */
function trainBaseline(estimator: NvilEstimator, steps: number): void {
  const optimizer = tf.train.adam(0.05);
  const logits = tf.fill([64], LOGIT);
  const rng = Rng.fromSeed(77);
  for (let step = 0; step < steps; step++) {
    optimizer.minimize(
      () => estimator.surrogate(new Bernoulli({ logits }), toy, { samples: 2, rng }).loss,
      false,
      estimator.network.trainableVariables as tf.Variable[],
    );
  }
  tf.dispose(logits);
  optimizer.dispose();
}

describeBackends('nvil', () => {
  it('is unbiased before and after training the baseline, with a lower variance than REINFORCE', () => {
    const network = tanhNetwork(1, 8, 2);
    const estimator = nvil({ network });
    expectUnbiased(estimates(estimator, 1), EXACT, 'untrained');
    trainBaseline(estimator, 60);
    const trained = estimates(estimator, 2);
    expectUnbiased(trained, EXACT, 'trained');
    const reinforce = moments(estimates(scoreFunction(), 3)).variance;
    // Measured (cpu and wasm): REINFORCE 1.5e-2, NVIL after 60 steps 7.4e-5.
    expect(moments(trained).variance).toBeLessThan(reinforce / 20);
    estimator.dispose();
    network.dispose();
  });

  it('is unbiased on N(1, 1.5²) for (x − 3)², both parameters, with the default parameter features', () => {
    const network = tanhNetwork(2, 4, 5);
    const estimator = nvil({ network });
    const params = [tf.fill([R], 1), tf.fill([R], 1.5)];
    const cost = testCosts.quadratic;
    for (let call = 0; call < 3; call++) {
      const grads = tf.grads((loc, scale) => {
        const dist = new Normal({ loc: loc!, scale: scale! });
        return estimator.surrogate(dist, cost.cost(3), { samples: 2, rng: Rng.fromSeed(call) })
          .loss;
      })(params);
      if (call === 2) {
        const exact = cost.exact.normal({ loc: 1, scale: 1.5 }, 3).gradient;
        expectUnbiased(grads[0]!.dataSync() as Float32Array, exact.loc, '∂μ');
        expectUnbiased(grads[1]!.dataSync() as Float32Array, exact.scale, '∂σ');
      }
      tf.dispose(grads);
    }
    tf.dispose(params);
    estimator.dispose();
    network.dispose();
  });

  it('normalize divides every estimate by the same factor max(1, running sd) ≥ 1', () => {
    const network = tanhNetwork(1, 4, 8);
    const plain = nvil({ network });
    const scaled = nvil({ network, normalize: true });
    for (let call = 0; call < 3; call++) {
      estimates(plain, 10 + call, 100);
      estimates(scaled, 10 + call, 100);
    }
    const a = estimates(plain, 20, 100);
    const b = estimates(scaled, 20, 100);
    const ratios = Array.from(a, (x, i) => b[i]! / x).filter(Number.isFinite);
    expect(ratios[0]!).toBeLessThan(1);
    expectClose(
      ratios,
      ratios.map(() => ratios[0]!),
      { rtol: 1e-3, atol: 1e-6 },
    );
    plain.dispose();
    scaled.dispose();
    network.dispose();
  });

  it('the loss trains the baseline by regression without changing its value', () => {
    const network = tanhNetwork(3, 4, 4);
    const estimator = nvil({ network, features: (d) => tf.reshape(d.params.logits!, [1, 3]) });
    const logits = tf.tensor1d([0.5, -1, 0.2]);
    const s = estimator.surrogate(new Categorical({ logits }), (x) => tf.cast(x, 'float32'), {
      samples: 8,
      rng: Rng.fromSeed(3),
    });
    expectClose(s.loss.dataSync()[0]!, s.value.dataSync()[0]!, { atol: 1e-5 });
    const { grads } = tf.variableGrads(
      () =>
        estimator.surrogate(new Categorical({ logits }), (x) => tf.cast(x, 'float32'), {
          samples: 8,
          rng: Rng.fromSeed(3),
        }).loss,
      network.trainableVariables as tf.Variable[],
    );
    expect(Object.keys(grads)).toHaveLength(4);
    tf.dispose([s.loss, s.value, logits, ...Object.values(grads)]);
    estimator.dispose();
    network.dispose();
  });

  it('does not leak, the running statistics included; dispose frees them', async () => {
    const before = tf.memory().numTensors;
    const network = tanhNetwork(1, 4, 1);
    const estimator = nvil({ network, normalize: true });
    const d = new Bernoulli({ logits: [0.3, -0.2] });
    const run = () => {
      const s = estimator.surrogate(d, toy, { samples: 3, rng: Rng.fromSeed(1) });
      tf.dispose([s.loss, s.value]);
    };
    run();
    await expectNoLeak(() => {
      for (let i = 0; i < 10; i++) run();
    });
    estimator.dispose();
    network.dispose();
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options, features and networks with typed errors naming them', () => {
    const network = tanhNetwork(1, 2, 1);
    const rng = Rng.fromSeed(0);
    const d = new Bernoulli({ logits: [0, 1] });
    expect(() => nvil(undefined as never)).toThrow(/nvil: argument 'options'/);
    expect(() => nvil({} as never)).toThrow(/nvil: argument 'network'.*got undefined/);
    expect(() => nvil({ network, decay: 1 })).toThrow(/nvil: argument 'decay'.*got 1/);
    expect(() => nvil({ network, normalize: 1 as never })).toThrow(/argument 'normalize'/);
    expect(() => nvil({ network, features: 3 as never })).toThrow(/argument 'features'/);
    expect(() => nvil({ network, baseline: 'mean' } as never)).toThrow(
      /nvil: unknown option 'baseline'/,
    );
    const estimator = nvil({ network, features: () => tf.zeros([3, 1]) });
    expect(() => estimator.surrogate(d, toy, { samples: 2, rng })).toThrow(
      /nvil.surrogate: the baseline's features must have shape \[2, features\], got \[3, 1\]/,
    );
    const wide = nvil({ network: { ...network, apply: (x: tf.Tensor) => tf.concat([x, x], 1) } });
    expect(() => wide.surrogate(d, toy, { samples: 2, rng })).toThrow(ShapeMismatchError);
    expect(() => nvil({ network }).surrogate(d, toy, { samples: 0, rng })).toThrow(/'samples'/);
    d.dispose();
    network.dispose();
  });
});
