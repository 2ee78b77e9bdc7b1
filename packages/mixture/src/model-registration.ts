/**
 * The config `loadModel` from @gen/nn reads (its `ModelConfig`), spelt out here because
 * @gen/mixture does not depend on @gen/nn.
 */
export interface MixtureModelConfig {
  package: '@gen/mixture';
  model: string;
  factory: 'new';
  options: Record<string, unknown>;
}

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
export function jsonOptions(options: object): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(options, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)),
  );
}
