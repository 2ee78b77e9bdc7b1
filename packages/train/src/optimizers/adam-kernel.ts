import * as tf from '@tensorflow/tfjs-core';
import { adamSimd } from './adam-simd.js';

/** Name of the kernel that does one whole Adam step for a group of variables. */
export const ADAM_KERNEL = 'GenAdamUpdate';

/**
 * Attributes of {@link ADAM_KERNEL}. Its inputs are `param<i>`, `m<i>`, `v<i>`, `grad<i>` for
 * i < `count` (the variable, its two moment slots and its gradient, all float32 of one shape) and
 * the running products `accBeta1`, `accBeta2` (float32 scalars).
 */
export interface AdamKernelAttrs {
  count: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /**
   * Names of the inputs (params, slots, `accBeta1`/`accBeta2`) whose new values go into fresh
   * outputs, returned in this order, instead of over their own buffers (which stay untouched).
   */
  fresh: string[];
}

/** The slice of a cpu or wasm backend the kernel needs, read by duck typing. */
interface HostBackend {
  /** wasm: a live view of the tensor in the module's heap. */
  typedArrayFromHeap?: (info: tf.TensorInfo) => Float32Array;
  makeOutput?: (shape: number[], dtype: 'float32') => tf.TensorInfo;
  /** wasm: the Emscripten module; the threaded build keeps its (shared) memory in `wasmMemory`. */
  wasm?: { wasmMemory?: unknown; asm?: { memory?: unknown } };
  /** cpu: the tensor's values array. */
  data?: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo?: (shape: number[], dtype: 'float32', values: Float32Array) => tf.TensorInfo;
}

function view(backend: HostBackend, info: tf.TensorInfo): Float32Array {
  if (backend.typedArrayFromHeap !== undefined) return backend.typedArrayFromHeap(info);
  const values = backend.data?.get(info.dataId).values;
  if (!(values instanceof Float32Array)) {
    throw new Error(`${ADAM_KERNEL}: expected float32 values on the ${tf.getBackend()} backend`);
  }
  return values;
}

function allocate(backend: HostBackend, info: tf.TensorInfo): tf.TensorInfo {
  const shape = [...info.shape];
  // cpu has a makeOutput too, with another signature: only wasm has the heap view.
  if (backend.typedArrayFromHeap !== undefined && backend.makeOutput !== undefined) {
    return backend.makeOutput(shape, 'float32');
  }
  if (backend.makeTensorInfo !== undefined) {
    return backend.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape)));
  }
  throw new Error(`${ADAM_KERNEL}: backend ${tf.getBackend()} cannot allocate an output`);
}

const f = Math.fround;

/** β₁, 1−β₁, β₂, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr, each rounded to float32 as tfjs's scalars are. */
type Constants = [number, number, number, number, number, number, number, number];

// Every intermediate is rounded to float32 exactly where tfjs's Adam ends one of its kernels
// (mul, add, square, div, sqrt each write a float32 tensor), so the result is bit for bit what
// the ten kernels compute: float32 +, −, ×, ÷ and √ are correctly rounded, and doing them in
// double then rounding once gives the same float32 (double has more than 2·24 + 2 bits).
function adamLoop(
  param: Float32Array,
  m: Float32Array,
  v: Float32Array,
  grad: Float32Array,
  out: { param: Float32Array; m: Float32Array; v: Float32Array },
  [b1, omb1, b2, omb2, oma1, oma2, eps, negLr]: Constants,
): void {
  const op = out.param;
  const om = out.m;
  const ov = out.v;
  for (let j = 0; j < param.length; j++) {
    const g = grad[j]!;
    const m1 = f(f(m[j]! * b1) + f(g * omb1));
    const v1 = f(f(v[j]! * b2) + f(f(g * g) * omb2));
    om[j] = m1;
    ov[j] = v1;
    const denominator = f(f(Math.sqrt(f(v1 / oma2))) + eps);
    op[j] = f(f(f(m1 / oma1) / denominator) * negLr) + param[j]!;
  }
}

function adamKernel({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo[] {
  const { count, learningRate, beta1, beta2, epsilon, fresh } = attrs as unknown as AdamKernelAttrs;
  const host = backend as unknown as HostBackend;
  const input = (name: string) => inputs[name] as tf.TensorInfo;
  // Allocate every fresh output before taking any heap view: a wasm allocation can grow the heap
  // and detach the views taken before it.
  const outputs = fresh.map((name) => allocate(host, input(name)));
  const target = (name: string) => {
    const k = fresh.indexOf(name);
    return k < 0 ? view(host, input(name)) : view(host, outputs[k]!);
  };
  const acc1 = view(host, input('accBeta1'));
  const acc2 = view(host, input('accBeta2'));
  const b1 = f(beta1);
  const b2 = f(beta2);
  const constants: Constants = [
    b1,
    f(1 - beta1),
    b2,
    f(1 - beta2),
    f(1 - acc1[0]!),
    f(1 - acc2[0]!),
    f(epsilon),
    f(-learningRate),
  ];
  const memory = host.wasm?.wasmMemory ?? host.wasm?.asm?.memory;
  const simd = memory instanceof WebAssembly.Memory ? adamSimd(memory) : null;
  for (let i = 0; i < count; i++) {
    const out = { param: target(`param${i}`), m: target(`m${i}`), v: target(`v${i}`) };
    const param = view(host, input(`param${i}`));
    const m = view(host, input(`m${i}`));
    const v = view(host, input(`v${i}`));
    const grad = view(host, input(`grad${i}`));
    if (simd === null) adamLoop(param, m, v, grad, out, constants);
    else {
      const [p0, m0, v0, g0, op, om, ov] = [param, m, v, grad, out.param, out.m, out.v].map(
        (a) => a.byteOffset,
      );
      simd(p0!, m0!, v0!, g0!, op!, om!, ov!, param.length, ...constants);
    }
  }
  const nextAcc1 = f(acc1[0]! * b1);
  const nextAcc2 = f(acc2[0]! * b2);
  target('accBeta1')[0] = nextAcc1;
  target('accBeta2')[0] = nextAcc2;
  return outputs;
}

/**
 * Registers {@link ADAM_KERNEL} for the cpu and wasm backends, once. Both keep a tensor in memory
 * that JavaScript (and, on wasm, a WebAssembly function) can address, so one loop per variable
 * updates the parameter and its two moments.
 */
export function registerAdamKernel(): void {
  for (const backendName of ['cpu', 'wasm']) {
    if (tf.getKernel(ADAM_KERNEL, backendName) === undefined) {
      tf.registerKernel({
        kernelName: ADAM_KERNEL,
        backendName,
        kernelFunc: adamKernel as unknown as tf.KernelFunc,
      });
    }
  }
}
