import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { expectClose, expectNoLeak, numericalGradient } from './testing/assertions.js';

// tfjs-backend-cpu's Conv2DBackpropFilter and Conv2DBackpropInput are the oracles for @gen's
// wasm kernels (im2col + XNNPACK matmul); inputs are plain arrays so both backends see the same.

// Explicit padding rather than a number: tfjs 4.22 sizes a numerically padded output from the
// filter's height and the stride's first entry alone, so a non-square case there is wrong on
// every backend (and wasm's Conv2D then writes past its output).
type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

/** Deterministic uniform(−1, 1) floats (mulberry32), independent of any backend. */
function uniforms(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Random geometries: kernels up to 5, strides up to 3 (unequal too), every padding kind. */
function randomCases(count: number, seed: number): Case[] {
  const r = uniforms(count * 12, seed).map((u) => (u + 1) / 2);
  const pick = (i: number, lo: number, hi: number) => lo + Math.floor(r[i]! * (hi - lo + 1));
  const cases: Case[] = [];
  for (let c = 0; c < count; c++) {
    const at = c * 12;
    const kh = pick(at, 1, 5);
    const kw = pick(at + 1, 1, 5);
    const explicit: Pad = [
      [0, 0],
      [pick(at + 9, 0, kh - 1), pick(at + 10, 0, kh - 1)],
      [pick(at + 11, 0, kw - 1), pick(at + 9, 0, kw - 1)],
      [0, 0],
    ];
    const pad: Pad = (['same', 'valid', explicit] as const)[c % 3]!;
    const h = pick(at + 2, kh, 11);
    const w = pick(at + 3, kw, 11);
    cases.push({
      x: [pick(at + 4, 1, 3), h, w, pick(at + 5, 1, 4)],
      filter: [kh, kw, 0, pick(at + 6, 1, 4)],
      strides: [pick(at + 7, 1, 3), pick(at + 8, 1, 3)],
      pad,
    });
    cases[c]!.filter[2] = cases[c]!.x[3];
  }
  return cases;
}

const fixed: Case[] = [
  { x: [2, 28, 28, 1], filter: [4, 4, 1, 8], strides: [2, 2], pad: 'same' },
  { x: [2, 14, 14, 8], filter: [4, 4, 8, 6], strides: [2, 2], pad: 'same' },
  { x: [1, 9, 9, 5], filter: [5, 5, 5, 3], strides: [1, 1], pad: 'same' },
  { x: [3, 7, 6, 2], filter: [3, 2, 2, 3], strides: [3, 2], pad: 'valid' },
  { x: [1, 1, 1, 2], filter: [1, 1, 2, 2], strides: [1, 1], pad: 'valid' },
  // Stride 1 with an even kernel: the input gradient as a convolution, padded unevenly.
  { x: [2, 6, 7, 3], filter: [4, 2, 3, 2], strides: [1, 1], pad: 'same' },
  // Padding wider than the kernel: no convolution form, the matmul + col2im path.
  {
    x: [1, 5, 5, 2],
    filter: [2, 2, 2, 3],
    strides: [1, 1],
    pad: [
      [0, 0],
      [2, 0],
      [0, 3],
      [0, 0],
    ],
  },
];
const cases = [...fixed, ...randomCases(24, 7)];

function outShape(c: Case): [number, number, number, number] {
  const y = tf.conv2d(
    tf.zeros(c.x) as tf.Tensor4D,
    tf.zeros(c.filter) as tf.Tensor4D,
    c.strides,
    c.pad,
  );
  const shape = y.shape;
  y.dispose();
  return shape;
}

/** The kernel itself: tfjs-core exports no conv2DBackpropFilter op. */
function backpropFilter(
  x: tf.Tensor,
  dy: tf.Tensor,
  filterShape: number[],
  strides: [number, number] | number,
  pad: Pad | number,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
): tf.Tensor {
  return tf
    .engine()
    .runKernel(
      tf.Conv2DBackpropFilter,
      { x, dy },
      { strides, pad, dataFormat, filterShape },
    ) as tf.Tensor;
}

function gradients(c: Case, seed: number) {
  const dyShape = outShape(c);
  const x = tf.tensor4d(uniforms(tf.util.sizeFromShape(c.x), seed), c.x);
  const w = tf.tensor4d(uniforms(tf.util.sizeFromShape(c.filter), seed + 1), c.filter);
  const dy = tf.tensor4d(uniforms(tf.util.sizeFromShape(dyShape), seed + 2), dyShape);
  const dw = backpropFilter(x, dy, c.filter, c.strides, c.pad);
  const dx = tf.conv2dTranspose(dy, w, c.x, c.strides, c.pad);
  const out = { dw: Array.from(dw.dataSync()), dx: Array.from(dx.dataSync()) };
  tf.dispose([x, w, dy, dw, dx]);
  return out;
}

async function on<T>(backend: string, fn: () => T): Promise<T> {
  await tf.setBackend(backend);
  try {
    return fn();
  } finally {
    await tf.setBackend('wasm');
  }
}

const name = (c: Case) =>
  `x ${c.x.join('×')}, W ${c.filter.join('×')}, strides ${c.strides.join(',')}, pad ${JSON.stringify(c.pad)}`;

describe('wasm convolution gradient kernels', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    await initBackend('wasm');
  });

  it('replace tfjs-backend-wasm’s Conv2DBackpropInput and add a Conv2DBackpropFilter', async () => {
    const filter = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm');
    const input = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
    expect(filter).toBeDefined();
    // initBackend twice (and the backend's import in between) keeps @gen's kernel in place.
    await initBackend('wasm');
    expect(tf.getKernel(tf.Conv2DBackpropInput, 'wasm')).toBe(input);
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBe(filter);
  });

  for (const [i, c] of cases.entries()) {
    it(`equal tfjs-backend-cpu's kernels for ${name(c)}`, async () => {
      const expected = await on('cpu', () => gradients(c, 100 + i));
      // Twice with fresh data: the matmul must not reuse weights packed for an earlier call.
      for (const seed of [100 + i, 200 + i]) {
        const reference = seed === 100 + i ? expected : await on('cpu', () => gradients(c, seed));
        const actual = gradients(c, seed);
        expectClose(actual.dw, reference.dw, { atol: 1e-5, rtol: 1e-4, message: 'filter' });
        expectClose(actual.dx, reference.dx, { atol: 1e-5, rtol: 1e-4, message: 'input' });
      }
    });
  }

  it('give finite-difference gradients of a convolution in the filter and the input', () => {
    const c: Case = { x: [2, 6, 5, 2], filter: [3, 3, 2, 2], strides: [2, 1], pad: 'same' };
    const x = tf.tensor4d(uniforms(120, 1), c.x);
    const w = tf.tensor4d(uniforms(36, 2), c.filter);
    const dy = tf.tensor4d(uniforms(tf.util.sizeFromShape(outShape(c)), 3), outShape(c));
    const loss = (a: tf.Tensor, k: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, c.strides, c.pad), dy));
    const [gx, gw] = tf.grads(loss)([x, w]);
    expectClose(
      gw!,
      numericalGradient((k) => loss(x, k) as tf.Scalar, w, 1e-2),
      {
        atol: 2e-3,
        rtol: 2e-3,
      },
    );
    expectClose(
      gx!,
      numericalGradient((a) => loss(a, w) as tf.Scalar, x, 1e-2),
      {
        atol: 2e-3,
        rtol: 2e-3,
      },
    );
    tf.dispose([x, w, dy, gx!, gw!]);
  });

  it('make second derivatives through a convolution (a gradient penalty) work as on cpu', async () => {
    const c: Case = { x: [2, 8, 8, 2], filter: [4, 4, 2, 3], strides: [2, 2], pad: 'same' };
    const penaltyGrad = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(uniforms(256, 4), c.x);
        const w = tf.tensor4d(uniforms(96, 5), c.filter);
        const penalty = (k: tf.Tensor) => {
          const dx = tf.grad((a: tf.Tensor) =>
            tf.sum(tf.tanh(tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, c.strides, c.pad))),
          )(x);
          return tf.sum(tf.square(dx)) as tf.Scalar;
        };
        return Array.from(tf.grad(penalty)(w).dataSync());
      });
    const expected = await on('cpu', penaltyGrad);
    expectClose(penaltyGrad(), expected, { atol: 1e-5, rtol: 1e-4 });
  });

  it("refuse NCHW filter gradients, naming dataFormat, and keep tfjs's NCHW input gradient", async () => {
    const x = tf.zeros([1, 2, 4, 4]) as tf.Tensor4D;
    const dy = tf.ones([1, 3, 4, 4]) as tf.Tensor4D;
    expect(() => backpropFilter(x, dy, [3, 3, 2, 3], 1, 'same', 'NCHW')).toThrow(
      "conv2DBackpropFilter: argument 'dataFormat' must be 'NHWC' on the wasm backend (as for its Conv2D), got 'NCHW'",
    );
    const w = tf.tensor4d(uniforms(54, 6), [3, 3, 2, 3]);
    const nchw = () =>
      tf.tidy(() =>
        Array.from(
          (
            tf
              .engine()
              .runKernel(
                tf.Conv2DBackpropInput,
                { dy, filter: w },
                { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [1, 2, 4, 4] },
              ) as tf.Tensor
          ).dataSync(),
        ),
      );
    const expected = await on('cpu', nchw);
    expectClose(nchw(), expected, { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([x, dy, w]);
  });

  it('leak neither tensors nor wasm buffers', async () => {
    const c = fixed[1]!;
    const x = tf.tensor4d(uniforms(tf.util.sizeFromShape(c.x), 8), c.x);
    const w = tf.tensor4d(uniforms(tf.util.sizeFromShape(c.filter), 9), c.filter);
    const step = () =>
      tf.tidy(() =>
        tf.grads((a: tf.Tensor, k: tf.Tensor) =>
          tf.sum(tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, c.strides, c.pad)),
        )([x, w]),
      );
    tf.dispose(step());
    const buffers = tf.engine().backend.numDataIds();
    await expectNoLeak(step);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    tf.dispose([x, w]);
  });
});
