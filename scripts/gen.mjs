#!/usr/bin/env node
// `pnpm gen …` runs the `gen` command of apps/cli once that app exists and is built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../apps/cli/dist/index.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('gen: the CLI (apps/cli) is not built here yet; run `pnpm build` once it exists.');
  process.exit(1);
}
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
