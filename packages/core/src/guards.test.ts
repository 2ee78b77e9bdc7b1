import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { appendCondition, conditionOption, splitConditionalInput } from './condition.js';
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

  it('the shared condition checks name the model, the argument and the shape they want', () => {
    const [x, c, shared, img] = [
      tf.zeros([3, 2]),
      tf.ones([3, 4]),
      tf.ones([1, 4]),
      tf.zeros([3, 2, 2, 1]),
    ];
    expect(() => splitConditionalInput('Gan.discriminatorLoss', 'real', x, 4, 'GAN')).toThrow(
      /'real' .*this GAN is conditional \(conditionSize = 4\)/,
    );
    expect(() =>
      splitConditionalInput('Vae.loss', 'batch', { x, condition: c }, undefined, 'VAE'),
    ).toThrow(/this VAE is unconditional/);
    expect(
      splitConditionalInput('Vae.loss', 'batch', { x, condition: c }, 4, 'VAE').condition,
    ).toBe(c);
    expect(conditionOption('Vae.sample', shared, 4, 3, 'VAE')).toBe(shared);
    expect(() => conditionOption('Vae.sample', undefined, 4, 3, 'VAE')).toThrow(
      /'options\.condition' .*is required.*\[3, 4\] or \[1, 4\]/,
    );
    expect(() => conditionOption('Gan.sample', c, undefined, 3, 'GAN')).toThrow(/must be left out/);
    const nan = tf.fill([3, 4], Number.NaN);
    expect(() => conditionOption('Vae.sample', nan, 4, 3, 'VAE')).toThrow(/options\.condition/);
    const joined = appendCondition(img, tf.tensor2d([[1], [2], [3]]));
    expect(joined.shape).toEqual([3, 2, 2, 2]);
    expect(Array.from(joined.dataSync()).filter((_, i) => i % 2 === 1)).toEqual([
      1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
    ]);
    expect(appendCondition(x, undefined)).toBe(x);
    tf.dispose([x, c, shared, img, nan, joined]);
  });
});
