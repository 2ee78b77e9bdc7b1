import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, isPng, readJson, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  // A tiny PixelCNN keeps its 784 sequential passes per draw cheap.
  await writeFile(
    join(dir, 'pixelcnn.json'),
    JSON.stringify({ options: { channels: 8, layers: 2, kernelSize: 3 } }),
  );
  await writeFile(
    join(dir, 'vae.json'),
    JSON.stringify({ options: { hiddenSizes: [16], latentSize: 2, iwaeSamples: 3 } }),
  );
  await writeFile(join(dir, 'points.csv'), 'a,b\n1,2\n3,4\n5,6\n');
});

const IMAGES = ['--data', 'mnist', '--limit', '64', '--batch-size', '32', '--eval-samples', '2'];

interface Drawn {
  classes: number[];
  samples: number[][];
}

describe('gen train --conditional and gen sample --class (spawned binary)', () => {
  it('a conditional gated PixelCNN with a discretised-logistic likelihood: config, grey samples of a class', async () => {
    const run = join(dir, 'pixelcnn');
    const r = await gen(
      [
        'train',
        'pixelcnn',
        ...IMAGES,
        '--steps',
        '2',
        '--conditional',
        '--blocks',
        'gated',
        '--likelihood',
        'discretized-logistic',
        '--config',
        'pixelcnn.json',
        '--out',
        run,
        '--json',
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { evaluation: Record<string, number> };
    expect(Number.isFinite(report.evaluation.nll)).toBe(true);
    const config = await readJson(join(run, 'config.json'));
    expect(config).toMatchObject({
      conditional: true,
      binarize: null,
      options: { blocks: 'gated', likelihood: 'discretized-logistic' },
    });

    const three = await gen(['sample', run, '--class', '3', '-n', '2', '--json'], dir);
    expect(three.code, three.stderr).toBe(0);
    const a = JSON.parse(three.stdout) as Drawn;
    expect(a.classes).toEqual([3, 3]);
    expect(a.samples.map((row) => row.length)).toEqual([784, 784]);
    // Grey levels ℓ/255, not only 0 and 1.
    const values = a.samples.flat();
    expect(values.every((v) => Math.abs(v * 255 - Math.round(v * 255)) < 1e-3)).toBe(true);
    expect(new Set(values.map((v) => Math.round(v * 255))).size).toBeGreaterThan(2);
  });

  it('a conditional VAE with --beta-anneal and --objective iwae:<k> evaluates on the true labels', async () => {
    const run = join(dir, 'vae');
    const r = await gen(
      [
        'train',
        'vae',
        ...IMAGES,
        '--steps',
        '3',
        '--conditional',
        '--beta-anneal',
        '10',
        '--objective',
        'iwae:2',
        '--config',
        'vae.json',
        '--out',
        run,
        '--json',
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { evaluation: Record<string, number> };
    expect(Number.isFinite(report.evaluation.iwae3)).toBe(true);
    const config = await readJson(join(run, 'config.json'));
    expect(config).toMatchObject({
      conditional: true,
      options: { betaAnneal: 10, objective: 'iwae:2' },
    });
    const drawn = await gen(['sample', run, '-n', '3', '--json'], dir);
    expect(drawn.code, drawn.stderr).toBe(0);
    // Without --class, row i is of class i mod 10.
    expect((JSON.parse(drawn.stdout) as Drawn).classes).toEqual([0, 1, 2]);
    const evaluated = await gen(['eval', run, '--json'], dir);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout).metrics).toEqual(report.evaluation);
    // (Per-class sampling is checked on the VAE: a PixelCNN draw is 784 sequential passes.)
    const three = await gen(['sample', run, '--class', '3', '-n', '2', '--json'], dir);
    expect(three.code, three.stderr).toBe(0);
    const a = JSON.parse(three.stdout) as Drawn;
    expect(a.classes).toEqual([3, 3]);
    // The condition reaches the network: the same seed draws other images for another class.
    const seven = await gen(['sample', run, '--class', '7', '-n', '2', '--json'], dir);
    expect((JSON.parse(seven.stdout) as Drawn).samples).not.toEqual(a.samples);
    const grid = join(dir, 'grid.png');
    const all = await gen(['sample', run, '--class', 'all', '-n', '1', '--out', grid], dir);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('wrote 10 samples');
    expect(isPng(await readFile(grid))).toBe(true);
    const bad = await gen(['sample', run, '--class', '10'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--class: expected an integer from 0 to 9, got "10"');
  });

  it('refuses --conditional without labels or model form, --class on an unconditional run, and option flags of other models', async () => {
    const cases: [string[], string][] = [
      [
        ['made', '--data', 'moons', '--conditional'],
        "--conditional: conditioning needs class labels, which 'moons' does not have",
      ],
      [['vae', '--data', 'points.csv', '--conditional'], 'points.csv'],
      [['flow', '--data', 'mnist', '--conditional'], "model 'flow' has no class-conditional"],
      [
        ['gan', '--data', 'mnist', '--limit', '32', '--conditional', '--conditioning', 'sum'],
        '--conditioning: expected one of projection, concat, got "sum"',
      ],
      [
        ['made', '--data', 'mnist', '--conditional', '--binarize', 'dynamic'],
        '--conditional: not with --binarize dynamic',
      ],
      [
        ['gan', '--data', 'moons', '--beta-anneal', '5'],
        "--beta-anneal: model 'gan' takes no --beta-anneal; it is an option of vae",
      ],
      [['gan', '--data', 'moons', '--ema', '1'], '--ema: expected a number in (0, 1), got "1"'],
      [
        ['gan', '--data', 'moons', '--loss', 'hinge', '--label-smoothing', '0.9'],
        "--label-smoothing: label smoothing applies to the non-saturating, minimax and least-squares losses, not to 'hinge'",
      ],
      [
        ['pixelcnn', '--data', 'mnist', '--likelihood', 'categorical256', '--binarize', 'static'],
        '--binarize: model \'pixelcnn\' with likelihood "categorical256" takes grey images',
      ],
    ];
    // Three node processes at a time: each refuses while parsing, before any training.
    for (let i = 0; i < cases.length; i += 3) {
      const batch = cases.slice(i, i + 3);
      const results = await Promise.all(
        batch.map(([args], j) =>
          gen(['train', ...args, '--out', join(dir, `refused-${i + j}`)], dir),
        ),
      );
      results.forEach((r, j) => {
        const message = batch[j]![1];
        expect(r.code, message).toBe(2);
        expect(r.stderr).toContain(message);
      });
    }
    const unconditional = join(dir, 'unconditional');
    const made = await gen(
      ['train', 'made', '--data', 'moons', '--limit', '50', '--steps', '1', '--out', unconditional],
      dir,
    );
    expect(made.code, made.stderr).toBe(0);
    const r = await gen(['sample', unconditional, '--class', '3'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--class: the run');
    expect(r.stderr).toContain('is not class-conditional');
  });

  it('gen train --help lists the conditional and model-option flags with their models', async () => {
    const r = await gen(['train', '--help'], dir);
    expect(r.code).toBe(0);
    for (const flag of [
      '--conditional',
      '--beta-anneal <steps>',
      '--objective <name>',
      '--spectral-norm',
      '--r1 <gamma>',
      '--r2 <gamma>',
      '--conditioning <how>',
      '--discriminator-batch-norm',
      '--ema <decay>',
      '--label-smoothing <s>',
      '--label-smoothing-decay <steps>',
      '--label-flip <p>',
      '--blocks <kind>',
      '--likelihood <name>',
    ]) {
      expect(r.stdout, flag).toContain(flag);
    }
    expect(r.stdout).toMatch(/\[gan\]/);
    expect(r.stdout).toMatch(/\[vae\]/);
    expect(r.stdout).toMatch(/\[pixelcnn\]/);
  });
});
