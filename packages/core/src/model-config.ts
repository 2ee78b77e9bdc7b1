/** A value JSON can hold: what a model config's options are made of. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * What rebuilds a model: the package whose module registers its loader, the class, the factory
 * that built it and the options it was given. `factory` is a static factory's name (`'mlp'`,
 * `'conv'`, `'dcgan'`), `'new'` for the constructor, or `null` when the model holds parts no
 * options describe (networks the user built, an estimator object): such a model saves, but
 * `loadModel` can only load its weights into a model the caller builds (`{ into }`).
 *
 * ```ts
 * Vae.mlp({ inputSize: 2, hiddenSizes: [64], latentSize: 2 }).toConfig();
 * // { package: '@gen/vae', model: 'Vae', factory: 'mlp', options: { inputSize: 2, … } }
 * ```
 */
export interface ModelConfig {
  package: string;
  model: string;
  factory: string | null;
  options: { [key: string]: JsonValue };
}

/** A model that can describe how to rebuild itself. */
export interface Configurable {
  toConfig(): ModelConfig;
}

/** A deep copy of `value` if JSON holds it exactly (finite numbers, plain objects), else undefined. */
export function toJson(value: unknown): JsonValue | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) {
    const items = value.map(toJson);
    return items.every((v) => v !== undefined) ? (items as JsonValue[]) : undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const json = toJson(v);
      if (json === undefined) return undefined;
      out[key] = json;
    }
    return out;
  }
  return undefined;
}

/**
 * The config of a model built by `factory` from `options`. Options JSON cannot hold (a network,
 * an Rng, a function) make the model not rebuildable: `factory` becomes `null` and `options`
 * keeps the keys JSON can hold, as a record of how it was made.
 */
export function modelConfig(
  pkg: string,
  model: string,
  factory: string,
  options: object,
): ModelConfig {
  const kept: { [key: string]: JsonValue } = {};
  let complete = true;
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const json = toJson(value);
    if (json === undefined) complete = false;
    else kept[key] = json;
  }
  return { package: pkg, model, factory: complete ? factory : null, options: kept };
}

/** Whether `value` has the shape of a {@link ModelConfig}. */
export function isModelConfig(value: unknown): value is ModelConfig {
  const c = value as ModelConfig;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof c.package === 'string' &&
    typeof c.model === 'string' &&
    (c.factory === null || typeof c.factory === 'string') &&
    typeof c.options === 'object' &&
    c.options !== null &&
    !Array.isArray(c.options)
  );
}

/** Safetensors metadata key of a model's {@link ModelConfig}, as JSON. */
export const MODEL_CONFIG_KEY = 'gen.config';
/** Safetensors metadata key of a model's `getState()` (counters, schedules), as JSON. */
export const MODEL_STATE_KEY = 'gen.state';
