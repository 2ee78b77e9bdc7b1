import { InvalidArgumentError, initBackend, ShapeMismatchError } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixture, scalar } from '../test/support.js';
import { divergence } from './divergence.js';
import { type DivergenceName, divergenceNames } from './names.js';

interface VectorCase extends Record<string, unknown> {
  name: string;
  p: number[];
  q: number[];
  alpha: Record<string, number>;
}
const fixture = loadFixture<{ alphas: number[]; cases: VectorCase[] }>('vectors');
const named = divergenceNames.filter((n) => n !== 'alpha');

describeBackends('divergence on probability vectors vs scipy/numpy', () => {
  // float32 inputs (the fixtures are exact at them): what is left is float32 arithmetic on
  // ≤ 50 terms of size ≲ 1, a few ulp each (observed: ≤ 2.5e−8 absolute on cpu and wasm).
  const close = (actual: tf.Tensor, expected: number, message: string) => {
    expectClose(actual, expected, { atol: 2e-7, rtol: 1e-6, message });
    actual.dispose();
  };
  for (const c of fixture.cases) {
    it(`${c.name}: every named divergence`, () => {
      for (const name of named) close(divergence(name, c.p, c.q), c[name] as number, name);
    });
    it(`${c.name}: alpha for α ∈ {${fixture.alphas.join(', ')}}`, () => {
      for (const a of fixture.alphas) {
        close(divergence('alpha', c.p, c.q, { alpha: a }), c.alpha[String(a)]!, `alpha ${a}`);
      }
    });
  }
});

describe('divergence on probability vectors', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  // docs/references.md#kl-divergences-in-closed-form and docs/references.md#jensen-shannon-divergence
  it('reproduces the documented values', () => {
    expectClose(divergence('kl', [0.2, 0.5, 0.3], [0.1, 0.3, 0.6]), 0.186098, { atol: 1e-6 });
    // scipy jensenshannon([1, 0], [.5, .5]) = 0.4645014040224590 is the distance √JS
    expectClose(divergence('js', [1, 0], [0.5, 0.5]), 0.464501404022459 ** 2, { atol: 1e-7 });
  });

  it('follows the limits at zero probabilities, never NaN', () => {
    const p = [0.5, 0.5, 0, 0];
    const q = [0, 0, 0.25, 0.75];
    const expected: Record<Exclude<DivergenceName, 'alpha'>, number> = {
      kl: Infinity,
      'reverse-kl': Infinity,
      js: Math.LN2,
      jeffreys: Infinity,
      pearson: Infinity,
      neyman: Infinity,
      'squared-hellinger': 2,
      'total-variation': 1,
    };
    for (const [name, value] of Object.entries(expected)) {
      expectClose(divergence(name as DivergenceName, p, q), value, { atol: 1e-6, message: name });
    }
    // α < 1: Σ q f(0) + Σ p/(1−α) = 1/α + 1/(1−α); α > 1 or α < 0: +∞
    expectClose(divergence('alpha', p, q, { alpha: 0.5 }), 4, { atol: 1e-6 });
    expectClose(divergence('alpha', p, q, { alpha: 2 }), Infinity);
    expectClose(divergence('alpha', p, q, { alpha: -1 }), Infinity);
    // Zeros shared by p and q contribute nothing; p = 0 < q is finite for kl.
    expectClose(divergence('kl', [0, 0.5, 0.5], [0, 0.5, 0.5]), 0, { atol: 0 });
    expectClose(divergence('kl', [0, 1], [0.5, 0.5]), Math.LN2, { atol: 1e-6 });
  });

  it('is exactly 0 for p = q, for every divergence and α', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    for (const name of named) expect(scalar(divergence(name, p, p)), name).toBe(0);
    for (const alpha of [-2, 0.3, 0.5, 1.5, 4]) {
      expect(scalar(divergence('alpha', p, p, { alpha }))).toBe(0);
    }
  });

  it('treats α = 1 and α = 0 as the KL limits and α near them continuously', () => {
    const p = [0.2, 0.5, 0.3];
    const q = [0.1, 0.3, 0.6];
    const kl = scalar(divergence('kl', p, q));
    const rkl = scalar(divergence('reverse-kl', p, q));
    expectClose(divergence('alpha', p, q, { alpha: 1 }), kl, { atol: 1e-7 });
    expectClose(divergence('alpha', p, q, { alpha: 0 }), rkl, { atol: 1e-7 });
    expectClose(divergence('alpha', p, q, { alpha: 1 + 1e-3 }), kl, { atol: 1e-3 });
    expectClose(divergence('alpha', p, q, { alpha: 1e-3 }), rkl, { atol: 1e-3 });
    // α = 2 is Pearson/2, α = −1 Neyman/2, α = ½ twice the squared Hellinger distance
    const at = (alpha: number) => divergence('alpha', p, q, { alpha });
    expectClose(at(2), scalar(divergence('pearson', p, q)) / 2, { atol: 1e-6 });
    expectClose(at(-1), scalar(divergence('neyman', p, q)) / 2, { atol: 1e-6 });
    expectClose(at(0.5), 2 * scalar(divergence('squared-hellinger', p, q)), { atol: 1e-6 });
  });

  it('batches over leading axes that broadcast, and accepts tensors', () => {
    const p = tf.tensor2d([
      [0.2, 0.5, 0.3],
      [0.1, 0.3, 0.6],
    ]);
    const q = tf.tensor1d([0.1, 0.3, 0.6]);
    const d = divergence('kl', p, q);
    expect(d.shape).toEqual([2]);
    expectClose(d, [0.186098, 0], { atol: 1e-6 });
    expect(divergence('js', [[[0.5, 0.5]]], [0.5, 0.5]).shape).toEqual([1, 1]);
    expect(divergence('js', [0.5, 0.5], [0.9, 0.1]).shape).toEqual([]);
    tf.dispose([p, q, d]);
  });

  it('is differentiable with respect to tensor inputs: ∂KL/∂p = log(p/q) + 1, ∂KL/∂q = −p/q', () => {
    const p = tf.tensor1d([0.2, 0.5, 0.3]);
    const q = tf.tensor1d([0.1, 0.3, 0.6]);
    const [gp, gq] = tf.grads((a, b) => divergence('kl', a!, b!) as tf.Scalar)([p, q]);
    expectClose(gp!, [Math.log(2) + 1, Math.log(5 / 3) + 1, Math.log(0.5) + 1], { atol: 1e-5 });
    expectClose(gq!, [-2, -5 / 3, -0.5], { atol: 1e-5 });
    // Zero entries get a finite (zero) gradient, not NaN.
    const g0 = tf.grad((a) => divergence('js', a, tf.tensor1d([0, 0.5, 0.5])) as tf.Scalar)(
      tf.tensor1d([0.5, 0, 0.5]),
    );
    expect(Array.from(g0.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([p, q, gp!, gq!, g0]);
  });

  it('rejects unnormalised, negative and non-finite vectors, naming the argument and value', () => {
    expect(() => divergence('kl', [0.5, 0.6], [0.5, 0.5])).toThrow(InvalidArgumentError);
    expect(() => divergence('kl', [0.5, 0.6], [0.5, 0.5])).toThrow(
      /divergence: argument 'p' .* got a sum of 1\.1\d* at \[\]/,
    );
    expect(() =>
      divergence(
        'kl',
        [0.5, 0.5],
        [
          [0.5, 0.5],
          [0.3, 0.3],
        ],
      ),
    ).toThrow(/argument 'q' .* got a sum of 0\.6\d* at \[1\]/);
    expect(() => divergence('js', [1.5, -0.5], [0.5, 0.5])).toThrow(
      /argument 'p' .* got the entry -0\.5 at \[1\]/,
    );
    expect(() => divergence('js', [Number.NaN, 1], [0.5, 0.5])).toThrow(
      /got the entry NaN at \[0\]/,
    );
    expect(() => divergence('kl', [0.5, 0.5], [1 / 3, 1 / 3, 1 / 3])).toThrow(ShapeMismatchError);
    expect(() => divergence('kl', 0.5 as never, [1])).toThrow(/argument 'p'/);
    // validateArgs: false skips the (synchronous) checks.
    const unchecked = divergence('kl', [0.5, 0.6], [0.5, 0.5], { validateArgs: false });
    expectClose(unchecked, 0.6 * Math.log(1.2), { atol: 1e-6 });
  });

  it('rejects unknown names, options and misplaced α', () => {
    expect(() => divergence('chi2' as DivergenceName, [1], [1])).toThrow(/argument 'name'/);
    expect(() => divergence('kl', [1], [1], { alhpa: 1 } as never)).toThrow(
      /unknown option 'alhpa'/,
    );
    expect(() => divergence('alpha', [1], [1])).toThrow(/argument 'alpha' must be a finite number/);
    expect(() => divergence('kl', [1], [1], { alpha: 2 })).toThrow(/only used with name 'alpha'/);
    expect(() => divergence('kl', [1], [1], { method: 'quadrature' })).toThrow(/argument 'method'/);
  });

  it('does not leak tensors', async () => {
    const p = tf.tensor1d([0.2, 0.5, 0.3]);
    for (const name of divergenceNames) {
      await expectNoLeak(
        () => divergence(name, p, [0.1, 0.3, 0.6], { ...(name === 'alpha' && { alpha: 0.5 }) }),
        name,
      );
    }
    await expectNoLeak(() => {
      expect(() => divergence('kl', [0.5, 0.6], p)).toThrow();
    });
    p.dispose();
  });
});
