import { Rng } from '@gen/core';
import { describeBackends, expectClose, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CENTRES, threeClusters } from '../test/data.js';
import { kmeansPlusPlus, lloyd, nearest, oneHotFloat, squaredDistances } from './kmeans.js';

let data: { x: tf.Tensor; labels: number[] };

/** Index of the true centre nearest to each row of `centres`. */
function nearestTrue(centres: tf.Tensor): number[] {
  return (centres.arraySync() as number[][]).map((c) => {
    const d = CENTRES.map((t) => Math.hypot(c[0]! - t[0]!, c[1]! - t[1]!));
    return d.indexOf(Math.min(...d));
  });
}

describeBackends('k-means initialisation', () => {
  beforeAll(() => {
    data = threeClusters(Rng.fromSeed(13), 300);
  });
  afterAll(() => {
    data.x.dispose();
  });

  it('squaredDistances and nearest agree with the definitions', () => {
    const a = tf.tensor2d([
      [0, 0],
      [3, 4],
    ]);
    const b = tf.tensor2d([
      [0, 0],
      [6, 8],
      [3, 0],
    ]);
    expectClose(
      squaredDistances(a, b),
      [
        [0, 100, 9],
        [25, 25, 16],
      ],
      { atol: 1e-5 },
    );
    const { labels, distance } = nearest(a, b);
    expect(Array.from(labels.dataSync())).toEqual([0, 2]);
    expectClose(distance, [0, 16], { atol: 1e-5 });
    expectClose(
      oneHotFloat(tf.tensor1d([2, 0], 'int32'), 3),
      [
        [0, 0, 1],
        [1, 0, 0],
      ],
      { atol: 0 },
    );
    tf.dispose([a, b, labels, distance]);
  });

  it('k-means++ puts one seed in each of three far-apart clusters (10 seeds)', () => {
    // Unit-variance clusters 20 apart: a candidate lands in an already seeded cluster with
    // probability about 2/400 per draw, and the greedy choice among 3 then rejects it.
    const far = tf.tidy(() =>
      tf.add(
        tf.mul(tf.tensor2d(CENTRES.flatMap((c) => Array.from({ length: 50 }, () => c))), 10 / 3),
        Rng.fromSeed(2).normal([150, 2]),
      ),
    );
    for (let seed = 0; seed < 10; seed++) {
      const centres = kmeansPlusPlus(far, 3, Rng.fromSeed(seed));
      const scaled = tf.mul(centres, 3 / 10);
      expect(new Set(nearestTrue(scaled)).size, `seed ${seed}`).toBe(3);
      tf.dispose([centres, scaled]);
    }
    far.dispose();
  });

  it('Lloyd iterations converge to the cluster means', async () => {
    const centres = await lloyd(data.x, kmeansPlusPlus(data.x, 3, Rng.fromSeed(1)));
    const rows = data.x.arraySync() as number[][];
    const order = nearestTrue(centres);
    (centres.arraySync() as number[][]).forEach((c, j) => {
      const members = rows.filter((_, i) => data.labels[i] === order[j]);
      const mean = [0, 1].map((a) => members.reduce((s, r) => s + r[a]!, 0) / members.length);
      // Well separated: the k-means partition is the true one up to a few boundary rows.
      expectClose(c, mean, { atol: 0.05, rtol: 0 });
    });
    centres.dispose();
  });

  it('copes with fewer distinct rows than centres, and leaks nothing', async () => {
    const x = tf.tensor2d([
      [1, 1],
      [1, 1],
      [2, 2],
      [2, 2],
    ]);
    await expectNoLeak(async () => {
      const centres = await lloyd(x, kmeansPlusPlus(x, 3, Rng.fromSeed(0)));
      expect(Array.from(centres.dataSync()).every(Number.isFinite)).toBe(true);
      return centres;
    });
    x.dispose();
  });
});
