import { createTrainer } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';

// Large enough never to end the run: the suite decides how many steps each loop takes.
const ENDLESS = 1e9;

/** Reads one number of `variable` back, so a loop has finished on an asynchronous backend too. */
async function readOne(variable) {
  const one = tf.tidy(() => tf.slice(tf.reshape(variable, [-1]), 0, 1));
  const [value] = await one.data();
  one.dispose();
  return value;
}

/**
 * A workload trained through @gen/train's `createTrainer` exactly as a user would (its default
 * Adam, batches drawn from the tensor `data`, NaN guard and loss reads every 10 steps); a loop
 * of k steps is `trainer.run(k)`. Disposing it disposes the trainer, the model and the data.
 */
export function trainerWorkload(model, data, options) {
  const trainer = createTrainer(model, data, { steps: ENDLESS, ...options });
  const variable = (model.trainableVariables ?? model.generatorVariables)[0];
  return {
    async loop(count) {
      await trainer.run(count);
      await readOne(variable);
    },
    // The read-back's two kernels belong to the benchmark, not to the step.
    profileLoop: (count) => trainer.run(count),
    dispose() {
      trainer.dispose();
      model.dispose();
      data.dispose();
    },
  };
}

/**
 * A loop of `iteration()` calls, each result (a tensor, or nothing) disposed before the next;
 * the last is read back once, the pattern of a loop that logs once at its end.
 */
export function repeatWorkload(iteration, dispose, extra = {}) {
  return {
    async loop(count) {
      let out;
      for (let i = 0; i < count; i++) {
        out?.dispose();
        out = iteration();
      }
      if (out !== undefined) {
        await out.data();
        out.dispose();
      }
    },
    dispose,
    ...extra,
  };
}

/** `[rows, columns]` of 0/1 in float32, half ones: binarised-MNIST-shaped stand-in data. */
export function binaryData(rng, shape) {
  return tf.tidy(() => tf.cast(tf.less(rng.uniform(shape), 0.5), 'float32'));
}
