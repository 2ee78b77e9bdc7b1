import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// bench/package.json does not list @gen/divergences (adding it needs a `pnpm install`), so it
// is loaded the way @gen/gan, which depends on it, resolves it: the same built package and the
// same @tensorflow/tfjs-core instance. turbo builds it before the bench as a dependency of gan.
const fromGan = createRequire(import.meta.resolve('@gen/gan'));

export const { mmd, sinkhorn } = await import(
  pathToFileURL(fromGan.resolve('@gen/divergences')).href
);
