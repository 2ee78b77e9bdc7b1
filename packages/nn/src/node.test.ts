import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, InvalidArgumentError, initBackend, Rng, ShapeMismatchError } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { values } from '../test/support.js';
import { Dense } from './dense.js';
import { Mlp } from './mlp.js';
import { loadWeights, loadWeightsInto, saveWeights } from './node.js';

let dir: string;

beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'gen-nn-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const mlp = (seed: number, hiddenSizes = [6]) =>
  new Mlp({ inputSize: 3, hiddenSizes, outputSize: 2, seed });

async function outputs(module: Mlp): Promise<number[]> {
  const x = Rng.fromSeed(42).normal([5, 3]);
  const y = module.apply(x);
  const out = await values(y);
  tf.dispose([x, y]);
  return out;
}

describe('saveWeights / loadWeights / loadWeightsInto', () => {
  it('round-trips a module into a fresh one with another seed: identical outputs', async () => {
    const path = join(dir, 'roundtrip.genw');
    const a = mlp(1);
    const b = mlp(2);
    expect(await outputs(b)).not.toEqual(await outputs(a));
    await saveWeights(path, a);
    await loadWeightsInto(b, path);
    expect(await outputs(b)).toEqual(await outputs(a));
    a.dispose();
    b.dispose();
  });

  it('saves named tensors and loads them back; overwrites atomically, leaving no temp files', async () => {
    const path = join(dir, 'named.genw');
    const first = { w: tf.tensor1d([1, 2, 3]) };
    const second = { w: tf.tensor1d([4, 5, 6]), v: tf.scalar(1) };
    await saveWeights(path, first);
    await saveWeights(path, second);
    const loaded = await loadWeights(path);
    expect(Object.keys(loaded)).toEqual(['w', 'v']);
    expect(await values(loaded.w!)).toEqual([4, 5, 6]);
    tf.dispose([first, second, loaded]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaks nothing when saving a module and loading into one', async () => {
    const path = join(dir, 'leak.genw');
    const a = mlp(1);
    const b = mlp(2);
    await expectNoLeak(() => saveWeights(path, a));
    await expectNoLeak(() => loadWeightsInto(b, path));
    a.dispose();
    b.dispose();
  });

  it('rejects a truncated file, an edited version and random bytes with FormatError', async () => {
    const path = join(dir, 'corrupt.genw');
    const a = mlp(1);
    await saveWeights(path, a);
    const good = await readFile(path);

    await writeFile(path, good.subarray(0, good.byteLength - 8));
    await expect(loadWeights(path)).rejects.toThrow(FormatError);
    await expect(loadWeights(path)).rejects.toThrow(
      /loadWeights: file '.*corrupt.genw': data truncated/,
    );

    await writeFile(
      path,
      Buffer.from(good.toString('latin1').replace('"version":2', '"version":7'), 'latin1'),
    );
    await expect(loadWeightsInto(a, path)).rejects.toThrow(
      /loadWeightsInto: file '.*corrupt.genw': header checksum mismatch/,
    );

    const noise = Rng.fromSeed(1).uniform([256], 0, 256);
    await writeFile(path, Uint8Array.from(await noise.data(), Math.floor));
    noise.dispose();
    await expect(loadWeights(path)).rejects.toThrow(/not a @gen weights file/);
    a.dispose();
  });

  it('rejects weights of the wrong shapes or names with FormatError and leaves the module unchanged', async () => {
    const path = join(dir, 'small.genw');
    const small = mlp(1, [4]);
    const large = mlp(2, [5]);
    const dense = new Dense({ inputSize: 3, outputSize: 2 });
    await saveWeights(path, small);
    const before = await outputs(large);
    const shapeError = await loadWeightsInto(large, path).catch((e: unknown) => e);
    expect(shapeError).toBeInstanceOf(FormatError);
    expect((shapeError as Error).message).toMatch(
      /loadWeightsInto: '.*small.genw' does not fit the target: .*weight 'mlp\/dense0\/kernel' has shape \[3, 5\], got \[3, 4\]/,
    );
    expect((shapeError as Error).cause).toBeInstanceOf(ShapeMismatchError);
    expect(await outputs(large)).toEqual(before);
    const nameError = await loadWeightsInto(dense, path).catch((e: unknown) => e);
    expect(nameError).toBeInstanceOf(FormatError);
    expect((nameError as Error).cause).toBeInstanceOf(InvalidArgumentError);
    small.dispose();
    large.dispose();
    dense.dispose();
    await expect(loadWeightsInto(small, path)).rejects.toThrow(
      /loadWeightsInto: argument 'target' must not be disposed/,
    );
  });

  it('recognises a Module and a GenError of another installed copy by their brands', async () => {
    const path = join(dir, 'foreign.genw');
    const source = mlp(1);
    await saveWeights(path, source);
    source.dispose();
    // What a second copy of @gen/core and @gen/nn would make: other classes, the same brands.
    class OtherCopyError extends Error {
      readonly code = 'SHAPE_MISMATCH';
    }
    Object.defineProperty(OtherCopyError.prototype, Symbol.for('@gen/core/GenError'), {
      value: true,
    });
    const otherCopyModule = (isDisposed: boolean) =>
      Object.defineProperty(
        {
          name: 'mlp',
          isDisposed,
          getWeights: () => ({}),
          setWeights: () => {
            throw new OtherCopyError('Module.setWeights: shapes differ');
          },
        },
        Symbol.for('@gen/nn/Module'),
        { value: true },
      );
    await expect(loadWeightsInto(otherCopyModule(true), path)).rejects.toThrow(
      /loadWeightsInto: argument 'target' must not be disposed/,
    );
    let error: unknown;
    await expectNoLeak(async () => {
      error = await loadWeightsInto(otherCopyModule(false), path).catch((e: unknown) => e);
    });
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(
      /loadWeightsInto: '.*foreign.genw' does not fit the target: Module.setWeights: shapes differ/,
    );
    expect((error as Error).cause).toBeInstanceOf(OtherCopyError);
  });

  it('a failed write throws and leaves no file behind', async () => {
    const a = mlp(1);
    const missing = join(dir, 'no-such-dir', 'w.genw');
    await expect(saveWeights(missing, a)).rejects.toMatchObject({ code: 'ENOENT' });
    // Renaming over a directory fails after the temporary file was written: it must go.
    const blocked = join(dir, 'blocked');
    await mkdir(join(blocked, 'w.genw'), { recursive: true });
    await expect(saveWeights(join(blocked, 'w.genw'), a)).rejects.toHaveProperty('code');
    expect(await readdir(blocked)).toEqual(['w.genw']);
    await expect(saveWeights('', a)).rejects.toThrow(/saveWeights: argument 'path'/);
    await expect(loadWeights(join(dir, 'absent.genw'))).rejects.toMatchObject({ code: 'ENOENT' });
    a.dispose();
  });
});
