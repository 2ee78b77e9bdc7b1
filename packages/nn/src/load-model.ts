import {
  assertKnownOptions,
  FormatError,
  formatValue,
  invalidArgument,
  isModelConfig,
  type LoadableModel,
  MODEL_CONFIG_KEY,
  MODEL_STATE_KEY,
  type ModelConfig,
  type ModelState,
  type NamedTensors,
  NotImplementedError,
  registeredModel,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertFiniteWeights } from './finite-weights.js';
import { fromSafetensorsAs, type SafetensorsMetadata } from './safetensors.js';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /**
   * Load the file's weights (and state) into this model instead of building one: for models the
   * file cannot rebuild (built from your own networks) or to reuse a model. When the file has a
   * config, its package and class must match `into.toConfig()`'s. Returns `into`.
   */
  into?: LoadableModel;
}

// Only @gen's own packages are imported on a file's say-so: a file must not choose which
// installed package runs code.
const GEN_PACKAGE = /^@gen\/[a-z0-9-]+$/;

/**
 * Rebuilds a model from a safetensors file written by `modelToSafetensors` or `saveModel` (a
 * path, Node only, or the bytes): reads `gen.config` from the metadata, builds the model with the
 * same factory and options (importing its package, e.g. `@gen/vae`, if no loaded module has
 * registered it yet), assigns the weights and restores `gen.state`. The caller owns the model.
 *
 * Throws `FormatError` for a file that is not safetensors (see `fromSafetensors`), has no or a
 * malformed `gen.config`, holds NaN or ±Inf weights, or whose weights do not fit the model;
 * `NotImplementedError` for a model built from custom networks (`factory: null`: pass
 * `{ into: model }`) or whose package is not installed (the message names it).
 *
 * ```ts
 * await saveModel(vae, 'vae.safetensors');            // from '@gen/nn/node'
 * const again = (await loadModel('vae.safetensors')) as Vae;
 * ```
 */
export async function loadModel<M extends LoadableModel = LoadableModel>(
  source: string | Uint8Array | ArrayBuffer,
  options: LoadModelOptions = {},
): Promise<M> {
  const fn = 'loadModel';
  assertKnownOptions(fn, options, ['into']);
  const { into } = options;
  if (
    into !== undefined &&
    (typeof into?.setWeights !== 'function' || typeof into?.getWeights !== 'function')
  ) {
    throw invalidArgument(fn, 'options.into', into, 'must be a model with getWeights/setWeights');
  }
  const bytes = await readSource(fn, source);
  const where = typeof source === 'string' ? `${fn}: file '${source}'` : fn;
  const { weights, metadata } = fromSafetensorsAs(where, bytes);
  try {
    assertFiniteFile(where, weights);
    const config = readJson(where, metadata, MODEL_CONFIG_KEY, isModelConfig, 'a model config');
    const state = readJson(where, metadata, MODEL_STATE_KEY, isPlainObject, 'an object');
    const model = into ?? (await build(where, config));
    if (into !== undefined && config !== undefined) assertSameModel(where, into, config);
    try {
      assign(where, model, weights, state);
    } catch (error) {
      if (into === undefined) model.dispose();
      throw error;
    }
    return model as M;
  } finally {
    tf.dispose(weights);
  }
}

async function readSource(fn: string, source: unknown): Promise<Uint8Array | ArrayBuffer> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return source;
  if (typeof source !== 'string' || source.length === 0) {
    throw invalidArgument(
      fn,
      'source',
      source,
      'must be a file path, a Uint8Array or an ArrayBuffer',
    );
  }
  // A variable specifier keeps browser bundlers from pulling in node:fs for the bytes-only use.
  const fsModule = 'node:fs/promises';
  const { readFile } = (await import(
    /* @vite-ignore */ fsModule
  )) as typeof import('node:fs/promises');
  return readFile(source);
}

function readJson<T>(
  where: string,
  metadata: SafetensorsMetadata,
  key: string,
  check: (value: unknown) => value is T,
  what: string,
): T | undefined {
  const text = metadata[key];
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new FormatError(`${where}: metadata '${key}' is not JSON`, { cause });
  }
  if (!check(value))
    throw new FormatError(`${where}: metadata '${key}' must be ${what}, got ${formatValue(value)}`);
  return value;
}

/** NaN or ±Inf in a file is a corrupt file: a FormatError naming the weight. */
function assertFiniteFile(where: string, weights: NamedTensors): void {
  try {
    assertFiniteWeights(where, weights, (name) => name);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new FormatError(message.replace(/argument '/, "weight '"), { cause });
  }
}

function isPlainObject(value: unknown): value is ModelState {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function build(where: string, config: ModelConfig | undefined): Promise<LoadableModel> {
  if (config === undefined) {
    throw new FormatError(
      `${where}: the file has no '${MODEL_CONFIG_KEY}' metadata, so it does not say which model it holds; read its weights with fromSafetensors, or pass { into: model }`,
    );
  }
  const what = `${config.model} of ${config.package}`;
  if (config.factory === null) {
    throw new NotImplementedError(
      `${where}: the ${what} was built from parts no config describes (your own networks or objects), so it cannot be rebuilt; build it as before and call loadModel(source, { into: model })`,
    );
  }
  let factories = registeredModel(config.package, config.model);
  if (factories === undefined && GEN_PACKAGE.test(config.package)) {
    await importPackage(config.package);
    factories = registeredModel(config.package, config.model);
  }
  if (factories === undefined) {
    throw new NotImplementedError(
      `${where}: the file holds a ${what}, but no loaded module registers it; install ${config.package} (npm i ${config.package}) and import it before calling loadModel`,
    );
  }
  const factory = Object.hasOwn(factories, config.factory) ? factories[config.factory] : undefined;
  if (factory === undefined) {
    throw new FormatError(
      `${where}: ${config.package} has no factory '${config.factory}' for ${config.model} (it has ${Object.keys(factories).join(', ')})`,
    );
  }
  try {
    return factory(config.options);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new FormatError(`${where}: its config does not build a ${config.model}: ${message}`, {
      cause,
    });
  }
}

/**
 * Imports a model package, which runs its registrations: as a dependency of @gen/nn's importer
 * first, then (Node) from the working directory, since a strict node_modules layout (pnpm) does
 * not let @gen/nn resolve packages it does not depend on. Failure is left to the caller.
 */
async function importPackage(name: string): Promise<void> {
  try {
    await import(/* @vite-ignore */ name);
    return;
  } catch {
    // Not resolvable from here; try the application's directory below.
  }
  if (typeof process === 'undefined' || process.versions?.node === undefined) return;
  try {
    const [moduleSpecifier, urlSpecifier] = ['node:module', 'node:url'];
    const { createRequire } = (await import(
      /* @vite-ignore */ moduleSpecifier
    )) as typeof import('node:module');
    const { pathToFileURL } = (await import(
      /* @vite-ignore */ urlSpecifier
    )) as typeof import('node:url');
    const path = createRequire(`${process.cwd()}/`).resolve(name);
    await import(/* @vite-ignore */ pathToFileURL(path).href);
  } catch {
    // Not installed for the application either: the caller names the package to install.
  }
}

function assertSameModel(where: string, into: LoadableModel, config: ModelConfig): void {
  const own = (into as { toConfig?: () => ModelConfig }).toConfig?.();
  if (own !== undefined && (own.package !== config.package || own.model !== config.model)) {
    throw new FormatError(
      `${where}: the file holds a ${config.model} of ${config.package}, but options.into is a ${own.model} of ${own.package}`,
    );
  }
}

function assign(
  where: string,
  model: LoadableModel,
  weights: NamedTensors,
  state: ModelState | undefined,
): void {
  try {
    model.setWeights(weights);
    if (state !== undefined && typeof model.setState === 'function') model.setState(state);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new FormatError(`${where}: the file does not fit the model: ${message}`, { cause });
  }
}
