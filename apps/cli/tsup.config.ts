import { defineConfig } from 'tsup';

// The CLI is a Node program: workspace packages and npm dependencies stay external and are
// resolved from node_modules at run time (the Node builds of @gen/* bring tfjs's gradients).
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: false,
  sourcemap: true,
  splitting: true,
  banner: { js: '#!/usr/bin/env node' },
});
