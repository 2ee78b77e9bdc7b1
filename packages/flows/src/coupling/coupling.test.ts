import { InvalidArgumentError } from '@gen/core';
import { describeBackends, expectClose } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { curvedData, maxAbsDiff, trainBriefly } from '../../test/support.js';
import { AffineCoupling } from './affine-coupling.js';
import { RationalQuadraticSpline } from './rational-quadratic-spline.js';

const net = { hiddenSizes: [8], activation: 'tanh' as const };

describeBackends('coupling layers', () => {
  it('start as the exact identity', () => {
    const x = curvedData(16, 3, 1);
    for (const b of [
      new AffineCoupling({ dim: 3, ...net }),
      new RationalQuadraticSpline({ dim: 3, ...net }),
    ]) {
      const { y, logDet } = b.forwardAndLogDet(x);
      expectClose(y, x, { atol: 1e-6, rtol: 1e-6 });
      expectClose(logDet, 0, { atol: 1e-6, rtol: 0 });
      tf.dispose([y, logDet]);
      b.dispose();
    }
    x.dispose();
  });

  it('keep the mask-1 coordinates exactly and transform the others (parity and mask)', () => {
    const x = curvedData(64, 4, 2);
    const layers = [
      new AffineCoupling({ dim: 4, parity: 1, seed: 1, ...net }),
      new RationalQuadraticSpline({ dim: 4, mask: [1, 1, 0, 0], seed: 2, ...net }),
    ];
    expect(layers[0]!.mask).toEqual([0, 1, 0, 1]);
    for (const b of layers) {
      trainBriefly(b, x, 10);
      const y = b.forward(x);
      b.mask.forEach((keep, i) => {
        const [a, c] = [tf.gather(x, [i], 1), tf.gather(y, [i], 1)];
        if (keep === 1) expect(maxAbsDiff(a, c)).toBe(0);
        else expect(maxAbsDiff(a, c)).toBeGreaterThan(1e-2);
        tf.dispose([a, c]);
      });
      y.dispose();
      b.dispose();
    }
    x.dispose();
  });

  it('spline coupling: the identity beyond ±tailBound, finite there, exact at the bound', () => {
    const b = new RationalQuadraticSpline({ dim: 2, tailBound: 1, seed: 3, ...net });
    const data = tf.tidy(() => tf.mul(curvedData(128, 2, 3), 0.5));
    trainBriefly(b, data, 10);
    // Coordinate 1 is transformed: at ±1 and beyond the map is the identity.
    const x = tf.tensor2d([
      [0.3, -1],
      [0.3, 1],
      [-0.2, 1.5],
      [0.1, -40],
      [0.5, 1e5],
    ]);
    const forward = b.forwardAndLogDet(x);
    const inverse = b.inverseAndLogDet(x);
    for (const [v, logDet] of [
      [forward.y, forward.logDet],
      [inverse.x, inverse.logDet],
    ] as const) {
      expectClose(v, x, { atol: 1e-5, rtol: 1e-6 });
      expectClose(logDet, 0, { atol: 1e-5, rtol: 0 });
    }
    tf.dispose([x, forward, inverse]);
    data.dispose();
    b.dispose();
  });

  it('reject bad masks, parities, bin counts and dim 1 with typed errors', () => {
    expect(() => new AffineCoupling({ dim: 1 })).toThrow(
      "AffineCoupling: argument 'dim' must be an integer >= 2, got 1",
    );
    expect(() => new AffineCoupling({ dim: 3, mask: [1, 1, 1] })).toThrow(
      "AffineCoupling: argument 'mask' must be 3 zeros and ones with at least one of each, got [1, 1, 1]",
    );
    expect(() => new AffineCoupling({ dim: 2, parity: 2 as never })).toThrow(InvalidArgumentError);
    expect(() => new AffineCoupling({ dim: 2, parity: 0, mask: [1, 0] })).toThrow(
      /either 'parity' or 'mask'/,
    );
    expect(() => new AffineCoupling({ dim: 2, activation: 'swish' as never })).toThrow(
      /^AffineCoupling: Mlp: argument 'activation'/,
    );
    expect(() => new AffineCoupling({ dim: 2, logScaleBound: -1 })).toThrow(
      /argument 'logScaleBound' must be a finite number > 0/,
    );
    expect(() => new RationalQuadraticSpline({ dim: 2, bins: 1 })).toThrow(
      "RationalQuadraticSpline: argument 'bins' must be an integer >= 2, got 1",
    );
    expect(() => new RationalQuadraticSpline({ dim: 2, bins: 10, minBinWidth: 0.1 })).toThrow(
      /minBinWidth' must be < 1 \/ bins/,
    );
  });
});
