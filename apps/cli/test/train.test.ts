import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, isPng, readJson, tempDir } from './support/gen.js';

interface Report {
  status: string;
  step: number;
  evaluation: Record<string, number>;
  plots: string[];
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  // A tiny PixelCNN keeps the 784-pass sampling cheap.
  await writeFile(
    join(dir, 'pixelcnn.yaml'),
    'options:\n  channels: 8\n  layers: 2\n  kernelSize: 3\n',
  );
});

const TOY = ['--data', 'ring8', '--limit', '300', '--steps', '20', '--batch-size', '100'];
const IMAGES = [
  '--data',
  'mnist',
  '--limit',
  '64',
  '--steps',
  '4',
  '--batch-size',
  '32',
  '--eval-samples',
  '4',
];

const cases: { name: string; args: string[]; metrics: string[]; plots: string[] }[] = [
  {
    name: 'mixture',
    args: ['mixture', ...TOY],
    metrics: ['nll', 'mmd2', 'slicedWasserstein', 'modes', 'highQuality'],
    plots: ['loss', 'samples', 'density'],
  },
  {
    name: 'made',
    args: ['made', ...TOY],
    metrics: ['nll', 'mmd2', 'slicedWasserstein', 'modes'],
    plots: ['loss', 'samples', 'density'],
  },
  {
    name: 'flow',
    args: ['flow', ...TOY],
    metrics: ['nll', 'mmd2', 'slicedWasserstein', 'modes'],
    plots: ['loss', 'samples', 'density'],
  },
  {
    name: 'vae',
    args: ['vae', ...TOY],
    metrics: ['elbo', 'iwae100', 'mmd2', 'slicedWasserstein'],
    plots: ['loss', 'samples', 'density'],
  },
  {
    name: 'autoencoder',
    args: ['autoencoder', ...TOY],
    metrics: ['reconstructionError'],
    plots: ['loss', 'reconstructions'],
  },
  {
    name: 'gan',
    args: ['gan', ...TOY, '--loss', 'least-squares'],
    metrics: ['mmd2', 'slicedWasserstein', 'modes', 'highQuality'],
    plots: ['loss', 'samples'],
  },
  {
    name: 'pixelcnn',
    args: ['pixelcnn', ...IMAGES, '--config', 'pixelcnn.yaml'],
    metrics: ['nll', 'mmd2'],
    plots: ['loss', 'samples'],
  },
  {
    name: 'conv-vae',
    args: ['vae', '--arch', 'conv', ...IMAGES],
    metrics: ['elbo', 'iwae50', 'mmd2'],
    plots: ['loss', 'samples', 'reconstructions'],
  },
];

describe('gen train (spawned binary)', () => {
  for (const c of cases) {
    it(`trains ${c.name} end to end and writes config, checkpoint, metrics and PNG plots`, async () => {
      const out = join(dir, c.name);
      const r = await gen(['train', ...c.args, '--out', out, '--json'], dir);
      expect(r.stderr).not.toContain('Error');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.status).toBe('completed');
      for (const m of c.metrics) expect(Number.isFinite(report.evaluation[m]), m).toBe(true);
      const metrics = await readJson<
        Report & { history: { loss?: number; generatorLoss?: number }[] }
      >(join(out, 'metrics.json'));
      expect(metrics.evaluation).toEqual(report.evaluation);
      expect(metrics.history.length).toBeGreaterThan(0);
      for (const row of metrics.history)
        expect(Number.isFinite(row.loss ?? row.generatorLoss)).toBe(true);
      const config = await readJson(join(out, 'config.json'));
      expect(config).toMatchObject({ version: 1, model: c.args[0] });
      expect(existsSync(join(out, 'checkpoints'))).toBe(true);
      for (const p of c.plots)
        expect(isPng(await readFile(join(out, 'plots', `${p}.png`))), p).toBe(true);
    });
  }

  it('takes the settings of a JSON config file, flags winning, and --epochs', async () => {
    await writeFile(
      join(dir, 'c.json'),
      JSON.stringify({
        model: 'flow',
        data: 'moons',
        limit: 200,
        batchSize: 50,
        steps: 999,
        options: { layers: 2, hiddenSizes: [8] },
      }),
    );
    const out = join(dir, 'configured');
    const r = await gen(
      ['train', '--config', 'c.json', '--epochs', '2', '--steps', '3', '--out', out],
      dir,
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--steps and --epochs');
    const ok = await gen(['train', '--config', 'c.json', '--epochs', '2', '--out', out], dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('wrote');
    const config = await readJson(join(out, 'config.json'));
    expect(config).toMatchObject({
      model: 'flow',
      data: 'moons',
      steps: 8,
      batchSize: 50,
      options: { layers: 2, hiddenSizes: [8], bins: 8 },
    });
  });
});
