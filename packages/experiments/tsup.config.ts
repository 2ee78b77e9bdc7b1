import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  sourcemap: true,
  splitting: true,
  // dist/node.js keeps its `node:` specifiers (Deno and bundlers need them); the neutral
  // platform would otherwise try to bundle them.
  external: [/^node:/],
  removeNodeProtocol: false,
});
