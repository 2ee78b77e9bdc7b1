import type { HasWeights, ModelState } from './interfaces.js';
import type { JsonValue } from './model-config.js';

/** What `loadModel` returns: a model with weights, maybe state, and `dispose`. */
export interface LoadableModel extends HasWeights {
  dispose(): void;
  getState?(): ModelState;
  setState?(state: ModelState): void;
}

/** Builds a model from a config's options (a factory or the constructor). */
export type ModelFactory = (options: { [key: string]: JsonValue }) => LoadableModel;

/**
 * The registry's key on `globalThis`. It is a `Symbol.for` key, so every installed copy of
 * @gen/core shares one map:
 * `Map<'<package>#<Model>', Record<factory name, ModelFactory>>`.
 */
export const MODEL_REGISTRY = Symbol.for('@gen/model-registry');

type Registry = Map<string, Readonly<Record<string, ModelFactory>>>;

function registry(): Registry {
  const holder = globalThis as { [MODEL_REGISTRY]?: Registry };
  holder[MODEL_REGISTRY] ??= new Map();
  return holder[MODEL_REGISTRY];
}

/**
 * Registers how `loadModel` rebuilds `model` of package `pkg`: one builder per factory name
 * that `toConfig()` can report (`'new'` for the constructor). Model packages call it when their
 * module loads; registering again replaces the entry (a second copy of a package is harmless).
 *
 * ```ts
 * registerModel('@my/models', 'Tiny', { new: (options) => new Tiny(options as TinyOptions) });
 * ```
 */
export function registerModel(
  pkg: string,
  model: string,
  factories: Readonly<Record<string, ModelFactory>>,
): void {
  registry().set(`${pkg}#${model}`, factories);
}

/** The builders registered for `model` of `pkg`, if its package has been loaded. */
export function registeredModel(
  pkg: string,
  model: string,
): Readonly<Record<string, ModelFactory>> | undefined {
  return registry().get(`${pkg}#${model}`);
}
