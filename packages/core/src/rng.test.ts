import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { GenError } from './errors.js';
import { createRng, isRng, Rng, threefry2x32 } from './rng.js';
import { assertRng, resolveRng } from './rng-options.js';
import { foreignRng } from './testing/foreign-rng.js';

describe('threefry2x32', () => {
  // Known-answer vectors of Random123 (kat_vectors, threefry2x32_20), also used by JAX's tests.
  it('matches the Random123 known answers', () => {
    expect(threefry2x32([0, 0], [0, 0])).toEqual([0x6b200159, 0x99ba4efe]);
    expect(threefry2x32([0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])).toEqual([
      0x1cb996fc, 0xbb002be7,
    ]);
    expect(threefry2x32([0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3])).toEqual([
      0xc4923a9c, 0x483df7a0,
    ]);
  });
});

describe('Rng', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('gives the same numbers for the same seed and different ones for another', () => {
    const a = Rng.fromSeed(7);
    const b = createRng(7);
    const c = Rng.fromSeed(8);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('never yields seed 0, even for seed 0', () => {
    const rng = Rng.fromSeed(0);
    for (let i = 0; i < 1000; i++) expect(rng.nextSeed()).toBeGreaterThan(0);
  });

  it('splits into children that are reproducible and differ from each other', () => {
    const [a, b] = Rng.fromSeed(1).split();
    const [a2] = Rng.fromSeed(1).split();
    expect(a!.nextUint32()).toBe(a2!.nextUint32());
    expect(
      Rng.fromSeed(1)
        .split(3)
        .map((r) => r.nextUint32()),
    ).toHaveLength(3);
    expect(a!.clone().nextUint32()).not.toBe(b!.clone().nextUint32());
  });

  it('restores from its state exactly', () => {
    const rng = Rng.fromSeed(2 ** 40 + 3);
    rng.float();
    const restored = Rng.fromState(JSON.parse(JSON.stringify(rng.getState())));
    expect(restored.float()).toBe(rng.float());
    expect(() => Rng.fromState({ version: 2 } as never)).toThrow(GenError);
  });

  it('floats are uniform on [0, 1): mean and variance within 4 standard errors', () => {
    const rng = Rng.fromSeed(3);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.float();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    // Var(U) = 1/12, so SE(mean) = sqrt(1/12/n); Var(U²) = 1/5 − 1/9, SE(mean of U²) likewise.
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - 1 / 3)).toBeLessThan(4 * Math.sqrt((1 / 5 - 1 / 9) / n));
  });

  it('permutation is a permutation and reproducible', () => {
    const p = Rng.fromSeed(4).permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
    expect([...Rng.fromSeed(4).permutation(100)]).toEqual([...p]);
  });

  it('seeds tfjs random ops reproducibly', async () => {
    const x = Rng.fromSeed(5).normal([4]);
    const y = Rng.fromSeed(5).normal([4]);
    expect(await x.data()).toEqual(await y.data());
    tf.dispose([x, y]);
  });

  it('rejects bad seeds with a typed error naming the argument', () => {
    expect(() => Rng.fromSeed(-1)).toThrow(/Rng\.fromSeed: argument 'seed'.*-1/);
    expect(() => Rng.fromSeed(1.5)).toThrow(GenError);
    expect(() => Rng.fromSeed(1).split(0)).toThrow(/Rng\.split: argument 'n'/);
  });
});

describe('isRng and assertRng', () => {
  // Every member of an Rng, copied onto a plain object: what a hand-made or mocked "rng" looks
  // like. It is refused: @gen draws from any Rng member, and a partial copy once got through.
  const lookAlike = (): Record<string, unknown> => {
    const inner = Rng.fromSeed(1);
    const out: Record<string, unknown> = {};
    for (const key of Object.getOwnPropertyNames(Rng.prototype)) {
      const member = (inner as unknown as Record<string, unknown>)[key];
      if (typeof member === 'function') out[key] = member.bind(inner);
    }
    return out;
  };

  it('recognises Rngs, their children and restored copies', () => {
    const rng = Rng.fromSeed(3);
    expect(isRng(rng)).toBe(true);
    expect(isRng(rng.split()[1])).toBe(true);
    expect(isRng(rng.clone())).toBe(true);
    expect(isRng(Rng.fromState(rng.getState()))).toBe(true);
    expect(isRng(createRng(0))).toBe(true);
  });

  it('recognises an Rng of another installed copy of @gen/core', () => {
    const foreign = foreignRng(4);
    expect(foreign).not.toBeInstanceOf(Rng);
    expect(isRng(foreign)).toBe(true);
    expect(() => assertRng('f', 'rng', foreign)).not.toThrow();
    expect(resolveRng('f', { rng: foreign })).toBe(foreign);
    expect(foreign.float()).toBe(Rng.fromSeed(4).float());
  });

  it('refuses look-alikes, states and non-objects with a typed error naming fn and arg', () => {
    for (const x of [lookAlike(), Rng.fromSeed(1).getState(), 42, null, undefined, {}]) {
      expect(isRng(x)).toBe(false);
      expect(() => assertRng('sample', 'rng', x)).toThrow(GenError);
    }
    expect(() => assertRng('sample', 'rng', 42)).toThrow(
      /sample: argument 'rng' must be an Rng from @gen\/core, got 42/,
    );
    expect(() => resolveRng('fit', { rng: lookAlike() as never })).toThrow(
      /fit: argument 'rng' must be an Rng/,
    );
  });

  it("keeps the brand out of the Rng's own properties", () => {
    expect(Object.getOwnPropertySymbols(Rng.fromSeed(1))).toEqual([]);
  });
});
