import {
  InvalidArgumentError,
  initBackend,
  type Rng,
  Rng as RngClass,
  ShapeMismatchError,
} from '@gen/core';
import { expectNoLeak, plainNetwork } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { values } from '../test/support.js';
import { Mlp } from './mlp.js';
import { isModule, Module } from './module.js';

beforeAll(() => initBackend('cpu'));

/** y = x ⊙ scale + shift. */
class Affine extends Module {
  readonly scale: tf.Variable;
  readonly shift: tf.Variable;
  constructor(size: number, rng: Rng, name = 'affine') {
    super(name);
    this.scale = this.addWeight('scale', [size], 'glorotUniform', rng);
    this.shift = this.addWeight('shift', [size], 'zeros', rng);
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(tf.mul(x, this.scale), this.shift));
  }
}

/** Two Affines in sequence plus an own gain. */
class Pair extends Module {
  readonly gain: tf.Variable;
  readonly first: Affine;
  readonly second: Affine;
  constructor(rng: Rng) {
    super('pair');
    this.first = this.addModule('first', new Affine(3, rng));
    this.gain = this.addWeight('gain', [1], 'ones', rng);
    this.second = this.addModule('second', new Affine(3, rng));
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(this.second.apply(this.first.apply(x)), this.gain));
  }
}

/** Exposes the protected API to the tests. */
class Open extends Module {
  add(name: string, shape: number[], init: Parameters<Module['addWeight']>[2]) {
    return this.addWeight(name, shape, init, RngClass.fromSeed(0));
  }
  child(name: string, child: Module) {
    return this.addModule(name, child);
  }
  buffer(name: string, initial: tf.Tensor) {
    return this.addBuffer(name, initial);
  }
  apply(x: tf.Tensor): tf.Tensor {
    return tf.clone(x);
  }
}

const names = (m: Module) => Object.keys(m.namedWeights());

describe('Module', () => {
  it('names weights by registration path, depth-first in registration order', () => {
    const pair = new Pair(RngClass.fromSeed(0));
    expect(names(pair)).toEqual([
      'pair/first/scale',
      'pair/first/shift',
      'pair/gain',
      'pair/second/scale',
      'pair/second/shift',
    ]);
    expect(pair.trainableVariables).toEqual(Object.values(pair.namedWeights()));
    expect(pair.trainableVariables.every((v) => v.trainable)).toBe(true);
    expect(pair.numParameters()).toBe(3 + 3 + 1 + 3 + 3);
    pair.dispose();
  });

  it('gives distinct tfjs variable names to modules with the same logical name', () => {
    const a = new Affine(2, RngClass.fromSeed(0));
    const b = new Affine(2, RngClass.fromSeed(0));
    expect(names(a)).toEqual(names(b));
    expect(a.scale.name).not.toBe(b.scale.name);
    a.dispose();
    b.dispose();
  });

  it('skips tfjs names taken elsewhere (a second copy of @gen/nn counts from 0 too)', () => {
    const probe = new Affine(2, RngClass.fromSeed(0), 'taken');
    const next = Number(/_(\d+)$/.exec(probe.shift.name)![1]) + 1;
    // What a second copy would register next under its own counter.
    const squatters = [0, 1, 2].map((k) =>
      tf.variable(tf.zeros([1]), false, `taken/scale_${next + k}`),
    );
    const module = new Affine(2, RngClass.fromSeed(0), 'taken');
    const own = [module.scale.name, module.shift.name];
    expect(own.every((n) => !squatters.some((v) => v.name === n))).toBe(true);
    expect(new Set(own).size).toBe(2);
    for (const v of squatters) v.dispose();
    probe.dispose();
    module.dispose();
  });

  it('getWeights returns copies the caller owns', async () => {
    const m = new Affine(3, RngClass.fromSeed(1));
    const copies = m.getWeights();
    const before = await values(copies['affine/scale']!);
    m.scale.assign(tf.tensor1d([7, 8, 9]));
    expect(await values(copies['affine/scale']!)).toEqual(before);
    tf.dispose(copies);
    expect(await values(m.scale)).toEqual([7, 8, 9]);
    m.dispose();
  });

  it('setWeights round-trips getWeights and leaves the caller its tensors', async () => {
    const source = new Pair(RngClass.fromSeed(1));
    const target = new Pair(RngClass.fromSeed(2));
    const weights = source.getWeights();
    target.setWeights(weights);
    for (const [name, v] of Object.entries(target.namedWeights())) {
      expect(await values(v)).toEqual(await values(weights[name]!));
    }
    tf.dispose(weights);
    const x = tf.tensor2d([1, 2, 3, -1, 0, 4], [2, 3]);
    const [yt, ys] = [target.apply(x), source.apply(x)];
    expect(await values(yt)).toEqual(await values(ys));
    tf.dispose([x, yt, ys]);
    source.dispose();
    target.dispose();
  });

  it('setWeights rejects missing and unexpected names, naming them', () => {
    const m = new Affine(3, RngClass.fromSeed(0));
    const w = m.getWeights();
    const extra = tf.zeros([3]);
    const partial = { 'affine/scale': w['affine/scale']!, 'affine/other': extra };
    expect(() => m.setWeights(partial)).toThrow(InvalidArgumentError);
    expect(() => m.setWeights(partial)).toThrow(
      /Module.setWeights: .*missing \[affine\/shift\], unexpected \[affine\/other\]/,
    );
    tf.dispose([w, extra]);
    m.dispose();
  });

  it('setWeights rejects a wrong shape naming the weight and both shapes, assigning nothing', async () => {
    const m = new Affine(3, RngClass.fromSeed(0));
    const before = await values(m.scale);
    const bad = { 'affine/scale': tf.ones([3]), 'affine/shift': tf.ones([4]) };
    expect(() => m.setWeights(bad)).toThrow(ShapeMismatchError);
    expect(() => m.setWeights(bad)).toThrow(
      "Module.setWeights: weight 'affine/shift' has shape [3], got [4]",
    );
    expect(await values(m.scale)).toEqual(before);
    tf.dispose(bad);
    m.dispose();
  });

  it('setWeights rejects disposed tensors and other dtypes', () => {
    const m = new Affine(2, RngClass.fromSeed(0));
    const gone = tf.ones([2]);
    gone.dispose();
    const ints = tf.ones([2], 'int32');
    const shift = tf.zeros([2]);
    expect(() => m.setWeights({ 'affine/scale': gone, 'affine/shift': shift })).toThrow(
      /argument 'weights\['affine\/scale'\]' must be a live tf.Tensor, got a disposed tensor/,
    );
    expect(() => m.setWeights({ 'affine/scale': ints, 'affine/shift': shift })).toThrow(
      /must have dtype float32, got a int32 tensor/,
    );
    tf.dispose([ints, shift]);
    m.dispose();
  });

  it('dispose releases every variable, is idempotent, and later calls throw', async () => {
    await expectNoLeak(() => {
      const m = new Pair(RngClass.fromSeed(3));
      const x = tf.ones([4, 3]);
      const y = m.apply(x);
      m.dispose();
      m.dispose();
      expect(m.isDisposed).toBe(true);
      expect(m.first.isDisposed).toBe(true);
      expect(() => m.getWeights()).toThrow("Module.getWeights: module 'pair' has been disposed");
      tf.dispose([x, y]);
    });
    expect(
      Object.keys(tf.engine().registeredVariables).filter((n) => n.startsWith('pair/')),
    ).toEqual([]);
  });

  it('addWeight and addModule validate names, shapes and initialisers', () => {
    const m = new Open('open');
    m.add('w', [2], 'zeros');
    expect(() => m.add('w', [2], 'zeros')).toThrow(
      /Module.addWeight: argument 'name' must be unique within module 'open', got "w"/,
    );
    expect(() => m.add('a/b', [2], 'zeros')).toThrow(/without '\/', got "a\/b"/);
    expect(() => m.add('v', [2, 0], 'zeros')).toThrow(
      /argument 'shape' must be an array of positive integers, got \[2, 0\]/,
    );
    expect(() => m.add('v', [2], 'xavier' as never)).toThrow(
      /argument 'initializer' must be one of/,
    );
    expect(() => m.add('v', [2], (s) => tf.zeros([...s, 1]))).toThrow(ShapeMismatchError);
    expect(() => m.child('w', new Open('other'))).toThrow(
      /Module.addModule: argument 'name' must be unique/,
    );
    expect(() => m.child('c', {} as Module)).toThrow(/argument 'child' must be a Module/);
    expect(() => new Open('')).toThrow(InvalidArgumentError);
    m.dispose();
  });

  it('addBuffer keeps state out of trainableVariables but in getWeights, setWeights and dispose', async () => {
    await expectNoLeak(() => {
      const m = new Open('open');
      m.add('w', [2], 'ones');
      const initial = tf.tensor1d([3, 4]);
      const b = m.buffer('count', initial);
      initial.dispose(); // the buffer does not depend on the caller's tensor
      expect(b.trainable).toBe(false);
      expect(m.trainableVariables).toHaveLength(1);
      expect(Object.keys(m.namedBuffers())).toEqual(['open/count']);
      expect(m.numParameters()).toBe(2);
      const w = m.getWeights();
      expect(Object.keys(w)).toEqual(['open/w', 'open/count']);
      expect(Array.from(w['open/count']!.dataSync())).toEqual([3, 4]);
      const missing = { 'open/w': w['open/w']! };
      expect(() => m.setWeights(missing)).toThrow(/missing \[open\/count\]/);
      w['open/count']!.dispose();
      w['open/count'] = tf.tensor1d([5, 6]);
      m.setWeights(w);
      expect(Array.from(b.dataSync())).toEqual([5, 6]);
      tf.dispose(Object.values(w));
      const [zero, ints] = [tf.zeros([1]), tf.tensor1d([1], 'int32')];
      expect(() => m.buffer('count', zero)).toThrow(/argument 'name' must be unique/);
      expect(() => m.buffer('n', ints)).toThrow(/Module.addBuffer: argument 'initial'/);
      tf.dispose([zero, ints]);
      m.dispose();
      expect(b.isDisposed).toBe(true);
    });
  });

  it('a rejected initialiser result is disposed', async () => {
    const m = new Open('open');
    await expectNoLeak(() => {
      expect(() => m.add('v', [2], (s) => tf.zeros([...s, 1]))).toThrow(ShapeMismatchError);
    });
    m.dispose();
  });
});

describe('isModule', () => {
  it('recognises every Module subclass, disposed or not', () => {
    const pair = new Pair(RngClass.fromSeed(1));
    const mlp = new Mlp({ inputSize: 2, hiddenSizes: [3], outputSize: 1, seed: 0 });
    expect([pair, pair.first, mlp].map(isModule)).toEqual([true, true, true]);
    mlp.dispose();
    expect(isModule(mlp)).toBe(true);
    pair.dispose();
  });

  it('recognises a module of another installed copy of @gen/nn, which instanceof misses', () => {
    // A second copy's Module class: another class object with the same registry-keyed brand.
    class OtherCopyModule extends Open {}
    Object.setPrototypeOf(OtherCopyModule.prototype, Object.prototype);
    Object.defineProperty(OtherCopyModule.prototype, Symbol.for('@gen/nn/Module'), {
      value: true,
    });
    const foreign = new OtherCopyModule('foreign');
    expect(foreign).not.toBeInstanceOf(Module);
    expect(isModule(foreign)).toBe(true);
  });

  it('refuses Networks that are not Modules, look-alikes and non-objects', () => {
    const network = plainNetwork({ inputSize: 2, outputSize: 1, seed: 0 });
    const lookAlike = { name: 'm', isDisposed: false, apply: (x: tf.Tensor) => x };
    for (const x of [network, lookAlike, {}, null, undefined, 'Module', Module]) {
      expect(isModule(x)).toBe(false);
    }
    network.dispose();
  });

  it('addModule refuses a look-alike copied from a Module, naming the argument', () => {
    const parent = new Open('parent');
    const child = new Open('child');
    child.add('w', [2], 'ones');
    const lookAlike = { ...child, name: 'copy', dispose: () => undefined };
    expect(() => parent.child('c', lookAlike as unknown as Module)).toThrow(
      /Module.addModule: argument 'child' must be a Module/,
    );
    parent.child('c', child);
    expect(names(parent)).toEqual(['parent/c/w']);
    parent.dispose();
    expect(child.isDisposed).toBe(true);
  });
});
