import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, Rng } from '@gen/core';
import { fromSafetensors, modelToSafetensors, toSafetensors } from '@gen/nn';
import { Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Debian's Python with python3-numpy (.ci/run installs it); a python3 on PATH may lack numpy.
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./safetensors_interop.py', import.meta.url));

let dir: string;
beforeAll(async () => {
  await initBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'gen-safetensors-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PyTensor {
  dtype: string;
  shape: number[];
  values: (number | boolean | string)[];
  signbits: boolean[] | null;
}
interface PyFile {
  metadata: Record<string, string>;
  tensors: Record<string, PyTensor>;
  order: string[];
  headerLength: number;
}

function python(mode: 'read' | 'write', path: string): string {
  return execFileSync(PYTHON, [SCRIPT, mode, path], { encoding: 'utf8' });
}

describe('safetensors files and an independent Python reader/writer (numpy + json)', () => {
  it('Python reads a file @gen wrote: every value, the layout, the metadata and the config', async () => {
    const vae = Vae.mlp({
      inputSize: 3,
      hiddenSizes: [5],
      latentSize: 2,
      likelihood: 'bernoulli',
      seed: 1,
    });
    const path = join(dir, 'vae.safetensors');
    writeFileSync(path, modelToSafetensors(vae, { dataset: 'ring8' }));
    const read = JSON.parse(python('read', path)) as PyFile;
    expect(read.headerLength % 8).toBe(0);
    expect(read.metadata.dataset).toBe('ring8');
    expect(JSON.parse(read.metadata['gen.config']!)).toEqual(vae.toConfig());
    const weights = vae.getWeights();
    const names = Object.keys(weights).sort();
    expect(read.order).toEqual(names);
    for (const name of names) {
      const t = weights[name]!;
      expect(read.tensors[name]!.dtype).toBe('F32');
      expect(read.tensors[name]!.shape).toEqual(t.shape);
      expect(read.tensors[name]!.values).toEqual(Array.from(await t.data()));
    }
    tf.dispose(weights);
    vae.dispose();
  });

  it('Python reads int32, bool, -0, subnormals, scalars and empty tensors, laid out F32, I32, BOOL', async () => {
    const kernel = Float32Array.from([-0, 1e-40, 3.4028234e38, Math.PI]);
    const weights = {
      kernel: tf.tensor(kernel, [2, 2]),
      s: tf.scalar(-1.5),
      e: tf.zeros([0, 2]),
      counts: tf.tensor1d([-(2 ** 31), 7], 'int32'),
      mask: tf.tensor1d([false, true, true], 'bool'),
      noise: Rng.fromSeed(3).normal([4]),
    };
    const path = join(dir, 'mixed.safetensors');
    writeFileSync(path, toSafetensors(weights));
    const read = JSON.parse(python('read', path)) as PyFile;
    expect(read.order).toEqual(['e', 'kernel', 'noise', 's', 'counts', 'mask']);
    expect(read.tensors.kernel!.values).toEqual(Array.from(kernel));
    expect(read.tensors.kernel!.signbits).toEqual([true, false, false, false]);
    expect(read.tensors.noise!.values).toEqual(Array.from(await weights.noise.data()));
    expect(read.tensors.s).toMatchObject({ shape: [], values: [-1.5] });
    expect(read.tensors.e).toMatchObject({ shape: [0, 2], values: [] });
    expect(read.tensors.counts).toMatchObject({ dtype: 'I32', values: [-(2 ** 31), 7] });
    expect(read.tensors.mask).toMatchObject({ dtype: 'BOOL', values: [false, true, true] });
    tf.dispose(weights);
  });

  it('fromSafetensors reads a file Python wrote in the reference layout', async () => {
    const path = join(dir, 'python.safetensors');
    python('write', path);
    const { weights, metadata } = fromSafetensors(readFileSync(path));
    try {
      expect(metadata).toEqual({ format: 'np', 'gen.note': 'written by numpy' });
      const kernel = await weights['decoder/kernel']!.data();
      expect(weights['decoder/kernel']!.shape).toEqual([2, 3]);
      expect(Array.from(kernel)).toEqual([1.5, -0, 3.25, 1e-40, -2.5e30, 0.1].map(Math.fround));
      expect(Object.is(kernel[1], -0)).toBe(true);
      expect(await weights['decoder/bias']!.array()).toEqual([0.5, -0.5]);
      expect([weights.scale!.shape, await weights.scale!.array()]).toEqual([[], 2]);
      expect([weights.counts!.dtype, await weights.counts!.array()]).toEqual([
        'int32',
        [-7, 0, 2147483647],
      ]);
      expect([weights.mask!.dtype, await weights.mask!.array()]).toEqual([
        'bool',
        [
          [1, 0],
          [0, 1],
        ],
      ]);
      expect([weights.wide!.dtype, await weights.wide!.array()]).toEqual([
        'float32',
        [0.125, Math.fround(-1e30)],
      ]);
      expect([weights.steps!.dtype, await weights.steps!.array()]).toEqual(['int32', [3, -4]]);
      expect(await weights.half!.array()).toEqual([1, -2, 65504]);
      expect(weights.empty!.shape).toEqual([0, 3]);
    } finally {
      tf.dispose(weights);
    }
  });

  it('a file @gen re-writes from what it read back equals what Python reads of the original', async () => {
    const path = join(dir, 'python2.safetensors');
    python('write', path);
    const { weights } = fromSafetensors(readFileSync(path));
    const again = join(dir, 'again.safetensors');
    const kept = {
      'decoder/kernel': weights['decoder/kernel']!,
      counts: weights.counts!,
      mask: weights.mask!,
    };
    writeFileSync(again, toSafetensors(kept));
    tf.dispose(weights);
    const [original, rewritten] = [path, again].map((p) => JSON.parse(python('read', p)) as PyFile);
    for (const name of Object.keys(kept))
      expect(rewritten!.tensors[name]).toEqual(original!.tensors[name]);
  });
});
