import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, readJson, spawnGen, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await writeFile(
    join(dir, 'small.json'),
    JSON.stringify({ options: { hiddenSizes: [16], components: 2 } }),
  );
});

type LogRecord = { type: string; step: number; time: number; stopReason?: string } & Record<
  string,
  unknown
>;

/** The records of a run's metrics.jsonl. */
async function metricsLog(run: string): Promise<LogRecord[]> {
  const text = await readFile(join(run, 'metrics.jsonl'), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as LogRecord);
}

/** The loss rows of a log without their wall times. */
const lossRows = (records: LogRecord[]) =>
  records.filter((r) => r.type === 'step').map(({ time, ...row }) => row);

const TRAIN = [
  'train',
  'made',
  '--data',
  'moons',
  '--limit',
  '400',
  '--steps',
  '300',
  '--batch-size',
  '50',
  '--checkpoint-every',
  '20',
  '--config',
  'small.json',
  '--backend',
  'wasm',
  '--seed',
  '5',
];

describe('Ctrl-C and gen resume', () => {
  it('SIGINT saves a checkpoint and exits 130; resume ends with the weights of an uninterrupted run', async () => {
    const stopped = join(dir, 'stopped');
    let sent = false;
    const r = await spawnGen([...TRAIN, '--out', stopped], dir, (text, child) => {
      if (!sent && /^step \d+\/300/m.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('gen resume');
    const partial = await readJson<{ status: string; step: number }>(join(stopped, 'metrics.json'));
    expect(partial.status).toBe('interrupted');
    expect(partial.step).toBeLessThan(300);
    expect(readdirSync(join(stopped, 'checkpoints')).length).toBeGreaterThan(0);
    expect(existsSync(join(stopped, 'plots'))).toBe(false);
    const interruptedLog = await metricsLog(stopped);
    expect(interruptedLog.at(-1)).toMatchObject({
      type: 'end',
      step: partial.step,
      stopReason: 'aborted',
    });

    const resumed = await gen(['resume', stopped, '--json'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse(resumed.stdout) as {
      step: number;
      evaluation: Record<string, number>;
    };
    expect(after.step).toBe(300);

    const straight = join(dir, 'straight');
    const full = await gen([...TRAIN, '--out', straight, '--json'], dir);
    expect(full.code, full.stderr).toBe(0);
    const uninterrupted = JSON.parse(full.stdout) as { evaluation: Record<string, number> };
    expect(after.evaluation).toEqual(uninterrupted.evaluation);
    // metrics.jsonl: the staged run's log moved in with its first checkpoint, and the resumed
    // run continued the same file without repeating a step: the losses of the uninterrupted run.
    const resumedLog = await metricsLog(stopped);
    const straightLog = await metricsLog(straight);
    expect(lossRows(straightLog).map((r) => r.step)).toEqual(
      Array.from({ length: 30 }, (_, i) => 10 * (i + 1)),
    );
    // SIGINT lands between two log points when the machine is busy (the run stops at the next
    // step boundary, e.g. step 12): the interrupted run logs that partial window and the resumed
    // one the rest of it, so only the rows of the window around the stop differ in their means.
    // Every other row is the uninterrupted run's, and no step is logged twice.
    const before = Math.floor(partial.step / 10) * 10;
    const after10 = Math.ceil(partial.step / 10) * 10;
    const outside = (rows: ReturnType<typeof lossRows>) =>
      rows.filter((row) => (row.step as number) <= before || (row.step as number) > after10);
    expect(outside(lossRows(resumedLog))).toEqual(outside(lossRows(straightLog)));
    const resumedSteps = lossRows(resumedLog).map((row) => row.step as number);
    expect(resumedSteps).toEqual([...new Set(resumedSteps)].sort((a, b) => a - b));
    expect(resumedLog.map((r) => r.type).filter((t) => t !== 'step')).toEqual([
      'start',
      'end',
      'start',
      'end',
    ]);
    expect(resumedLog.at(-1)).toMatchObject({ type: 'end', step: 300, stopReason: 'completed' });
    const a = await gen(['sample', stopped, '-n', '20', '--seed', '9'], dir);
    const b = await gen(['sample', straight, '-n', '20', '--seed', '9'], dir);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('resume of a finished run re-evaluates without training further', async () => {
    const out = join(dir, 'done');
    const first = await gen(
      [
        'train',
        'flow',
        '--data',
        'moons',
        '--limit',
        '200',
        '--steps',
        '6',
        '--out',
        out,
        '--json',
      ],
      dir,
    );
    expect(first.code, first.stderr).toBe(0);
    const again = await gen(['resume', out, '--json'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).evaluation).toEqual(JSON.parse(first.stdout).evaluation);
  });
});
