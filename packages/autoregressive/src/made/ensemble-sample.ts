import type { Rng } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * `n` draws from the equal-weight mixture (1/M) Σₘ pₘ of M members: every row picks its member
 * uniformly from `rng`, each member draws its rows at once with `sampleMember(count, m, rows)`
 * (`rows`: which output rows they become), and the rows come back in the order they were assigned. Returns `[n, ...]`; the caller owns it.
 */
export function sampleEnsemble(
  n: number,
  members: number,
  rng: Rng,
  sampleMember: (count: number, member: number, rows: readonly number[]) => tf.Tensor,
): tf.Tensor {
  if (members === 1)
    return sampleMember(
      n,
      0,
      Array.from({ length: n }, (_, i) => i),
    );
  const chosen = Array.from({ length: n }, () => rng.int(members));
  const rows: number[] = [];
  const parts: tf.Tensor[] = [];
  for (let m = 0; m < members; m++) {
    const mine = chosen.flatMap((c, row) => (c === m ? [row] : []));
    if (mine.length === 0) continue;
    rows.push(...mine);
    parts.push(sampleMember(mine.length, m, mine));
  }
  return tf.tidy(() => {
    // Row rows[k] of the result is row k of the concatenation.
    const inverse = new Int32Array(n);
    rows.forEach((row, k) => {
      inverse[row] = k;
    });
    const out = tf.gather(tf.concat(parts), tf.tensor1d(inverse, 'int32'));
    tf.dispose(parts);
    return out;
  });
}
