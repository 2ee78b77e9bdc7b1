import { defineConfig } from 'vite';
import { mnistAssetPlugin } from './scripts/mnist-asset-plugin.js';
import { pretrainedAssetPlugin } from './scripts/pretrained-asset-plugin.js';

// Cross-origin isolation lets the wasm backend use SharedArrayBuffer (threads where available).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative asset URLs: the static build works from any path (GitHub Pages, a subfolder, file servers).
  base: './',
  plugins: [mnistAssetPlugin(), pretrainedAssetPlugin()],
  server: { headers: isolation },
  preview: { headers: isolation },
  build: {
    target: 'es2022',
    // tfjs with four backends is large; the views are split into their own chunks.
    chunkSizeWarningLimit: 4096,
  },
});
