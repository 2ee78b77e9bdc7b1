/**
 * The Adam update as a tiny WebAssembly SIMD function that works directly on the memory of
 * tfjs's wasm backend (which keeps every tensor in its heap): four lanes at a time with
 * f32x4 ops, which round like tfjs's float32 kernels, so the result is bit for bit tfjs's.
 * The module is encoded here (a few hundred bytes) so no extra file ships.
 */

/** (param, m, v, grad, outParam, outM, outV byte offsets, length, then the eight constants). */
export type AdamSimd = (
  param: number,
  m: number,
  v: number,
  grad: number,
  outParam: number,
  outM: number,
  outV: number,
  length: number,
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  oneMinusAccBeta1: number,
  oneMinusAccBeta2: number,
  epsilon: number,
  negativeLearningRate: number,
) => void;

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
// Locals: 0–7 the i32 arguments, 8–15 the f32 constants, then the function's own.
const [P, M, V, G, OP, OM, OV, N] = [0, 1, 2, 3, 4, 5, 6, 7];
const C = 8;
const [IDX, END] = [16, 17];
const SPLAT = 18; // 18–25: the constants in all four lanes
const [GV, M1, V1] = [26, 27, 28];
const [GS, M1S, V1S] = [29, 30, 31];

const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const simd = (op: number) => [0xfd, ...uleb(op)];
const at = (base: number) => [...get(base), ...get(IDX), 0x6a]; // base + idx
const memarg = [0x02, 0x00]; // 4-byte alignment hint, offset 0

interface Ops {
  load: number[];
  store: number[];
  mul: number[];
  add: number[];
  div: number[];
  sqrt: number[];
  constant: (k: number) => number[];
  g: number;
  m1: number;
  v1: number;
  step: number;
}

const vector: Ops = {
  load: [...simd(0x00), ...memarg],
  store: [...simd(0x0b), ...memarg],
  mul: simd(0xe6),
  add: simd(0xe4),
  div: simd(0xe7),
  sqrt: simd(0xe3),
  constant: (k) => get(SPLAT + k),
  g: GV,
  m1: M1,
  v1: V1,
  step: 16,
};

const scalar: Ops = {
  load: [0x2a, ...memarg],
  store: [0x38, ...memarg],
  mul: [0x94],
  add: [0x92],
  div: [0x95],
  sqrt: [0x91],
  constant: (k) => get(C + k),
  g: GS,
  m1: M1S,
  v1: V1S,
  step: 4,
};

// The loop over [idx, end) bytes, in tfjs's order of operations:
// m₁ = m·β₁ + g·(1−β₁); v₁ = v·β₂ + (g·g)·(1−β₂); θ₁ = ((m₁/(1−β₁ᵗ)) / (√(v₁/(1−β₂ᵗ)) + ε))·(−lr) + θ.
function loop(o: Ops): number[] {
  const k = o.constant;
  return [
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...get(IDX),
    ...get(END),
    0x4f, // i32.ge_u
    ...[0x0d, 1], // br_if out of the block
    ...at(G),
    ...o.load,
    ...set(o.g),
    ...at(M),
    ...o.load,
    ...k(0),
    ...o.mul,
    ...get(o.g),
    ...k(1),
    ...o.mul,
    ...o.add,
    ...set(o.m1),
    ...at(V),
    ...o.load,
    ...k(2),
    ...o.mul,
    ...get(o.g),
    ...get(o.g),
    ...o.mul,
    ...k(3),
    ...o.mul,
    ...o.add,
    ...set(o.v1),
    ...at(OM),
    ...get(o.m1),
    ...o.store,
    ...at(OV),
    ...get(o.v1),
    ...o.store,
    ...at(OP),
    ...get(o.m1),
    ...k(4),
    ...o.div,
    ...get(o.v1),
    ...k(5),
    ...o.div,
    ...o.sqrt,
    ...k(6),
    ...o.add,
    ...o.div,
    ...k(7),
    ...o.mul,
    ...at(P),
    ...o.load,
    ...o.add,
    ...o.store,
    ...get(IDX),
    ...[0x41, o.step, 0x6a], // idx += step
    ...set(IDX),
    ...[0x0c, 0], // br to the loop head
    ...[0x0b, 0x0b], // end loop, end block
  ];
}

function encode(shared: boolean): Uint8Array<ArrayBuffer> {
  const splats = Array.from({ length: 8 }, (_, k) => [
    ...get(C + k),
    ...simd(0x13),
    ...set(SPLAT + k),
  ]);
  const body = [
    ...vec([
      [2, I32],
      [11, V128],
      [3, F32],
    ]),
    ...splats.flat(),
    ...[...get(N), 0x41, 0x7c, 0x71, 0x41, 2, 0x74], // (n & −4) << 2
    ...set(END),
    ...loop(vector),
    ...[...get(N), 0x41, 2, 0x74], // n << 2
    ...set(END),
    ...loop(scalar),
    0x0b,
  ];
  const type = [0x60, ...vec([...Array(8).fill([I32]), ...Array(8).fill([F32])]), 0x00];
  // A shared memory (tfjs's threaded build) can only be imported as shared, with a maximum.
  const limits = shared ? [0x03, 0x00, ...uleb(65536)] : [0x00, 0x00];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec([[0x00]])),
    ...section(7, vec([[...name('adam'), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

const cache = new WeakMap<WebAssembly.Memory, AdamSimd | null>();

/**
 * The SIMD update bound to `memory`, or null where this WebAssembly has no SIMD (it then takes
 * the JavaScript loop).
 */
export function adamSimd(memory: WebAssembly.Memory): AdamSimd | null {
  let fn = cache.get(memory);
  if (fn === undefined) {
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    try {
      const module = new WebAssembly.Module(encode(shared));
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      fn = instance.exports.adam as AdamSimd;
    } catch {
      fn = null;
    }
    cache.set(memory, fn);
  }
  return fn;
}
