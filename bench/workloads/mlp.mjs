import { Rng } from '@gen/core';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { trainerWorkload } from '../suite/workload.mjs';
import { plan, TRAINING } from './targets.mjs';

const SIZES = [784, 256, 256, 784];
const BATCH = 128;
const ROWS = 10 * BATCH;

/**
 * The @gen/nn Mlp 784-256-256-784 (relu, relu, sigmoid) as the Trainable the trainer takes:
 * an Mlp has no loss of its own, so this one is the MSE against the input (an autoencoder).
 */
function autoencoder(rng) {
  const mlp = new Mlp({
    inputSize: SIZES[0],
    hiddenSizes: SIZES.slice(1, -1),
    outputSize: SIZES.at(-1),
    activation: 'relu',
    outputActivation: 'sigmoid',
    rng,
  });
  return {
    trainableVariables: mlp.trainableVariables,
    loss: (batch) => tf.tidy(() => tf.mean(tf.squaredDifference(mlp.apply(batch), batch))),
    getWeights: () => mlp.getWeights(),
    setWeights: (weights) => mlp.setWeights(weights),
    dispose: () => mlp.dispose(),
  };
}

export const mlpRow = {
  id: 'mlp',
  title: `MLP ${SIZES.join('-')} step, batch ${BATCH}`,
  target: TRAINING,
  plans: { full: plan(10, 20, 11), quick: plan(5, 10, 3), cpu: plan(1, 2, 3, 1) },
  python: { module: 'mlp_step', config: { sizes: SIZES, rows: ROWS, batchSize: BATCH } },
  create() {
    const [modelRng, dataRng] = Rng.fromSeed(0).split(2);
    const model = autoencoder(modelRng);
    return trainerWorkload(model, dataRng.uniform([ROWS, SIZES[0]]), { batchSize: BATCH });
  },
};
