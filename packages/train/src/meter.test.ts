import { describeBackends, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Meter } from './meter.js';

describeBackends('Meter', () => {
  it('means the values added since the last read', async () => {
    const meter = new Meter(['loss']);
    for (const v of [1, 2, 6]) {
      const t = tf.scalar(v);
      meter.add('loss', t);
      t.dispose();
    }
    expect(meter.pending).toBe(true);
    expect((await meter.read()).means).toEqual({ loss: 3 });
    expect(meter.pending).toBe(false);
    meter.dispose();
  });

  it('names the first non-finite step exactly, however large the step number', async () => {
    const meter = new Meter(['loss']);
    const yes = tf.scalar(true, 'bool');
    const no = tf.scalar(false, 'bool');
    // Beyond int32 and far beyond the 2²⁴ integers float32 holds exactly (WebGPU's int32 maths).
    const start = 5_000_000_001;
    meter.check(yes, start);
    expect((await meter.read()).badStep).toBeUndefined();
    meter.check(yes, start + 1);
    meter.check(no, start + 2);
    meter.check(no, start + 3);
    expect((await meter.read()).badStep).toBe(start + 2);
    // The first bad step stays the answer after later reads.
    meter.check(no, start + 4);
    expect((await meter.read()).badStep).toBe(start + 2);
    tf.dispose([yes, no]);
    meter.dispose();
  });

  it('leaks nothing', async () => {
    await expectNoLeak(async () => {
      const meter = new Meter(['a', 'b']);
      const v = tf.scalar(1);
      const finite = tf.scalar(true, 'bool');
      meter.add('a', v);
      meter.check(finite, 1);
      await meter.read();
      tf.dispose([v, finite]);
      meter.dispose();
    });
  });
});
