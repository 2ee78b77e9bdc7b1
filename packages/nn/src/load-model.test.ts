import {
  FormatError,
  InvalidArgumentError,
  initBackend,
  MODEL_CONFIG_KEY,
  MODEL_REGISTRY,
  type ModelConfig,
  type ModelState,
  modelConfig,
  type NamedTensors,
  NotImplementedError,
  Rng,
  registerModel,
} from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from './load-model.js';
import { Mlp, type MlpOptions } from './mlp.js';
import { modelToSafetensors } from './model-to-safetensors.js';
import { fromSafetensors, toSafetensors } from './safetensors.js';

beforeAll(() => initBackend('cpu'));

const PKG = '@gen/nn-test-models';

/** A model as a model package writes one: built from options, with a step counter as state. */
class Tiny {
  readonly net: Mlp;
  steps = 0;
  private readonly config: ModelConfig;

  constructor(options: MlpOptions, factory = 'new') {
    this.net = new Mlp(options);
    this.config = modelConfig(PKG, 'Tiny', factory, options);
  }
  static wide(options: { inputSize: number; seed?: number }): Tiny {
    return new Tiny({ ...options, hiddenSizes: [16], outputSize: 1 }, 'wide');
  }
  toConfig(): ModelConfig {
    return this.config;
  }
  apply(x: tf.Tensor): tf.Tensor {
    return this.net.apply(x);
  }
  getWeights(): NamedTensors {
    return this.net.getWeights();
  }
  setWeights(weights: NamedTensors): void {
    this.net.setWeights(weights);
  }
  getState(): ModelState {
    return { steps: this.steps };
  }
  setState(state: ModelState): void {
    this.steps = state.steps as number;
  }
  dispose(): void {
    this.net.dispose();
  }
}
registerModel(PKG, 'Tiny', {
  new: (o) => new Tiny(o as unknown as MlpOptions),
  wide: (o) => Tiny.wide(o as { inputSize: number }),
});

const options: MlpOptions = { inputSize: 3, hiddenSizes: [4], outputSize: 2, seed: 1 };

/** A trained-looking model: weights moved away from any seed's initialisation, state advanced. */
function trained(): Tiny {
  const model = new Tiny(options);
  const weights = model.getWeights();
  const shifted = tf.tidy(() => {
    const out: NamedTensors = {};
    for (const [name, w] of Object.entries(weights)) out[name] = tf.add(w, 0.125);
    return out;
  });
  model.setWeights(shifted);
  tf.dispose([weights, shifted]);
  model.steps = 41;
  return model;
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    const value = await promise;
    (value as { dispose?: () => void })?.dispose?.();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A file with the given metadata around `model`'s weights. */
function withMetadata(model: Tiny, metadata: Record<string, string>): Uint8Array {
  const weights = model.getWeights();
  try {
    return toSafetensors(weights, metadata);
  } finally {
    tf.dispose(weights);
  }
}

describe('loadModel', () => {
  it('rebuilds the model from its config: same weights, same outputs, same state', async () => {
    const original = trained();
    const bytes = modelToSafetensors(original, { run: 'ring8' });
    const { metadata, weights } = fromSafetensors(bytes);
    tf.dispose(weights);
    expect(metadata.run).toBe('ring8');
    expect(JSON.parse(metadata[MODEL_CONFIG_KEY]!)).toEqual({
      package: PKG,
      model: 'Tiny',
      factory: 'new',
      options,
    });
    const loaded = await loadModel<Tiny>(bytes);
    try {
      expect(loaded).toBeInstanceOf(Tiny);
      expect(loaded.steps).toBe(41);
      const x = tf.tensor2d([0.5, -1, 2, 3, 0, -0.25], [2, 3]);
      const [a, b] = [original.apply(x), loaded.apply(x)];
      expect(await b.data()).toEqual(await a.data());
      tf.dispose([x, a, b]);
    } finally {
      original.dispose();
      loaded.dispose();
    }
  });

  it('uses the factory named in the config', async () => {
    const original = Tiny.wide({ inputSize: 2, seed: 3 });
    const loaded = await loadModel<Tiny>(modelToSafetensors(original));
    expect(loaded.toConfig()).toEqual(original.toConfig());
    expect(loaded.toConfig().factory).toBe('wide');
    original.dispose();
    loaded.dispose();
  });

  it('refuses a model whose config is not complete, and loads it with { into }', async () => {
    const original = new Tiny({
      inputSize: 3,
      hiddenSizes: [4],
      outputSize: 2,
      rng: Rng.fromSeed(1),
    });
    expect(original.toConfig().factory).toBeNull();
    const bytes = modelToSafetensors(original);
    const error = await errorOf(loadModel(bytes));
    expect(error).toBeInstanceOf(NotImplementedError);
    expect(error.message).toMatch(
      /^loadModel: the Tiny of @gen\/nn-test-models was built from parts/,
    );
    expect(error.message).toMatch(/\{ into: model \}/);
    const target = new Tiny({ ...options, seed: 9 });
    expect(await loadModel(bytes, { into: target })).toBe(target);
    const [a, b] = [original.getWeights(), target.getWeights()];
    for (const name of Object.keys(a)) expect(await b[name]!.data()).toEqual(await a[name]!.data());
    tf.dispose([a, b]);
    original.dispose();
    target.dispose();
  });

  it('names the package to install when no loaded module registers the model', async () => {
    const model = trained();
    const config = (pkg: string) =>
      JSON.stringify({ package: pkg, model: 'Thing', factory: 'new', options: {} });
    const missing = await errorOf(
      loadModel(withMetadata(model, { [MODEL_CONFIG_KEY]: config('@gen/not-installed') })),
    );
    expect(missing).toBeInstanceOf(NotImplementedError);
    expect(missing.message).toMatch(/install @gen\/not-installed \(npm i @gen\/not-installed\)/);
    // A package outside @gen is never imported on a file's say-so.
    const foreign = await errorOf(
      loadModel(withMetadata(model, { [MODEL_CONFIG_KEY]: config('fs') })),
    );
    expect(foreign.message).toMatch(/a Thing of fs, but no loaded module registers it/);
    model.dispose();
  });

  it('refuses files without a usable config or with weights that do not fit', async () => {
    const model = trained();
    const cases: [Uint8Array, RegExp][] = [
      [withMetadata(model, {}), /has no 'gen\.config' metadata/],
      [withMetadata(model, { [MODEL_CONFIG_KEY]: '{' }), /metadata 'gen\.config' is not JSON/],
      [withMetadata(model, { [MODEL_CONFIG_KEY]: '{"package":1}' }), /must be a model config/],
      [
        withMetadata(model, {
          [MODEL_CONFIG_KEY]: JSON.stringify({ ...model.toConfig(), factory: 'huge' }),
        }),
        /has no factory 'huge' for Tiny \(it has new, wide\)/,
      ],
      [
        withMetadata(model, {
          [MODEL_CONFIG_KEY]: JSON.stringify({
            ...model.toConfig(),
            options: { ...options, inputSize: -1 },
          }),
        }),
        /its config does not build a Tiny: Mlp: argument 'inputSize'/,
      ],
      [
        withMetadata(model, {
          [MODEL_CONFIG_KEY]: JSON.stringify({
            ...model.toConfig(),
            options: { ...options, inputSize: 5 },
          }),
        }),
        /the file does not fit the model/,
      ],
      [
        withMetadata(model, {
          [MODEL_CONFIG_KEY]: JSON.stringify(model.toConfig()),
          'gen.state': '[1]',
        }),
        /metadata 'gen\.state' must be an object/,
      ],
    ];
    for (const [bytes, message] of cases) {
      const before = tf.memory().numTensors;
      const error = await errorOf(loadModel(bytes));
      expect(error).toBeInstanceOf(FormatError);
      expect(error.message).toMatch(/^loadModel: /);
      expect(error.message).toMatch(message);
      expect(tf.memory().numTensors).toBe(before);
    }
    model.dispose();
  });

  it('refuses NaN weights, naming the weight', async () => {
    const model = trained();
    const weights = model.getWeights();
    const name = Object.keys(weights)[0]!;
    const bad = { ...weights, [name]: tf.fill(weights[name]!.shape, Number.NaN) };
    const bytes = toSafetensors(bad, { [MODEL_CONFIG_KEY]: JSON.stringify(model.toConfig()) });
    tf.dispose([weights, bad[name]!]);
    const error = await errorOf(loadModel(bytes));
    expect(error).toBeInstanceOf(FormatError);
    expect(error.message).toMatch(new RegExp(`^loadModel: weight '${name}' must not contain NaN`));
    model.dispose();
  });

  it('refuses unknown options, a bad source and a bad into', async () => {
    const bytes = new Uint8Array(8);
    await expect(loadModel(bytes, { onto: 1 } as never)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(loadModel(bytes, { onto: 1 } as never)).rejects.toThrow(
      /loadModel: unknown option 'onto'/,
    );
    await expect(loadModel(42 as never)).rejects.toThrow(
      /^loadModel: argument 'source' must be a file path/,
    );
    await expect(loadModel(bytes, { into: {} as never })).rejects.toThrow(
      /argument 'options\.into'/,
    );
    await expect(loadModel('/nonexistent/model.safetensors')).rejects.toThrow(/ENOENT/);
  });

  it('refuses { into } a model of another class', async () => {
    const model = trained();
    const other = { ...model.toConfig(), model: 'Other' };
    const error = await errorOf(
      loadModel(withMetadata(model, { [MODEL_CONFIG_KEY]: JSON.stringify(other) }), {
        into: model,
      }),
    );
    expect(error.message).toMatch(/holds a Other of .* but options\.into is a Tiny/);
    model.dispose();
  });

  it('keeps its registry on globalThis under a Symbol.for key, shared by every copy', () => {
    const shared = (globalThis as Record<symbol, Map<string, unknown>>)[
      Symbol.for('@gen/model-registry')
    ];
    expect(MODEL_REGISTRY).toBe(Symbol.for('@gen/model-registry'));
    expect(shared?.has(`${PKG}#Tiny`)).toBe(true);
  });

  it('leaks nothing when saving and loading', async () => {
    const model = trained();
    await expectNoLeak(async () => {
      const loaded = await loadModel(modelToSafetensors(model));
      loaded.dispose();
    });
    model.dispose();
  });
});
