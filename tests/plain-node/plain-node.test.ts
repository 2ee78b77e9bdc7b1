import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// vitest resolves @gen/* to sources and inlines tfjs; this runs the *built* packages under plain
// Node, where tfjs-core's entry registers no gradients and its ESM files cannot be imported.
describe('built packages under plain node', () => {
  it('share one tfjs engine and train with every gradient registered', () => {
    const script = fileURLToPath(new URL('./shared-engine.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(report).toEqual({
      backend: 'wasm',
      sameEngine: true,
      variablesSeenByUser: report.parameterTensors,
      parameterTensors: 4,
      lossFell: true,
      leftover: 0,
    });
  });
});
