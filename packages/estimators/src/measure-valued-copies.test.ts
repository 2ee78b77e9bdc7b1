import { type CostFunction, type Distribution, NotImplementedError, Rng } from '@gen/core';
import { describeBackends, expectNoLeak, foreignCopy } from '@gen/core/testing';
import { Bernoulli, Independent, Normal } from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { measureValued } from './measure-valued.js';
import { hasWeakDerivative, registerWeakDerivative } from './weak-derivatives/index.js';

const square: CostFunction = (x) => tf.square(tf.sub(x, 0.25));

/** Value and gradients (w.r.t. `values`) of measureValued's surrogate for `make(params)`. */
function run(
  make: (params: tf.Tensor[]) => Distribution,
  values: number[][],
  cost: CostFunction = square,
  params?: string[],
): { value: number; grads: number[][] } {
  const xs = values.map((v) => tf.tensor1d(v));
  let value = Number.NaN;
  const grads = tf.grads((...ps) => {
    const { loss, value: v } = measureValued(params && { params }).surrogate(make(ps), cost, {
      samples: 64,
      rng: Rng.fromSeed(3),
    });
    value = v.dataSync()[0]!;
    return loss;
  })(xs);
  const out = grads.map((g) => Array.from(g.dataSync()));
  tf.dispose([...grads, ...xs]);
  return { value, grads: out };
}

// A second installed copy of @gen/distributions has classes of its own; only the `Symbol.for`
// brands are shared. `foreignCopy` builds such objects here.
describeBackends('measureValued across installed copies of @gen/distributions', () => {
  it("uses the built-in weak derivatives for the other copy's Normal and Bernoulli", () => {
    const normal = ([loc, scale]: tf.Tensor[]) => new Normal({ loc: loc!, scale: scale! });
    const own = run(normal, [
      [0.5, -1],
      [1, 2],
    ]);
    const across = run(
      (ps) => foreignCopy(normal(ps)),
      [
        [0.5, -1],
        [1, 2],
      ],
    );
    const probe = new Normal({ loc: 0, scale: 1 });
    expect(foreignCopy(probe)).not.toBeInstanceOf(Normal);
    probe.dispose();
    expect(own.grads.flat().every((g) => Number.isFinite(g) && g !== 0)).toBe(true);
    expect(across).toEqual(own);
    const bernoulli = ([logits]: tf.Tensor[]) => new Bernoulli({ logits: logits! });
    expect(run((ps) => foreignCopy(bernoulli(ps)), [[0.3, -2]])).toEqual(
      run(bernoulli, [[0.3, -2]]),
    );
  });

  it('peels an Independent of the other copy around a Normal of the other copy', () => {
    const wrapped = (foreign: boolean) => (ps: tf.Tensor[]) => {
      const base = new Normal({ loc: ps[0]!, scale: ps[1]! });
      const d = new Independent(foreign ? foreignCopy(base) : base, 1);
      return foreign ? foreignCopy(d) : d;
    };
    const sum: CostFunction = (x) => tf.sum(tf.square(x), -1);
    expect(
      run(
        wrapped(true),
        [
          [0.5, -1],
          [1, 2],
        ],
        sum,
      ),
    ).toEqual(
      run(
        wrapped(false),
        [
          [0.5, -1],
          [1, 2],
        ],
        sum,
      ),
    );
  });

  it("a subclass of the other copy's Normal takes its own entry, the rest by brand", () => {
    class FrozenMean extends Normal {}
    const probe = new Normal({ loc: 0, scale: 1 });
    Object.setPrototypeOf(FrozenMean.prototype, Object.getPrototypeOf(foreignCopy(probe)));
    probe.dispose();
    registerWeakDerivative(FrozenMean, 'loc', ({ dist }) => ({
      constant: tf.zerosLike(dist.loc),
    }));
    const frozen = ([l, s]: tf.Tensor[]) => new FrozenMean({ loc: l!, scale: s! });
    const plain = ([l, s]: tf.Tensor[]) => new Normal({ loc: l!, scale: s! });
    expect(run(frozen, [[0.5], [2]]).grads[0]).toEqual([0]);
    expect(run(plain, [[0.5], [2]]).grads[0]).not.toEqual([0]);
    // Only `scale` differentiated, so both draw the same numbers.
    const scaleOnly = (make: typeof plain) =>
      run(([s]) => make([tf.fill([1], 0.5), s!]), [[2]], square, ['scale']);
    expect(scaleOnly(frozen)).toEqual(scaleOnly(plain));
  });

  it('refuses an unbranded look-alike with the typed error naming measureValued.surrogate', () => {
    const d = new Normal({ loc: 0, scale: 1 });
    const lookAlike = foreignCopy(d, { brands: false });
    expect(hasWeakDerivative(foreignCopy(d), 'loc')).toBe(true);
    expect(hasWeakDerivative(lookAlike, 'loc')).toBe(false);
    const attempt = () =>
      measureValued().surrogate(lookAlike, square, { samples: 2, rng: Rng.fromSeed(0) });
    expect(attempt).toThrow(NotImplementedError);
    expect(attempt).toThrow(
      /^measureValued\.surrogate: no weak derivative is registered for parameter 'loc' of Normal \(registered: none\)/,
    );
    d.dispose();
  });

  it('does not leak', async () => {
    const d = new Normal({ loc: [0, 1], scale: 1 });
    const foreign = foreignCopy(d);
    await expectNoLeak(() => {
      const { loss, value } = measureValued().surrogate(foreign, square, {
        samples: 4,
        rng: Rng.fromSeed(1),
      });
      tf.dispose([loss, value]);
    });
    d.dispose();
  });
});
