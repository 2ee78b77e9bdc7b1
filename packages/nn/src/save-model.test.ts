import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, modelConfig, type NamedTensors, registerModel } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from './load-model.js';
import { Mlp } from './mlp.js';
import { fromSafetensors } from './safetensors.js';
import { saveModel } from './save-model.js';

let dir: string;
beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'gen-save-model-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

registerModel('@gen/nn-save-test', 'Net', {
  new: (o) => Object.assign(new Mlp(o as never), { toConfig: () => config(o) }),
});
const config = (o: object) => modelConfig('@gen/nn-save-test', 'Net', 'new', o);

describe('saveModel', () => {
  it('writes a safetensors file atomically that loadModel(path) rebuilds', async () => {
    const options = { inputSize: 2, hiddenSizes: [3], outputSize: 1, seed: 4 };
    const model = Object.assign(new Mlp(options), { toConfig: () => config(options) });
    const path = join(dir, 'net.safetensors');
    // An orphan of a save killed an hour ago, and a file of another name, which must stay.
    const orphan = join(dir, `.net.safetensors.999999.0123456789ab.tmp`);
    await writeFile(orphan, 'partial');
    const old = new Date(Date.now() - 2 * 3_600_000);
    await import('node:fs/promises').then((fs) => fs.utimes(orphan, old, old));
    await writeFile(join(dir, 'notes.txt'), 'keep');
    await saveModel(model, path, { dataset: 'ring8' });
    expect((await readdir(dir)).sort()).toEqual(['net.safetensors', 'notes.txt']);
    const { weights, metadata } = fromSafetensors(await readFile(path));
    expect(metadata.dataset).toBe('ring8');
    tf.dispose(weights);
    const loaded = await loadModel<Mlp>(path);
    const a: NamedTensors = model.getWeights();
    const b: NamedTensors = loaded.getWeights();
    for (const name of Object.keys(a)) expect(await b[name]!.data()).toEqual(await a[name]!.data());
    tf.dispose([a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('names itself for a bad path, a bad model and reserved metadata, writing nothing', async () => {
    const model = new Mlp({ inputSize: 1, hiddenSizes: [], outputSize: 1 });
    await expect(saveModel(model, '')).rejects.toThrow(/^saveModel: argument 'path'/);
    await expect(saveModel({} as never, join(dir, 'x'))).rejects.toThrow(
      /^saveModel: argument 'model'/,
    );
    await expect(saveModel(model, join(dir, 'x'), { 'gen.config': '{}' })).rejects.toThrow(
      /^saveModel: argument 'metadata\['gen\.config'\]' is reserved/,
    );
    await expect(saveModel(model, join(dir, 'x'), { n: 1 as never })).rejects.toThrow(
      /^saveModel: argument 'metadata\['n'\]' must be a string/,
    );
    expect(await readdir(dir)).not.toContain('x');
    model.dispose();
  });

  it('reads a path that does not exist as a file-system error naming it', async () => {
    await expect(loadModel(join(dir, 'missing.safetensors'))).rejects.toThrow(
      /missing\.safetensors/,
    );
  });
});
