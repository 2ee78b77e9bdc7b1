import {
  type HasWeights,
  invalidArgument,
  isModelConfig,
  MODEL_CONFIG_KEY,
  MODEL_STATE_KEY,
  type ModelConfig,
  type ModelState,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { type SafetensorsMetadata, toSafetensors } from './safetensors.js';

/** A model `modelToSafetensors` can save: weights, and optionally a config and state. */
export interface SavableModel extends HasWeights {
  toConfig?(): ModelConfig;
  getState?(): ModelState;
}

/**
 * A model's weights, architecture and state as one safetensors file (see `toSafetensors`): the
 * weights are the tensors, `toConfig()` goes into the metadata as JSON under `gen.config`,
 * `getState()` under `gen.state`, beside any `metadata` of your own (string values; the two
 * `gen.` keys are reserved). Python reads the weights with `safetensors.numpy.load_file`; `@gen`
 * rebuilds the model with `loadModel`. Browser-safe (offer the bytes as a download, store them in
 * IndexedDB); `saveModel` from `@gen/nn/node` writes a file atomically.
 *
 * ```ts
 * const bytes = modelToSafetensors(vae);
 * const again = await loadModel(bytes);
 * ```
 */
export function modelToSafetensors(
  model: SavableModel,
  metadata?: SafetensorsMetadata,
): Uint8Array {
  return modelToSafetensorsAs('modelToSafetensors', model, metadata);
}

/** {@link modelToSafetensors} reporting errors as `fn`'s (`saveModel`). */
export function modelToSafetensorsAs(
  fn: string,
  model: SavableModel,
  metadata: SafetensorsMetadata = {},
): Uint8Array {
  if (typeof model?.getWeights !== 'function') {
    throw invalidArgument(fn, 'model', model, 'must have getWeights()');
  }
  if (metadata === null || typeof metadata !== 'object') {
    throw invalidArgument(fn, 'metadata', metadata, 'must be an object of strings');
  }
  for (const key of [MODEL_CONFIG_KEY, MODEL_STATE_KEY]) {
    if (Object.hasOwn(metadata, key)) {
      throw invalidArgument(fn, `metadata['${key}']`, metadata[key], 'is reserved for the model');
    }
  }
  const all: SafetensorsMetadata = { ...metadata };
  if (typeof model.toConfig === 'function') {
    const config = model.toConfig();
    if (!isModelConfig(config)) {
      throw invalidArgument(fn, 'model.toConfig()', config, 'must return a ModelConfig');
    }
    all[MODEL_CONFIG_KEY] = JSON.stringify(config);
  }
  if (typeof model.getState === 'function') all[MODEL_STATE_KEY] = JSON.stringify(model.getState());
  const weights = model.getWeights();
  try {
    return toSafetensors(weights, all);
  } catch (error) {
    // Re-thrown under this function's name: the caller gave a model, not a weights object.
    if (error instanceof Error) error.message = error.message.replace(/^toSafetensors/, fn);
    throw error;
  } finally {
    tf.dispose(weights);
  }
}
