/**
 * Neural-network building blocks: `Module` (a `Network`) with named variables, `Dense`, `Mlp`,
 * masked and convolutional layers, seeded initialisers, `fromLayersModel` for tfjs-layers models
 * and weight (de)serialisation.
 *
 * @packageDocumentation
 * @module @gen/nn
 */

export {
  type Configurable,
  isModelConfig,
  type JsonValue,
  type LoadableModel,
  MODEL_CONFIG_KEY,
  MODEL_REGISTRY,
  MODEL_STATE_KEY,
  type ModelConfig,
  type ModelFactory,
  modelConfig,
  registeredModel,
  registerModel,
  toJson,
} from '@gen/core';
export { type Activation, type ActivationName, getActivation } from './activation.js';
export { BatchNorm, type BatchNormOptions } from './batch-norm.js';
export {
  ConditionalMadeNetwork,
  type ConditionalMadeNetworkOptions,
} from './conditional-made-network.js';
export { Conv2d, type Conv2dOptions } from './conv2d.js';
export { Conv2dTranspose, type Conv2dTransposeOptions } from './conv2d-transpose.js';
export { Dense, type DenseOptions } from './dense.js';
export {
  type FromLayersModelOptions,
  fromLayersModel,
  type LayerLike,
  type LayersModelLike,
  LayersNetwork,
  type LayerVariableLike,
} from './from-layers-model.js';
export {
  computeFans,
  type Fan,
  getInitializer,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  type Initializer,
  type InitializerName,
  ones,
  zeros,
} from './init.js';
export { type LoadModelOptions, loadModel } from './load-model.js';
export { type MadeMasks, type MadeMasksOptions, madeMasks } from './made-masks.js';
export { MadeNetwork, type MadeNetworkOptions } from './made-network.js';
export { MaskedDense, type MaskedDenseOptions } from './masked-dense.js';
export { Mlp, type MlpOptions } from './mlp.js';
export { modelToSafetensors, type SavableModel } from './model-to-safetensors.js';
export { isModule, Module } from './module.js';
export { applyNetwork, assertLayerSizes, MAX_LAYER_ENTRIES } from './network-checks.js';
export { NetworkParts, type NetworkPartsOptions } from './network-parts.js';
export { fromSafetensors, type SafetensorsMetadata, toSafetensors } from './safetensors.js';
export {
  decodeWeights,
  encodeWeights,
  type WeightDtype,
  type WeightSpec,
  type WeightsManifest,
} from './serialize.js';
export { decodeWeightsFile, encodeWeightsFile } from './weights-file.js';
