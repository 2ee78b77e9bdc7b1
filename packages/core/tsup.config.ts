import { defineConfig } from 'tsup';

// tfjs-core registers no gradients from either of its entry points, and its ESM files use
// extensionless imports that plain Node cannot load. The Node build therefore bundles tfjs-core's
// gradient registrations into a lazily loaded chunk (they dispatch to the one engine tfjs keeps on
// globalThis); the browser build leaves the import to the app's bundler, which shares tfjs-core.
const gradients = /^@tensorflow\/tfjs-core\/dist\/register_all_gradients/;

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'testing/index': 'src/testing/index.ts',
      node: 'src/node.ts',
    },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: true,
    sourcemap: true,
    splitting: true,
    noExternal: [gradients],
  },
  {
    entry: { index: 'src/index.ts' },
    outDir: 'dist/browser',
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    dts: false,
    sourcemap: true,
    splitting: true,
  },
]);
