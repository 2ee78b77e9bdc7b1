import { cholesky, InvalidArgumentError, isGenError, ShapeMismatchError } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import type { DistributionOptions } from './distribution.js';
import { float32String } from './float32-string.js';
import { broadcastShapes, type ParamLike, toParam } from './param.js';
import { checkConstraint, defaultValidation } from './validation.js';

const FN = 'MultivariateNormal';

/** Throws unless every matrix in `l` [..., d, d] is lower triangular with a positive diagonal. */
function checkScaleTril(l: tf.Tensor): void {
  const d = l.shape[l.rank - 1]!;
  const values = l.dataSync();
  for (let k = 0; k < values.length; k++) {
    const row = Math.floor(k / d) % d;
    const col = k % d;
    const v = values[k]!;
    if ((col > row && v !== 0) || (col === row && !(v > 0))) {
      throw new InvalidArgumentError(
        `${FN}: argument 'scaleTril' must be lower triangular with a positive diagonal, got ${float32String(v)} at [${row}, ${col}] of matrix ${Math.floor(k / (d * d))}`,
      );
    }
  }
}

/** Throws unless `c` [..., d, d] is symmetric up to float32 rounding. */
function checkSymmetric(c: tf.Tensor): void {
  const { gap, size } = tf.tidy(() => {
    const perm = c.shape.map((_, i) => i);
    perm[c.rank - 1] = c.rank - 2;
    perm[c.rank - 2] = c.rank - 1;
    const g = tf.max(tf.abs(tf.sub(c, tf.transpose(c, perm)))).dataSync()[0]!;
    return { gap: g, size: tf.max(tf.abs(c)).dataSync()[0]! };
  });
  if (gap > 1e-6 * size) {
    throw new InvalidArgumentError(
      `${FN}: argument 'covarianceMatrix' must be symmetric, got an asymmetry of ${float32String(gap)}`,
    );
  }
}

function scaleTrilFromCovariance(c: tf.Tensor, validate: boolean): tf.Tensor {
  if (validate) {
    checkConstraint(FN, 'covarianceMatrix', c, 'real');
    checkSymmetric(c);
  }
  try {
    return cholesky(c);
  } catch (cause) {
    if (!isGenError(cause, 'NUMERICAL_FAILURE')) throw cause;
    throw new InvalidArgumentError(
      `${FN}: argument 'covarianceMatrix' must be positive definite (${cause.message})`,
      { cause },
    );
  }
}

/**
 * Converts, checks and broadcasts `loc` [..., d] and `scaleTril` (or the Cholesky factor of
 * `covarianceMatrix`) [..., d, d] to `[...batch, d]` and `[...batch, d, d]`.
 */
export function prepareMultivariateNormal(
  raw: { loc: ParamLike; scaleTril?: ParamLike; covarianceMatrix?: ParamLike },
  options: DistributionOptions,
): { loc: tf.Tensor; scaleTril: tf.Tensor; batchShape: number[]; owned: tf.Tensor[] } {
  const validate = options.validateArgs ?? defaultValidation();
  const given = [raw.scaleTril, raw.covarianceMatrix].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new InvalidArgumentError(
      `${FN}: pass exactly one of 'scaleTril' and 'covarianceMatrix', got ${given}`,
    );
  }
  const owned: tf.Tensor[] = [];
  const keep = (t: { tensor: tf.Tensor; owned: boolean }) => {
    if (t.owned) owned.push(t.tensor);
    return t.tensor;
  };
  try {
    const loc = keep(toParam(FN, 'loc', raw.loc));
    const name = raw.scaleTril !== undefined ? 'scaleTril' : 'covarianceMatrix';
    const matrix = keep(toParam(FN, name, raw.scaleTril ?? raw.covarianceMatrix));
    const d = loc.shape[loc.rank - 1] ?? 0;
    const square = matrix.shape[matrix.rank - 1] === d && matrix.shape[matrix.rank - 2] === d;
    if (loc.rank < 1 || matrix.rank < 2 || !square) {
      throw new ShapeMismatchError(
        `${FN}: argument '${name}' must have shape [..., d, d] with d = loc.shape[-1] for 'loc' [..., d], got '${name}' [${matrix.shape.join(', ')}] and 'loc' [${loc.shape.join(', ')}]`,
      );
    }
    if (validate) checkConstraint(FN, 'loc', loc, 'real');
    let l = matrix;
    if (name === 'covarianceMatrix')
      l = keep({ tensor: scaleTrilFromCovariance(matrix, validate), owned: true });
    else if (validate) {
      checkConstraint(FN, 'scaleTril', l, 'real');
      checkScaleTril(l);
    }
    const batchShape = broadcastShapes(FN, {
      loc: loc.shape.slice(0, -1),
      [name]: l.shape.slice(0, -2),
    });
    const broadcast = (t: tf.Tensor, shape: number[]) =>
      tf.util.arraysEqual(t.shape, shape)
        ? t
        : keep({ tensor: tf.broadcastTo(t, shape), owned: true });
    return {
      loc: broadcast(loc, [...batchShape, d]),
      scaleTril: broadcast(l, [...batchShape, d, d]),
      batchShape,
      owned,
    };
  } catch (error) {
    tf.dispose(owned);
    throw error;
  }
}
