import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '@gen/core';
import { fromSafetensors, type SafetensorsMetadata, toSafetensors } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, isPng, tempDir } from './support/gen.js';

type Report = { step: number; rows: number; metrics: Record<string, number> };

let dir: string;
let run: string;
let released: string;
let trained: Record<string, number>;

/** A copy of the run as it is published: config.json, model.safetensors, metrics.json, plots. */
function release(name: string): string {
  const copy = join(dir, name);
  cpSync(run, copy, { recursive: true });
  rmSync(join(copy, 'checkpoints'), { recursive: true });
  return copy;
}

/** Rewrites a safetensors file through `edit` (its weights and metadata). */
function rewrite(
  file: string,
  edit: (weights: Record<string, tf.Tensor>, metadata: SafetensorsMetadata) => void,
): void {
  const { weights, metadata } = fromSafetensors(readFileSync(file));
  edit(weights, metadata);
  writeFileSync(file, toSafetensors(weights, metadata));
  tf.dispose(Object.values(weights));
}

beforeAll(async () => {
  await initBackend('cpu');
  dir = await tempDir();
  await writeFile(
    join(dir, 'small.json'),
    JSON.stringify({ options: { hiddenSizes: [32], latentSize: 4, iwaeSamples: 5 } }),
  );
  run = join(dir, 'run');
  const r = await gen(
    [
      'train',
      'vae',
      '--data',
      'mnist',
      '--limit',
      '300',
      '--steps',
      '6',
      '--batch-size',
      '50',
      '--eval-samples',
      '16',
      '--config',
      'small.json',
      '--out',
      run,
      '--json',
    ],
    dir,
  );
  expect(r.code, r.stderr).toBe(0);
  trained = (JSON.parse(r.stdout) as { evaluation: Record<string, number> }).evaluation;
  released = release('released');
});

describe('a released run (model.safetensors, no checkpoints/)', () => {
  it('evaluates to the metrics of the run with its checkpoints, at the trained step', async () => {
    const a = await gen(['eval', released, '--json'], dir);
    expect(a.code, a.stderr).toBe(0);
    const b = await gen(['eval', run, '--json'], dir);
    expect(b.code, b.stderr).toBe(0);
    const fromFile = JSON.parse(a.stdout) as Report;
    const fromCheckpoint = JSON.parse(b.stdout) as Report;
    expect(fromFile.metrics).toEqual(fromCheckpoint.metrics);
    expect(fromFile.metrics).toEqual(trained);
    expect(fromFile.step).toBe(6);
    expect(fromFile.rows).toBe(300);
  });

  it('samples what the run with its checkpoints samples', async () => {
    const a = await gen(['sample', released, '-n', '4', '--seed', '5'], dir);
    const b = await gen(['sample', run, '-n', '4', '--seed', '5'], dir);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stdout.trim().split('\n')).toHaveLength(4);
    expect(a.stdout).toBe(b.stdout);
  });

  it('evaluates on more test images than the default 1000 with --limit', async () => {
    // Any number up to the whole split (10 000); 2000 keeps the test short.
    const r = await gen(['eval', released, '--limit', '2000', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.rows).toBe(2000);
    expect(Number.isFinite(report.metrics.nllIwae)).toBe(true);
  });

  it("takes the step from the file's gen.run metadata when metrics.json is missing", async () => {
    const copy = release('no-metrics');
    rmSync(join(copy, 'metrics.json'));
    const r = await gen(['eval', copy, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Report).step).toBe(6);
  });

  it('refuses gen resume, writing nothing', async () => {
    const before = readFileSync(join(released, 'model.safetensors'));
    const r = await gen(['resume', released], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`'${released}' is a released run`);
    expect(r.stderr).toContain('cannot be resumed');
    expect(existsSync(join(released, 'checkpoints'))).toBe(false);
    expect(readFileSync(join(released, 'model.safetensors'))).toEqual(before);
  });

  it('refuses a model.safetensors that does not fit the config, naming the file', async () => {
    const other = join(dir, 'other');
    await writeFile(
      join(dir, 'narrow.json'),
      JSON.stringify({ options: { hiddenSizes: [16], latentSize: 4, iwaeSamples: 5 } }),
    );
    const t = await gen(
      [
        'train',
        'vae',
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
        'narrow.json',
        '--out',
        other,
      ],
      dir,
    );
    expect(t.code, t.stderr).toBe(0);
    const copy = release('mismatch');
    const file = join(copy, 'model.safetensors');
    cpSync(join(other, 'model.safetensors'), file);
    for (const command of ['eval', 'sample']) {
      const r = await gen([command, copy], dir);
      expect(r.code, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(
        `'${file}' does not fit the model of '${join(copy, 'config.json')}': the file's architecture (gen.config) has options.hiddenSizes.0 = 16, the config's model 32`,
      );
      expect(r.stdout).toBe('');
    }
    // Right shapes, other seed: the architecture record catches what the weights cannot.
    cpSync(join(released, 'model.safetensors'), file);
    rewrite(file, (_, metadata) => {
      const config = JSON.parse(metadata['gen.config']!);
      config.options.seed = 9;
      metadata['gen.config'] = JSON.stringify(config);
    });
    const seed = await gen(['eval', copy], dir);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain("has options.seed = 9, the config's model 0");
    // Without an architecture record, the weights' names and shapes are checked.
    cpSync(join(released, 'model.safetensors'), file);
    rewrite(file, (weights, metadata) => {
      delete metadata['gen.config'];
      const name = Object.keys(weights).find((k) => weights[k]!.rank === 2)!;
      weights[name]!.dispose();
      weights[name] = tf.zeros([3, 3]);
    });
    const shapes = await gen(['sample', copy], dir);
    expect(shapes.code).toBe(2);
    expect(shapes.stderr).toContain(`'${file}' does not fit the model of`);
    expect(shapes.stderr).toContain('got float32 [3, 3]');
    writeFileSync(file, 'not a safetensors file');
    const r = await gen(['eval', copy], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`'${file}'`);
  });
});

describe('gen sample --out *.png', () => {
  it('writes a grid of the draws for an image run', async () => {
    const out = join(dir, 'grid.png');
    const r = await gen(['sample', released, '-n', '9', '--out', out, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ out, n: 9, step: 6, model: 'vae' });
    const png = readFileSync(out);
    expect(isPng(png)).toBe(true);
    // IHDR: width and height, big-endian, at bytes 16 and 20; a 3 × 3 grid is about square.
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBeGreaterThan(3 * 28);
    expect(Math.abs(width - height) / width).toBeLessThan(0.2);
    const again = await gen(['sample', released, '-n', '9', '--out', out], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
  });

  it('refuses more tiles than a picture shows, and runs that are not on images', async () => {
    const many = await gen(['sample', released, '-n', '401', '--out', join(dir, 'x.png')], dir);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('-n: expected at most 400 samples for a .png grid, got "401"');
    const points = join(dir, 'points');
    const t = await gen(
      ['train', 'mixture', '--data', 'moons', '--limit', '200', '--steps', '3', '--out', points],
      dir,
    );
    expect(t.code, t.stderr).toBe(0);
    const r = await gen(['sample', points, '--out', join(dir, 'points.png')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out: a .png grid needs a run on images');
    expect(existsSync(join(dir, 'points.png'))).toBe(false);
  });
});
