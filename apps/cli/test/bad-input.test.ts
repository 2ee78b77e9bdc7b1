import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gen, tempDir } from './support/gen.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await writeFile(join(dir, 'broken.json'), '{ "steps": ');
  await writeFile(join(dir, 'unknown-key.yaml'), 'stepz: 3\n');
  await writeFile(join(dir, 'bad-option.json'), JSON.stringify({ options: { hiddenSize: [8] } }));
  // A directory named like a config file cannot be read as one (chmod does not stop root).
  await mkdir(join(dir, 'folder.json'));
});

const base = ['train', 'flow', '--data', 'moons', '--limit', '100', '--steps', '2'];
const cases: { name: string; args: string[]; names: string }[] = [
  { name: 'unknown model', args: ['train', 'diffusion', '--data', 'moons'], names: 'diffusion' },
  { name: 'unknown dataset', args: ['train', 'flow', '--data', 'cifar'], names: '--data' },
  { name: 'negative learning rate', args: [...base, '--lr', '-1'], names: '--lr' },
  {
    name: 'non-numeric steps',
    args: ['train', 'flow', '--data', 'moons', '--steps', 'abc'],
    names: '--steps',
  },
  { name: 'unknown backend', args: [...base, '--backend', 'tpu'], names: '--backend' },
  {
    name: 'missing CSV file',
    args: ['train', 'flow', '--data', 'no-such.csv'],
    names: 'no-such.csv',
  },
  { name: 'missing config file', args: [...base, '--config', 'nope.yaml'], names: 'nope.yaml' },
  {
    name: 'unparsable config file',
    args: [...base, '--config', 'broken.json'],
    names: 'broken.json',
  },
  {
    name: 'unreadable config file',
    args: [...base, '--config', 'folder.json'],
    names: 'folder.json',
  },
  { name: 'unknown config key', args: [...base, '--config', 'unknown-key.yaml'], names: 'stepz' },
  {
    name: 'unknown model option',
    args: [...base, '--config', 'bad-option.json'],
    names: 'options.hiddenSize',
  },
  { name: 'unknown flag', args: [...base, '--learning-rate', '3'], names: '--learning-rate' },
  {
    name: '2-D data for PixelCNN',
    args: ['train', 'pixelcnn', '--data', 'ring8'],
    names: '--data',
  },
  {
    name: 'the mlp flow on images',
    args: ['train', 'flow', '--arch', 'mlp', '--data', 'mnist', '--limit', '10'],
    names: '--arch',
  },
  {
    name: 'conv on 2-D data',
    args: ['train', 'vae', '--arch', 'conv', '--data', 'moons'],
    names: '--data',
  },
  { name: '--loss for a model without one', args: [...base, '--loss', 'hinge'], names: '--loss' },
  {
    name: 'unknown GAN loss',
    args: ['train', 'gan', '--data', 'moons', '--loss', 'bogus'],
    names: '--loss',
  },
  {
    name: 'batch larger than the data',
    args: [...base, '--batch-size', '500'],
    names: '--batch-size',
  },
];

describe('bad input exits 2, names the flag or file and writes nothing', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const out = join(dir, `out-${c.name.replace(/\W+/g, '-')}`);
      const r = await gen([...c.args, '--out', out], dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(c.names);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('refuses an --out that holds a run unless --force', async () => {
    const out = join(dir, 'taken');
    await mkdir(out);
    await writeFile(join(out, 'config.json'), '{}');
    const r = await gen([...base, '--out', out], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out');
    expect(r.stderr).toContain('--force');
  });

  it('names <run> when sample, eval or resume get a directory that is not a run', async () => {
    for (const command of ['sample', 'eval', 'resume']) {
      const r = await gen([command, join(dir, 'nowhere')], dir);
      expect(r.code, command).toBe(2);
      expect(r.stderr).toContain('<run>');
    }
  });

  it('prints help for every command with exit 0', async () => {
    for (const command of ['train', 'sample', 'eval', 'resume']) {
      const r = await gen([command, '--help'], dir);
      expect(r.code, command).toBe(0);
      expect(r.stdout).toContain(`Usage: gen ${command}`);
      expect(r.stdout).toContain('--json');
    }
  });
});
