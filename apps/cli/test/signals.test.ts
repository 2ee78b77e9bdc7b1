import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJson, spawnGen, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});

// A run far too long to finish, with no checkpoint due before the end: only the signal stops it.
const LONG = [
  'train',
  'made',
  '--data',
  'moons',
  '--limit',
  '400',
  '--batch-size',
  '50',
  '--steps',
  '1000000',
  '--checkpoint-every',
  '1000000',
  '--backend',
  'wasm',
];
const SECONDS_TO_STOP = 15; // generous: stopping takes one step and one checkpoint write
const stepsIn = (text: string) =>
  [...text.matchAll(/^step (\d+)\/1000000/gm)].map((m) => Number(m[1]));
const checkpointSteps = (run: string) =>
  readdirSync(join(run, 'checkpoints')).map((n) => Number(/^ckpt-(\d+)\.genc$/.exec(n)?.[1]));

/** Starts `args`, sends `signal` once the first progress line shows, and times the exit. */
async function stopWith(args: string[], signal: NodeJS.Signals, times = 1) {
  let sentAt = 0;
  let sent = 0;
  const r = await spawnGen(args, dir, (text, child) => {
    if (sent === 0 && stepsIn(text).length > 0) {
      sentAt = performance.now();
      sent = 1;
      child.kill(signal);
    } else if (sent > 0 && sent < times && text.includes('received, saving a checkpoint')) {
      sent += 1;
      child.kill(signal);
    }
  });
  return { ...r, sent, seconds: (performance.now() - sentAt) / 1000 };
}

describe('SIGINT and SIGTERM stop training within a step and save a checkpoint', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal}: exits ${code} with a checkpoint that gen resume continues from`, async () => {
      const run = join(dir, `long-${signal}`);
      const r = await stopWith([...LONG, '--out', run], signal);
      expect(r.sent).toBe(1);
      expect(r.code, r.stderr).toBe(code);
      expect(r.seconds).toBeLessThan(SECONDS_TO_STOP);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const metrics = await readJson<{ status: string; step: number }>(join(run, 'metrics.json'));
      expect(metrics.status).toBe('interrupted');
      expect(metrics.step).toBeGreaterThanOrEqual(10);
      expect(checkpointSteps(run)).toEqual([metrics.step]);

      // The resumed run counts on from the checkpoint (a fresh start would print step 10 first),
      // and stops at a signal the same way.
      const resumed = await stopWith(['resume', run], 'SIGTERM');
      expect(resumed.code, resumed.stderr).toBe(143);
      expect(stepsIn(resumed.stderr)[0]).toBeGreaterThan(metrics.step);
      const after = await readJson<{ step: number }>(join(run, 'metrics.json'));
      expect(after.step).toBeGreaterThan(metrics.step);
      expect(Math.max(...checkpointSteps(run))).toBe(after.step);
    });
  }

  it('a second signal exits at once with the same code', async () => {
    const run = join(dir, 'twice');
    const r = await stopWith([...LONG, '--out', run], 'SIGTERM', 2);
    expect(r.sent).toBe(2);
    expect(r.code, r.stderr).toBe(143);
    expect(r.seconds).toBeLessThan(SECONDS_TO_STOP);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
