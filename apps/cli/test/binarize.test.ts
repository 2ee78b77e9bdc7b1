import { cpSync, readdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, readJson, tempDir } from './support/gen.js';

type Outcome = { step: number; evaluation: Record<string, number> };

let dir: string;
let straight: string;
let dynamic: Outcome;

// 300 images in batches of 50: 6 batches an epoch, so the checkpoints of steps 4, 8, 12 and 16
// fall mid-epoch, mid-epoch, on an epoch boundary and mid-epoch.
const TRAIN = [
  'train',
  'vae',
  '--data',
  'mnist',
  '--limit',
  '300',
  '--steps',
  '16',
  '--batch-size',
  '50',
  '--checkpoint-every',
  '4',
  '--eval-samples',
  '16',
  '--config',
  'small.json',
  '--seed',
  '3',
];

beforeAll(async () => {
  dir = await tempDir();
  await writeFile(
    join(dir, 'small.json'),
    JSON.stringify({ options: { hiddenSizes: [32], latentSize: 4, iwaeSamples: 5 } }),
  );
  straight = join(dir, 'dynamic');
  const r = await gen([...TRAIN, '--binarize', 'dynamic', '--out', straight, '--json'], dir);
  expect(r.code, r.stderr).toBe(0);
  dynamic = JSON.parse(r.stdout) as Outcome;
});

/** A copy of the dynamic run cut back to its checkpoint of `step`, as if stopped there. */
function stoppedAt(step: number): string {
  const copy = join(dir, `stopped-${step}`);
  cpSync(straight, copy, { recursive: true });
  const checkpoints = join(copy, 'checkpoints');
  for (const name of readdirSync(checkpoints)) {
    if (Number(/\d+/.exec(name)?.[0]) > step) rmSync(join(checkpoints, name));
  }
  rmSync(join(copy, 'model.safetensors'));
  return copy;
}

describe('gen train --binarize', () => {
  it('records dynamic in config.json and trains on fresh draws, unlike the static default', async () => {
    const config = await readJson(join(straight, 'config.json'));
    expect(config.binarize).toBe('dynamic');
    expect(dynamic.step).toBe(16);
    const staticRun = join(dir, 'static');
    const r = await gen([...TRAIN, '--out', staticRun, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect((await readJson(join(staticRun, 'config.json'))).binarize).toBe('static');
    // Same seed, weights and row order: only the binarisation of the training batches differs.
    const fixed = JSON.parse(r.stdout) as Outcome;
    expect(fixed.evaluation.elbo).not.toBe(dynamic.evaluation.elbo);
    for (const value of Object.values(dynamic.evaluation))
      expect(Number.isFinite(value)).toBe(true);
  });

  it.each([8, 12])(
    'gen resume from the checkpoint of step %i ends as the uninterrupted run',
    async (step) => {
      const copy = stoppedAt(step);
      const r = await gen(['resume', copy, '--json'], dir);
      expect(r.code, r.stderr).toBe(0);
      const resumed = JSON.parse(r.stdout) as Outcome;
      expect(resumed.step).toBe(16);
      expect(resumed.evaluation).toEqual(dynamic.evaluation);
      const a = await gen(['sample', copy, '-n', '3', '--seed', '1'], dir);
      const b = await gen(['sample', straight, '-n', '3', '--seed', '1'], dir);
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toBe(b.stdout);
    },
  );

  it('is read from a config file', async () => {
    await writeFile(
      join(dir, 'made.json'),
      JSON.stringify({ binarize: 'dynamic', options: { hiddenSizes: [16] } }),
    );
    const out = join(dir, 'made');
    const r = await gen(
      [
        'train',
        'made',
        '--data',
        'mnist',
        '--limit',
        '100',
        '--steps',
        '2',
        '--batch-size',
        '50',
        '--eval-samples',
        '4',
        '--config',
        'made.json',
        '--out',
        out,
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect((await readJson(join(out, 'config.json'))).binarize).toBe('dynamic');
  });

  it('is refused for models that take grey images, for points and for unknown modes', async () => {
    const cases: [string[], string][] = [
      [
        ['gan', '--data', 'mnist', '--binarize', 'dynamic'],
        "--binarize: model 'gan' takes grey images and does not binarise them",
      ],
      [
        ['flow', '--data', 'moons', '--binarize', 'static'],
        "--binarize: model 'flow' takes grey images and does not binarise them",
      ],
      [
        ['vae', '--data', 'moons', '--binarize', 'dynamic'],
        "--binarize: binarisation applies to images (mnist, fashion-mnist), not to 'moons'",
      ],
      [
        ['made', '--data', 'mnist', '--binarize', 'sometimes'],
        '--binarize: expected one of static, dynamic, got "sometimes"',
      ],
    ];
    for (const [args, message] of cases) {
      const r = await gen(['train', ...args, '--out', join(dir, 'refused')], dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
    await writeFile(join(dir, 'gan.json'), JSON.stringify({ binarize: 'dynamic' }));
    const r = await gen(
      ['train', 'gan', '--data', 'mnist', '--config', 'gan.json', '--out', join(dir, 'refused')],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--config gan.json (binarize): model 'gan'`);
    expect(readdirSync(dir)).not.toContain('refused');
  });

  it('reads a config.json written before --binarize existed as static', async () => {
    const copy = join(dir, 'legacy');
    cpSync(join(dir, 'static'), copy, { recursive: true });
    const config = await readJson(join(copy, 'config.json'));
    delete config.binarize;
    await writeFile(join(copy, 'config.json'), JSON.stringify(config));
    const a = await gen(['eval', copy, '--json'], dir);
    const b = await gen(['eval', join(dir, 'static'), '--json'], dir);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).metrics).toEqual(JSON.parse(b.stdout).metrics);
  });
});
