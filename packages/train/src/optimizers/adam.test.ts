import { InvalidArgumentError, initBackend, Rng } from '@gen/core';
import { describeBackends, expectNoLeak } from '@gen/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradientStep } from '../gradient-step.js';
import { captureOptimizer, restoreOptimizer, setLearningRate } from '../optimizer-state.js';
import { cosineDecay } from '../schedules.js';
import { adam } from './adam.js';
import { ADAM_KERNEL } from './adam-kernel.js';
import { adamSimd } from './adam-simd.js';

const tfAdam = (lr: number) => tf.train.adam(lr, 0.9, 0.999, 1e-7);

/** tfjs's list form of gradients; a variable the loss does not reach is listed without one. */
const namedGradients = (variables: tf.Variable[], grads: tf.NamedTensorMap) =>
  variables.map((v) => ({ name: v.name, tensor: grads[v.name] as tf.Tensor }));

/**
 * A small regression net whose weights go through matMul (wasm caches packed matmul weights by
 * tensor id, so an update that changed a weight in place would be caught here), with a bias of 7
 * elements (not a multiple of the four SIMD lanes) and a variable the loss never touches.
 */
class Net {
  readonly w1: tf.Variable;
  readonly b1: tf.Variable;
  readonly w2: tf.Variable;
  readonly unused: tf.Variable;
  constructor(seed: number) {
    const rng = Rng.fromSeed(seed);
    this.w1 = tf.variable(rng.normal([5, 7], 0, 0.5));
    this.b1 = tf.variable(rng.normal([7], 0, 0.1));
    this.w2 = tf.variable(rng.normal([7, 3], 0, 0.5));
    this.unused = tf.variable(rng.normal([2, 2]));
  }
  get variables(): tf.Variable[] {
    return [this.w1, this.b1, this.w2, this.unused];
  }
  loss(x: tf.Tensor, y: tf.Tensor): tf.Scalar {
    const h = tf.tanh(tf.add(tf.matMul(x, this.w1), this.b1));
    return tf.mean(tf.square(tf.sub(tf.matMul(h, this.w2), y)));
  }
  values(): number[][] {
    return this.variables.map((v) => Array.from(v.dataSync()));
  }
  dispose(): void {
    tf.dispose(this.variables);
  }
}

async function stateOf(optimizer: tf.Optimizer): Promise<Record<string, number[]>> {
  const { manifest, tensors } = await captureOptimizer('test', optimizer, 'o');
  const out: Record<string, number[]> = { iterations: [manifest.iterations] };
  for (const [name, t] of Object.entries(tensors)) out[name] = Array.from(t.dataSync());
  tf.dispose(Object.values(tensors));
  return out;
}

/** `steps` steps of `fn` on two copies of the net, one per optimiser, checked bitwise equal. */
async function lockstep(
  steps: number,
  fn: (net: Net, optimizer: tf.Optimizer, step: number) => void,
  start?: (stock: tf.Optimizer, fused: tf.Optimizer) => Promise<void>,
): Promise<void> {
  const nets = [new Net(1), new Net(1)] as const;
  const optimizers = [tfAdam(0.05), adam(0.05)] as const;
  await start?.(...optimizers);
  for (let step = 0; step < steps; step++) {
    fn(nets[0], optimizers[0], step);
    fn(nets[1], optimizers[1], step);
  }
  expect(nets[1].values()).toEqual(nets[0].values());
  expect(await stateOf(optimizers[1])).toEqual(await stateOf(optimizers[0]));
  for (const n of nets) n.dispose();
  for (const o of optimizers) o.dispose();
}

describeBackends('adam: the same numbers as tf.train.adam', () => {
  let x: tf.Tensor;
  let y: tf.Tensor;
  beforeAll(() => {
    const rng = Rng.fromSeed(3);
    x = rng.normal([16, 5]);
    y = rng.normal([16, 3]);
  });
  afterAll(() => tf.dispose([x, y]));
  const trainStep = (net: Net, optimizer: tf.Optimizer, clip = {}) => {
    const { loss, finite } = gradientStep(
      optimizer,
      net.variables,
      () => net.loss(x, y),
      clip,
      true,
    );
    tf.dispose([loss, finite]);
  };

  it('50 steps bitwise equal, parameters and moments, one variable without gradient', async () => {
    await lockstep(50, (net, optimizer) =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => net.loss(x, y), net.variables);
        optimizer.applyGradients(namedGradients(net.variables, grads));
      }),
    );
  });

  it('through the trainer step with clipping and a cosine schedule setting the learning rate', async () => {
    const schedule = cosineDecay({ initial: 0.1, steps: 50 });
    await lockstep(50, (net, optimizer, step) => {
      setLearningRate('test', optimizer, schedule(step));
      const clip = { clipNorm: 0.5, clipValue: 0.05 };
      trainStep(net, optimizer, clip);
    });
  });

  it('a variable listed twice is updated twice, as tfjs does', async () => {
    await lockstep(5, (net, optimizer) =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => net.loss(x, y), net.variables);
        const list = namedGradients(net.variables, grads);
        optimizer.applyGradients([...list, list[0]!]);
      }),
    );
  });

  it('a variable whose buffer a live clone shares: the clone keeps the old values', async () => {
    const clones: tf.Tensor[][] = [[], []];
    let turn = 0;
    await lockstep(12, (net, optimizer, step) => {
      const held = clones[turn++ % 2]!;
      if (step % 4 === 0) held.push(tf.clone(net.w1), tf.clone(net.b1));
      trainStep(net, optimizer);
    });
    expect(clones[1]!.map((t) => Array.from(t.dataSync()))).toEqual(
      clones[0]!.map((t) => Array.from(t.dataSync())),
    );
    expect(Array.from(clones[1]![0]!.dataSync())).not.toEqual(
      Array.from(clones[1]![2]!.dataSync()),
    );
    tf.dispose(clones.flat());
  });

  it('resumes from tf.train.adam state and tf.train.adam resumes from its state, bitwise', async () => {
    // Each optimiser trains 20 steps, then each takes over the other's state and net.
    const nets = [new Net(2), new Net(2)] as const;
    const first = [tfAdam(0.05), adam(0.05)] as const;
    for (let s = 0; s < 20; s++) for (const i of [0, 1] as const) trainStep(nets[i], first[i]);
    const saved = await Promise.all(first.map((o) => captureOptimizer('test', o, 'o')));
    const second = [adam(0.05), tfAdam(0.05)] as const;
    for (const i of [0, 1] as const) {
      await restoreOptimizer('test', second[i], saved[i]!.manifest, saved[i]!.tensors, 'o');
      tf.dispose(Object.values(saved[i]!.tensors));
    }
    for (let s = 0; s < 20; s++) for (const i of [0, 1] as const) trainStep(nets[i], second[i]);
    expect(nets[0].values()).toEqual(nets[1].values());
    expect(await stateOf(second[0])).toEqual(await stateOf(second[1]));
    for (const o of [...first, ...second]) o.dispose();
    for (const n of nets) n.dispose();
  });

  it('inside a recording tape, a weight the tape saved for backprop keeps its old values', async () => {
    const seen: number[][][] = [[], []];
    let turn = 0;
    await lockstep(3, (net, optimizer) => {
      const { value, grads } = tf.variableGrads(() => net.loss(x, y), net.variables);
      // d/dz Σ(w₁·z) is Σw₁ as the tape saved it, i.e. before the update.
      const dz = tf.grad((z: tf.Tensor) => {
        const product = tf.mul(net.w1, z);
        optimizer.applyGradients(namedGradients(net.variables, grads));
        return tf.sum(product);
      })(tf.scalar(1));
      seen[turn++ % 2]!.push([dz.dataSync()[0]!, tf.tidy(() => tf.sum(net.w1).dataSync()[0]!)]);
      tf.dispose([value, dz, ...Object.values(grads)]);
    });
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[1]![1]![0]).toBe(seen[1]![0]![1]);
  });

  it('is one kernel per step for all variables (tfjs: about ten per variable) and leaks nothing', async () => {
    const net = new Net(4);
    const { value, grads: map } = tf.variableGrads(() => net.loss(x, y), net.variables);
    const grads = namedGradients(net.variables, map);
    value.dispose();
    const kernels = async (optimizer: tf.Optimizer) => {
      optimizer.applyGradients(grads); // creates the slots
      const profile = await tf.profile(() => optimizer.applyGradients(grads));
      optimizer.dispose();
      return profile.kernels.map((k) => k.name);
    };
    expect(await kernels(adam(0.01))).toEqual([ADAM_KERNEL]);
    expect((await kernels(tfAdam(0.01))).length).toBeGreaterThanOrEqual(10 * 3);
    const optimizer = adam(0.01);
    optimizer.applyGradients(grads);
    await expectNoLeak(() => {
      for (let s = 0; s < 5; s++) optimizer.applyGradients(grads);
    });
    optimizer.dispose();
    net.dispose();
    tf.dispose(Object.values(map));
  });

  it('is a tf.AdamOptimizer named Adam', () => {
    const optimizer = adam();
    expect(optimizer).toBeInstanceOf(tf.AdamOptimizer);
    expect(optimizer.getClassName()).toBe('Adam');
    expect(optimizer.getConfig()).toEqual({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
    optimizer.dispose();
  });
});

describe('adam', () => {
  it('runs the SIMD loop on the wasm backend in Node', async () => {
    await initBackend('wasm');
    const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } })
      .wasm.asm.memory;
    expect(adamSimd(memory)).toBeTypeOf('function');
  });

  it('imports a shared memory too (the threaded wasm build), with the same results', () => {
    const run = (memory: WebAssembly.Memory) => {
      const heap = new Float32Array(memory.buffer, 0, 4 * 11);
      heap.set(Array.from({ length: 4 * 11 }, (_, j) => Math.sin(j + 1)));
      // param, m, v, grad at 0, 44, 88, 132 bytes; updated in place, 11 elements (SIMD + tail).
      adamSimd(memory)!(
        0,
        44,
        88,
        132,
        0,
        44,
        88,
        11,
        0.9,
        0.1,
        0.999,
        0.001,
        0.5,
        0.25,
        1e-7,
        -0.01,
      );
      return Array.from(heap);
    };
    const plain = run(new WebAssembly.Memory({ initial: 1 }));
    const shared = run(new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }));
    expect(shared).toEqual(plain);
    expect(plain.slice(0, 11)).not.toEqual(
      Array.from({ length: 11 }, (_, j) => Math.fround(Math.sin(j + 1))),
    );
  });

  it('refuses bad hyper-parameters and unknown options with a typed error', () => {
    expect(() => adam(-1)).toThrow(InvalidArgumentError);
    expect(() => adam(Number.NaN)).toThrow(/adam: argument 'learningRate'.*NaN/);
    expect(() => adam(1e-3, { beta1: 1 })).toThrow(
      /adam: argument 'beta1' must be a number in \[0, 1\), got 1/,
    );
    expect(() => adam(1e-3, { beta2: -0.1 })).toThrow(/argument 'beta2'/);
    expect(() => adam(1e-3, { epsilon: 0 })).toThrow(/adam: argument 'epsilon'.*got 0/);
    expect(() => adam(1e-3, { beta: 0.5 } as never)).toThrow(/adam: unknown option 'beta'/);
  });
});
