import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Plain Node on the packages' builds (as users run them; `pnpm test` builds first), from tests/,
// whose node_modules hold every @gen package the way an application's would.
const cwd = fileURLToPath(new URL('..', import.meta.url));
const node = (code: string) =>
  execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd, encoding: 'utf8' });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gen-load-model-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadModel in a process that never imported the model package', () => {
  it('imports @gen/vae itself (a strict pnpm layout included) and rebuilds the Vae', () => {
    const path = join(dir, 'vae.safetensors');
    node(`
      import { initBackend } from '@gen/core';
      import { saveModel } from '@gen/nn/node';
      import { Vae } from '@gen/vae';
      await initBackend('cpu');
      await saveModel(Vae.mlp({ inputSize: 2, hiddenSizes: [4], latentSize: 1, likelihood: 'bernoulli', seed: 3 }), ${JSON.stringify(path)});
    `);
    const out = node(`
      import { initBackend } from '@gen/core';
      import { loadModel } from '@gen/nn';
      await initBackend('cpu');
      const model = await loadModel(${JSON.stringify(path)});
      console.log(JSON.stringify({ latentSize: model.latentSize, config: model.toConfig() }));
    `);
    expect(JSON.parse(out)).toEqual({
      latentSize: 1,
      config: {
        package: '@gen/vae',
        model: 'Vae',
        factory: 'mlp',
        options: {
          inputSize: 2,
          hiddenSizes: [4],
          latentSize: 1,
          likelihood: 'bernoulli',
          seed: 3,
        },
      },
    });
  });
});
