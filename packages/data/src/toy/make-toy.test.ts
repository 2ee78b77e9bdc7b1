import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { values } from '../../test/support.js';
import { makeToy, TOY_NAMES } from './make-toy.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('makeToy', () => {
  it('knows the ten data sets and returns [n, 2] float32 ([n, 1] for mixture1d)', () => {
    expect([...TOY_NAMES].sort()).toEqual(
      [
        'ring8',
        'grid25',
        'moons',
        'circles',
        'swiss-roll',
        'checkerboard',
        'pinwheel',
        'spirals',
        '8gaussians',
        'mixture1d',
      ].sort(),
    );
    for (const name of TOY_NAMES) {
      const { x, labels } = makeToy(name, { n: 7, seed: 3 });
      expect(x.shape, name).toEqual([7, name === 'mixture1d' ? 1 : 2]);
      expect(x.dtype).toBe('float32');
      if (labels !== undefined) expect(labels.length).toBe(7);
      x.dispose();
    }
  });

  it('is deterministic for a seed, varies with it, and an Rng equals its seed', async () => {
    for (const name of TOY_NAMES) {
      const a = makeToy(name, { n: 50, seed: 11 });
      const b = makeToy(name, { n: 50, seed: 11 });
      const c = makeToy(name, { n: 50, seed: 12 });
      const d = makeToy(name, { n: 50, rng: Rng.fromSeed(11) });
      expect(await values(a.x), name).toEqual(await values(b.x));
      expect(await values(a.x), name).toEqual(await values(d.x));
      expect(await values(a.x), name).not.toEqual(await values(c.x));
      tf.dispose([a.x, b.x, c.x, d.x]);
    }
  });

  it('advances a shared Rng, so two calls give different data', async () => {
    const rng = Rng.fromSeed(5);
    const a = makeToy('moons', { n: 20, rng });
    const b = makeToy('moons', { n: 20, rng });
    expect(await values(a.x)).not.toEqual(await values(b.x));
    tf.dispose([a.x, b.x]);
  });

  it('gives the same numbers on every backend', async () => {
    const cpu = makeToy('pinwheel', { n: 64, seed: 2 });
    const onCpu = await values(cpu.x);
    cpu.x.dispose();
    await initBackend('wasm');
    const wasm = makeToy('pinwheel', { n: 64, seed: 2 });
    expect(tf.getBackend()).toBe('wasm');
    expect(await values(wasm.x)).toEqual(onCpu);
    wasm.x.dispose();
    await initBackend('cpu');
  });

  it('returns nothing but x to dispose', async () => {
    for (const name of TOY_NAMES) await expectNoLeak(() => makeToy(name, { n: 10 }), name);
  });

  it('rejects an unknown name, listing the valid ones', () => {
    expect(() => makeToy('ring7' as 'ring8', { n: 10 })).toThrow(InvalidArgumentError);
    expect(() => makeToy('ring7' as 'ring8', { n: 10 })).toThrow(
      /makeToy: argument 'name' must be one of 'ring8', 'grid25', .*'mixture1d', got "ring7"/,
    );
  });

  it('rejects unknown options, naming the option and the data set', () => {
    const bad = { n: 10, noize: 0.1 } as unknown as { n: number };
    expect(() => makeToy('moons', bad)).toThrow(InvalidArgumentError);
    expect(() => makeToy('moons', bad)).toThrow(
      /makeToy\('moons'\): unknown option 'noize' \(known options: n, rng, seed, noise\)/,
    );
    // An option of another data set is unknown here too.
    expect(() => makeToy('ring8', { n: 10, noise: 0.1 } as { n: number })).toThrow(/'noise'/);
  });

  it('rejects bad n, seed, rng and option values, naming argument and value', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => makeToy('ring8', { n: 0 }),
        /makeToy\('ring8'\): argument 'n' must be an integer >= 1, got 0/,
      ],
      [() => makeToy('ring8', { n: 2.5 }), /argument 'n' .* got 2.5/],
      [
        () => makeToy('ring8', undefined as never),
        /argument 'options' must be an options object, got undefined/,
      ],
      [() => makeToy('ring8', { n: 5, seed: -1 }), /argument 'seed' .* got -1/],
      [() => makeToy('ring8', { n: 5, seed: 1, rng: Rng.fromSeed(1) }), /either 'seed' or 'rng'/],
      [() => makeToy('ring8', { n: 5, rng: {} as Rng }), /argument 'rng' must be an Rng/],
      [
        () => makeToy('ring8', { n: 5, std: -0.1 }),
        /makeToy\('ring8'\): argument 'std' must be a finite number > 0, got -0.1/,
      ],
      [
        () => makeToy('ring8', { n: 5, modes: 0 }),
        /argument 'modes' must be an integer >= 1, got 0/,
      ],
      [
        () => makeToy('grid25', { n: 5, spacing: Number.NaN }),
        /argument 'spacing' must be a finite number, got NaN/,
      ],
      [
        () => makeToy('moons', { n: 5, noise: -1 }),
        /argument 'noise' must be a finite number >= 0, got -1/,
      ],
      [
        () => makeToy('mixture1d', { n: 5, weights: [0.5, 0.6] }),
        /argument 'weights' must sum to 1, got \[0.5, 0.6\]/,
      ],
      [
        () => makeToy('mixture1d', { n: 5, stds: [1] }),
        /argument 'stds' must have 2 entries, one per mean, got \[1\]/,
      ],
      [
        () => makeToy('mixture1d', { n: 5, stds: [1, 0] }),
        /argument 'stds' must be a non-empty array of finite numbers > 0/,
      ],
      [
        () => makeToy('mixture1d', { n: 5, means: [] }),
        /argument 'means' must be a non-empty array/,
      ],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
  });
});
