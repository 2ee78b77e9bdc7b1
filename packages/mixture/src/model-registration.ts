/**
 * The config `loadModel` from @gen/nn reads (its `ModelConfig`), spelt out here because
 * @gen/mixture does not depend on @gen/nn.
 */
export interface MixtureModelConfig {
  package: '@gen/mixture';
  model: string;
  factory: 'new';
  options: { [key: string]: Json };
}

/** A JSON value (@gen/nn's `JsonValue`). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Registers a constructor with @gen/nn's model registry without importing @gen/nn: the registry
 * is a map on `globalThis` under `Symbol.for('@gen/model-registry')`, keyed
 * `'<package>#<Model>'`, holding one builder per factory name (`'new'`: the constructor).
 */
export function registerMixtureModel(model: string, build: (options: never) => unknown): void {
  const key = Symbol.for('@gen/model-registry');
  const holder = globalThis as { [key]?: Map<string, Record<string, unknown>> };
  holder[key] ??= new Map();
  holder[key].set(`@gen/mixture#${model}`, { new: build });
}

/** The options as plain JSON (typed arrays become arrays). */
export function jsonOptions(options: object): { [key: string]: Json } {
  return JSON.parse(
    JSON.stringify(options, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)),
  );
}
