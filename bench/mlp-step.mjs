import { Rng, useFastMatMulGradient } from '@gen/core';
import { Mlp } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { kernelBreakdown, measureInterleaved } from './measure.mjs';

export const CONFIG = {
  inputSize: 784,
  hiddenSizes: [256, 256],
  outputSize: 784,
  batchSize: 128,
  learningRate: 1e-3,
  epsilon: 1e-7,
  seed: 0,
};

/** Floating-point operations (2·m·k·n per matmul) of the matmuls of one step, the floor's. */
export function matMulFloorFlops() {
  const { batchSize: n, inputSize, hiddenSizes, outputSize } = CONFIG;
  const sizes = [inputSize, ...hiddenSizes, outputSize];
  let flops = 0;
  for (let i = 0; i + 1 < sizes.length; i++) {
    flops += (i === 0 ? 2 : 3) * 2 * n * sizes[i] * sizes[i + 1];
  }
  return flops;
}

/**
 * The forward and backward matmuls of one training step and nothing else, done as the fast
 * BatchMatMul gradient does them (explicit transposes): 3 forward, 3 weight gradients and the
 * 2 input gradients the tape needs (none for the data). Activations are random stand-ins.
 */
function createMatMulFloor(rng) {
  const { batchSize: n, inputSize, hiddenSizes, outputSize } = CONFIG;
  const sizes = [inputSize, ...hiddenSizes, outputSize];
  const inputs = sizes.slice(0, -1).map((size) => rng.uniform([n, size]));
  const weights = sizes.slice(1).map((fanOut, i) => rng.uniform([sizes[i], fanOut], -0.1, 0.1));
  const upstream = sizes.slice(1).map((size) => rng.uniform([n, size], -0.1, 0.1));
  const tensors = [...inputs, ...weights, ...upstream];
  return {
    iteration: () =>
      tf.tidy(() => {
        let last;
        for (let i = 0; i < weights.length; i++) {
          tf.matMul(inputs[i], weights[i]);
          last = tf.matMul(tf.transpose(inputs[i]), upstream[i]);
          if (i > 0) tf.matMul(upstream[i], tf.transpose(weights[i]));
        }
        return last;
      }),
    matMuls: 3 * weights.length - 1,
    transposes: 2 * weights.length - 1,
    dispose: () => tf.dispose(tensors),
  };
}

async function measureAll(plan) {
  const { inputSize, hiddenSizes, outputSize, seed } = CONFIG;
  const [modelRng, dataRng] = Rng.fromSeed(seed).split(2);
  const model = new Mlp({
    inputSize,
    hiddenSizes,
    outputSize,
    activation: 'relu',
    outputActivation: 'sigmoid',
    rng: modelRng,
  });
  const x = dataRng.uniform([CONFIG.batchSize, inputSize]);
  const optimizer = tf.train.adam(CONFIG.learningRate, 0.9, 0.999, CONFIG.epsilon);
  const loss = () => tf.mean(tf.squaredDifference(model.apply(x), x));
  const step = () => tf.tidy(() => optimizer.minimize(loss, true));
  const floor = createMatMulFloor(dataRng);
  try {
    const timed = await measureInterleaved(
      [
        { name: 'step', iteration: step, ...plan.step },
        { name: 'matMulFloor', iteration: floor.iteration, ...plan.floor },
        {
          name: 'stockGradientStep',
          iteration: step,
          ...plan.stock,
          enter: () => useFastMatMulGradient(false),
          exit: () => useFastMatMulGradient(true),
        },
      ],
      plan.repeats,
    );
    const profile = await kernelBreakdown(step, plan.profileSteps);
    return {
      step: timed.step,
      matMulFloor: { ...timed.matMulFloor, matMuls: floor.matMuls, transposes: floor.transposes },
      stockGradientStep: timed.stockGradientStep,
      profile,
    };
  } finally {
    floor.dispose();
    optimizer.dispose();
    x.dispose();
    model.dispose();
  }
}

/**
 * Benchmarks one backend (already made current with initBackend): the Adam step with @gen's
 * fast BatchMatMul gradient, the matmul-only floor, the step with tfjs's stock gradient, and a
 * tf.profile kernel breakdown of the fast step. `plan` holds the step counts per measurement.
 * Throws if the model, optimizer and data leave tensors behind once disposed.
 */
export async function benchmarkBackend(plan) {
  const before = tf.memory().numTensors;
  const result = await measureAll(plan);
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(`benchmark left ${after - before} tensors behind (${before} → ${after})`);
  }
  return { ...result, numTensors: { before, after } };
}
