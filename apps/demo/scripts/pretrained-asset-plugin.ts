import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { FormatError } from '@gen/core';
import type { Plugin } from 'vite';
import { PRETRAINED_VAE_PATH } from '../src/views/vae/pretrained-vae.js';

/** The repository's released VAE run, whose weights the VAE view starts from. */
export const PRETRAINED_VAE_SOURCE = fileURLToPath(
  new URL('../../../pretrained/vae-mnist-2d/model.safetensors', import.meta.url),
);

/**
 * Vite plugin that ships the trained VAE's `model.safetensors` with the demo: emitted into the
 * build at {@link PRETRAINED_VAE_PATH} (relative, so `base: './'` builds work from any folder)
 * and answered by a dev-server middleware. A missing file fails the build, naming it: a demo
 * built without its weights would only show that at run time.
 */
export function pretrainedAssetPlugin(source: string = PRETRAINED_VAE_SOURCE): Plugin {
  const read = async (): Promise<Uint8Array> => {
    try {
      return await readFile(source);
    } catch (cause) {
      throw new FormatError(
        `pretrainedAssetPlugin: cannot read the trained VAE '${source}' (release it with gen train vae; see pretrained/vae-mnist-2d/README.md)`,
        { cause },
      );
    }
  };
  return {
    name: 'gen-pretrained-asset',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const pathname = (req.url ?? '').split('?')[0] ?? '';
        if (!pathname.endsWith(`/${PRETRAINED_VAE_PATH}`)) return next();
        read().then((bytes) => {
          res.setHeader('Content-Type', 'application/octet-stream');
          res.setHeader('Content-Length', String(bytes.length));
          res.end(bytes);
        }, next);
      });
    },
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: PRETRAINED_VAE_PATH, source: await read() });
    },
  };
}
