import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { isConditionalBatch, splitBatch } from './guards.js';
import { describeBackends } from './testing/backends.js';

describeBackends('conditional batches', () => {
  it('isConditionalBatch tells { x, condition } of tensors from a tensor and from other objects', () => {
    const [x, c] = [tf.zeros([3, 2]), tf.zeros([3, 4])];
    expect(isConditionalBatch({ x, condition: c })).toBe(true);
    expect(isConditionalBatch(x)).toBe(false);
    expect(isConditionalBatch({ x })).toBe(false);
    expect(isConditionalBatch({ x, condition: [[1, 0]] })).toBe(false);
    expect(isConditionalBatch(null)).toBe(false);
    tf.dispose([x, c]);
  });

  it('splitBatch returns the parts and refuses conditions that do not have one row per example', () => {
    const [x, c, bad, flat] = [tf.zeros([3, 2]), tf.zeros([3, 4]), tf.zeros([2, 4]), tf.zeros([3])];
    expect(splitBatch('Model.loss', x)).toEqual({ x });
    const parts = splitBatch('Model.loss', { x, condition: c });
    expect(parts.x).toBe(x);
    expect(parts.condition).toBe(c);
    expect(() => splitBatch('Model.loss', { x, condition: bad })).toThrow(InvalidArgumentError);
    expect(() => splitBatch('Model.loss', { x, condition: bad })).toThrow(
      /Model\.loss: argument 'batch\.condition' .*n = 3 rows/,
    );
    expect(() => splitBatch('Model.loss', { x, condition: flat })).toThrow(/batch\.condition/);
    expect(() => splitBatch('Model.loss', { x: [1, 2] } as never)).toThrow(
      /Model\.loss: argument 'batch' .*\{ x, condition \}/,
    );
    tf.dispose([x, c, bad, flat]);
  });
});
