import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { FormatError } from '@gen/core';
import type { Plugin } from 'vite';
import { PRETRAINED_VAE_PATH } from '../src/views/vae/pretrained-vae.js';

const repoFile = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** The repository's released VAE run, whose weights the VAE view starts from. */
export const PRETRAINED_VAE_SOURCE = repoFile('pretrained/vae-mnist-2d/model.safetensors');

/** One released run shipped with the demo: its weights file and where the build puts it. */
export interface PretrainedAsset {
  /** What the run is, for error messages ("the trained VAE"). */
  what: string;
  /** The file in the repository. */
  source: string;
  /** The path in the build, relative to index.html. */
  path: string;
  /** The run's directory, for the "release it with" hint. */
  release: string;
}

/**
 * Every released run the demo ships. The VAE first (its source can be overridden for tests);
 * views add theirs here and fetch `${base}${path}`.
 */
export const PRETRAINED_ASSETS: readonly PretrainedAsset[] = [
  {
    what: 'the trained VAE',
    source: PRETRAINED_VAE_SOURCE,
    path: PRETRAINED_VAE_PATH,
    release: 'pretrained/vae-mnist-2d',
  },
  {
    what: 'the trained DCGAN',
    source: repoFile('pretrained/dcgan-mnist/model.safetensors'),
    path: 'pretrained/dcgan-mnist.safetensors',
    release: 'pretrained/dcgan-mnist',
  },
  {
    what: 'the trained PixelCNN',
    source: repoFile('pretrained/pixelcnn-mnist/model.safetensors'),
    path: 'pretrained/pixelcnn-mnist.safetensors',
    release: 'pretrained/pixelcnn-mnist',
  },
];

/**
 * Vite plugin that ships the released runs' `model.safetensors` with the demo: each emitted into
 * the build at its `path` (relative, so `base: './'` builds work from any folder) and answered by
 * a dev-server middleware. A missing file fails the build, naming it: a demo built without its
 * weights would only show that at run time. `vaeSource` replaces the VAE's file (tests).
 */
export function pretrainedAssetPlugin(vaeSource?: string): Plugin {
  const assets = PRETRAINED_ASSETS.map((asset, i) =>
    i === 0 && vaeSource !== undefined ? { ...asset, source: vaeSource } : asset,
  );
  const read = async (asset: PretrainedAsset): Promise<Uint8Array> => {
    try {
      return await readFile(asset.source);
    } catch (cause) {
      throw new FormatError(
        `pretrainedAssetPlugin: cannot read ${asset.what} '${asset.source}' (see ${asset.release}/README.md)`,
        { cause },
      );
    }
  };
  return {
    name: 'gen-pretrained-asset',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const pathname = (req.url ?? '').split('?')[0] ?? '';
        const asset = assets.find((a) => pathname.endsWith(`/${a.path}`));
        if (asset === undefined) return next();
        read(asset).then((bytes) => {
          res.setHeader('Content-Type', 'application/octet-stream');
          res.setHeader('Content-Length', String(bytes.length));
          res.end(bytes);
        }, next);
      });
    },
    async generateBundle() {
      for (const asset of assets) {
        this.emitFile({ type: 'asset', fileName: asset.path, source: await read(asset) });
      }
    },
  };
}
