import { InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectClose, expectNoLeak } from '@gen/core/testing';
import { Chain } from '@gen/distributions';
import { loadModel, modelToSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { logAbsDet, maxAbsDiff, numericalJacobian } from '../../test/support.js';
import { ActNorm } from '../act-norm.js';
import { MaskedAutoregressive } from '../autoregressive/masked-autoregressive.js';
import { AffineCoupling } from '../coupling/affine-coupling.js';
import { RationalQuadraticSpline } from '../coupling/rational-quadratic-spline.js';
import type { LearnedBijector } from '../learned-bijector.js';
import { Flow } from './flow.js';
import { standardNormal } from './standard-normal.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const net = { hiddenSizes: [16, 16], activation: 'tanh' as const };

const conditional: Record<string, (seed: number) => LearnedBijector> = {
  AffineCoupling: (seed) => new AffineCoupling({ dim: 3, conditionSize: 2, seed, ...net }),
  'MaskedAutoregressive maf': (seed) =>
    new MaskedAutoregressive({ dim: 3, conditionSize: 2, seed, ...net }),
  'MaskedAutoregressive iaf, random order': (seed) =>
    new MaskedAutoregressive({
      dim: 3,
      conditionSize: 2,
      direction: 'iaf',
      ordering: 'random',
      seed,
      ...net,
    }),
  RationalQuadraticSpline: (seed) =>
    new RationalQuadraticSpline({
      dim: 3,
      conditionSize: 2,
      bins: 5,
      tailBound: 2.5,
      seed,
      ...net,
    }),
};

/**
 * Replaces every weight by N(0, 0.25²) draws, so that a new (identity) layer moves; larger draws
 * make splines steep enough for the 1e-2 finite-difference step to miss their curvature.
 */
function randomise(b: LearnedBijector, seed: number): void {
  const rng = Rng.fromSeed(seed);
  const weights = b.getWeights();
  const fresh = Object.fromEntries(
    Object.entries(weights).map(([name, w]) => [name, rng.normal([...w.shape], 0, 0.25)]),
  );
  b.setWeights(fresh);
  tf.dispose([Object.values(weights), Object.values(fresh)]);
}

/** Four clusters on a circle of radius 3 (std 0.3); row i has class i mod 4, one-hot. */
function labelledClusters(n: number, seed: number) {
  const centres = [
    [3, 0],
    [0, 3],
    [-3, 0],
    [0, -3],
  ];
  const labels = Array.from({ length: n }, (_, i) => i % 4);
  const x = tf.tidy(() =>
    tf.add(tf.tensor2d(labels.map((k) => centres[k]!)), Rng.fromSeed(seed).normal([n, 2], 0, 0.3)),
  );
  return { x, condition: oneHot(labels), centres };
}

function oneHot(labels: number[]): tf.Tensor2D {
  return tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), 'float32'),
  ) as tf.Tensor2D;
}

describe('conditional learned bijectors', () => {
  for (const [name, make] of Object.entries(conditional)) {
    it(`${name}: log-dets equal finite-difference Jacobians at fixed contexts, and round trips`, () => {
      const b = make(3);
      randomise(b, 11);
      const x = [0.3, -0.8, 1.1];
      for (const c of [
        [1, -0.5],
        [-1.2, 0.7],
      ]) {
        const context = tf.tensor1d(c);
        const { y, logDet } = b.forwardAndLogDet(tf.tensor1d(x), context);
        const jac = numericalJacobian((v) => b.forward(v, context), x);
        expectClose(logDet, logAbsDet(jac), { atol: 2e-3, rtol: 0 });
        const back = b.inverseAndLogDet(y, context);
        const yv = Array.from(y.dataSync());
        const inv = numericalJacobian((v) => b.inverse(v, context), yv);
        expectClose(back.logDet, logAbsDet(inv), { atol: 2e-3, rtol: 0 });
        expectClose(back.x, x, { atol: 1e-4, rtol: 1e-4 });
        tf.dispose([context, y, logDet, back.x, back.logDet]);
      }
      b.dispose();
    });

    it(`${name}: the context changes the map, and withContext is the same map as a Bijector`, () => {
      const b = make(4);
      randomise(b, 12);
      const x = Rng.fromSeed(1).normal([5, 3]);
      const c = Rng.fromSeed(2).normal([5, 2]);
      const other = Rng.fromSeed(3).normal([5, 2]);
      const y = b.forward(x, c);
      expect(maxAbsDiff(y, b.forward(x, other))).toBeGreaterThan(1e-2);
      const bound = b.withContext(c);
      expectClose(bound.forward(x), y, { atol: 0, rtol: 0 });
      const chain = new Chain([bound]);
      const viaChain = chain.inverseAndLogDet(y);
      const direct = b.inverseAndLogDet(y, c);
      expectClose(viaChain.x, direct.x, { atol: 0, rtol: 0 });
      expectClose(viaChain.logDet, direct.logDet, { atol: 0, rtol: 0 });
      expectClose(direct.x, x, { atol: 1e-4, rtol: 1e-4 });
      // One shared row equals that row repeated.
      const row = tf.tensor2d([[0.5, -1]]);
      const tiled = tf.tile(row, [5, 1]);
      expectClose(b.forward(x, row), b.forward(x, tiled), { atol: 0, rtol: 0 });
      tf.dispose([
        x,
        c,
        other,
        y,
        viaChain.x,
        viaChain.logDet,
        direct.x,
        direct.logDet,
        row,
        tiled,
      ]);
      b.dispose();
    });
  }

  it('refuse a missing, unexpected or misshapen context with typed errors', () => {
    const b = conditional.AffineCoupling!(0);
    const plain = new AffineCoupling({ dim: 3 });
    const x = tf.zeros([4, 3]);
    expect(() => b.forward(x)).toThrow(
      "AffineCoupling.forward: argument 'context' is required: the layer is conditional (conditionSize 2)",
    );
    const c = tf.zeros([4, 2]);
    expect(() => plain.inverse(x, c)).toThrow(
      "AffineCoupling.inverse: argument 'context' applies to a conditional layer only",
    );
    const wrong = tf.zeros([3, 2]);
    expect(() => b.forwardAndLogDet(x, wrong)).toThrow(ShapeMismatchError);
    expect(() => b.withContext(tf.zeros([4, 5]))).toThrow(
      "AffineCoupling.withContext: argument 'context' must have shape [..., 2]",
    );
    expect(() => new MaskedAutoregressive({ dim: 3, conditionSize: 0 })).toThrow(
      "MaskedAutoregressive: argument 'conditionSize' must be an integer >= 1, got 0",
    );
    tf.dispose([x, c, wrong]);
    b.dispose();
    plain.dispose();
  });
});

describe('conditional Flow', () => {
  function makeFlow(seed: number): Flow {
    return new Flow({
      base: standardNormal(2),
      transforms: [
        new MaskedAutoregressive({ dim: 2, conditionSize: 4, hiddenSizes: [32], seed }),
        new AffineCoupling({ dim: 2, conditionSize: 4, hiddenSizes: [32], parity: 1, seed }),
        new ActNorm({ dim: 2 }),
        new MaskedAutoregressive({
          dim: 2,
          conditionSize: 4,
          hiddenSizes: [32],
          ordering: 'reverse',
          seed: seed + 1,
        }),
      ],
    });
  }

  it('learns a labelled toy: class-k samples lie nearest centre k', async () => {
    const { x, condition, centres } = labelledClusters(256, 0);
    const flow = makeFlow(1);
    expect(flow.conditionSize).toBe(4);
    const wanted = Array.from({ length: 200 }, (_, i) => i % 4);
    const labels = oneHot(wanted);
    /** The fraction of draws given class k that lie nearest centre k. */
    const hitRate = async () => {
      const drawn = flow.sample(200, Rng.fromSeed(9), { condition: labels });
      const v = await drawn.data();
      drawn.dispose();
      const hits = wanted.filter((k, r) => {
        const d = centres.map(([a, b]) => (v[2 * r]! - a!) ** 2 + (v[2 * r + 1]! - b!) ** 2);
        return d.indexOf(Math.min(...d)) === k;
      }).length;
      return hits / 200;
    };
    // A new flow is the identity on N(0, I): about a quarter land nearest their own centre.
    expect(await hitRate()).toBeLessThan(0.4);
    const optimizer = tf.train.adam(0.02);
    for (let step = 0; step < 60; step++) {
      optimizer.minimize(() => flow.loss({ x, condition }), false, flow.trainableVariables);
    }
    expect(await hitRate()).toBeGreaterThanOrEqual(0.9);
    // The forward (sampling) and inverse (density) passes agree on the drawn points.
    const some = tf.slice(labels, [0, 0], [50, -1]);
    const { x: s, logProb } = flow.sampleAndLogProb(50, Rng.fromSeed(3), { condition: some });
    expectClose(flow.logProb(s, { condition: some }), logProb, {
      atol: 2e-3,
      rtol: 1e-3,
    });
    optimizer.dispose();
    tf.dispose([x, condition, labels, s, logProb, some]);
    flow.dispose();
  });

  it('records conditionSize for loadModel and gives the same conditional density', async () => {
    const flow = makeFlow(2);
    for (const t of flow.transforms)
      if (!(t instanceof ActNorm)) randomise(t as LearnedBijector, 5);
    const x = Rng.fromSeed(4).normal([6, 2]);
    const c = oneHot([0, 1, 2, 3, 0, 1]);
    const before = flow.logProb(x, { condition: c });
    const loaded = await loadModel<Flow>(modelToSafetensors(flow));
    expect(loaded.conditionSize).toBe(4);
    expectClose(loaded.logProb(x, { condition: c }), before, { atol: 0, rtol: 0 });
    tf.dispose([x, c, before]);
    flow.dispose();
    loaded.dispose();
  });

  it('does not leak, and refuses a missing or unexpected condition', async () => {
    const flow = makeFlow(3);
    const x = Rng.fromSeed(4).normal([4, 2]);
    const condition = oneHot([0, 1, 2, 3]);
    await expectNoLeak(() => flow.loss({ x, condition }), 'loss');
    await expectNoLeak(() => flow.logProb(x, { condition }), 'logProb');
    await expectNoLeak(() => flow.sample(4, Rng.fromSeed(1), { condition }), 'sample');
    await expectNoLeak(
      () => flow.sampleAndLogProb(4, Rng.fromSeed(1), { condition }),
      'sampleAndLogProb',
    );
    const optimizer = tf.train.adam(0.01);
    // The first step creates Adam's moment estimates, which it keeps.
    optimizer.minimize(() => flow.loss({ x, condition }), false, flow.trainableVariables);
    await expectNoLeak(
      () => optimizer.minimize(() => flow.loss({ x, condition }), false, flow.trainableVariables),
      'training step',
    );
    expect(() => flow.loss(x)).toThrow(
      "Flow.loss: argument 'batch' must be { x, condition } with condition [n, 4]: the flow is conditional",
    );
    expect(() => flow.sample(4, Rng.fromSeed(1))).toThrow(
      "Flow.sample: argument 'options.condition' is required: the flow is conditional (conditionSize 4)",
    );
    const short = tf.zeros([3, 4]);
    expect(() => flow.logProb(x, { condition: short })).toThrow(
      "Flow.logProb: argument 'options.condition' must have shape [4, 4] or [1, 4], got [3, 4]",
    );
    const plain = new Flow({
      base: standardNormal(2),
      transforms: [new AffineCoupling({ dim: 2 })],
    });
    expect(() => plain.loss({ x, condition })).toThrow(
      "Flow.loss: argument 'batch' must be a tensor: the flow is unconditional",
    );
    expect(() => plain.sample(4, Rng.fromSeed(1), { condition })).toThrow(InvalidArgumentError);
    const mixed = [
      new AffineCoupling({ dim: 2, conditionSize: 4 }),
      new AffineCoupling({ dim: 2, conditionSize: 3 }),
    ];
    expect(() => new Flow({ base: standardNormal(2), transforms: mixed })).toThrow(
      'Flow: the conditional transforms disagree on conditionSize (4, 3)',
    );
    for (const t of mixed) t.dispose();
    optimizer.dispose();
    tf.dispose([x, condition, short]);
    flow.dispose();
    plain.dispose();
  });
});
