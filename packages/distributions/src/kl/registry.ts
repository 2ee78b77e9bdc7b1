import type { Distribution } from '@gen/core';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * A distribution class as the registry sees it: anything with a `prototype` (abstract classes
 * and classes with protected constructors included).
 */
export interface DistributionClass<T extends Distribution = Distribution> {
  readonly prototype: T;
  readonly name: string;
}

/**
 * A closed form KL(p ‖ q) in nats for one pair of classes. It receives the two distributions and
 * returns a tensor of the broadcast batch shape (or one that broadcasts to it); `kl` calls it
 * inside `tf.tidy`, so intermediate tensors need no disposing.
 */
export type KlFunction<
  P extends Distribution = Distribution,
  Q extends Distribution = Distribution,
> = (p: P, q: Q) => tf.Tensor;

/** Registered pairs, keyed by the prototypes of P and of Q. */
const table = new Map<object, Map<object, KlFunction>>();
/** Resolved lookups by the prototypes of the two instances (null: nothing applies). */
const cache = new Map<object, Map<object, KlFunction | null>>();

/** Records `fn` for the pair (P, Q), replacing an earlier registration of the same pair. */
export function addKl(p: DistributionClass, q: DistributionClass, fn: KlFunction): void {
  let row = table.get(p.prototype);
  if (row === undefined) {
    row = new Map();
    table.set(p.prototype, row);
  }
  row.set(q.prototype, fn);
  cache.clear();
}

/** The prototype chain of an instance (or of a class's instances), most specific first. */
function chain(proto: object | null): object[] {
  const out: object[] = [];
  for (let o = proto; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    out.push(o);
  }
  return out;
}

/**
 * The registered function for the pair of prototypes `(pProto, qProto)`: among registered
 * pairs (P, Q) with P on p's prototype chain and Q on q's, the one whose P is closest to p's own
 * class, ties broken by the Q closest to q's class (torch's "left" lexicographic order; torch
 * warns where its right order disagrees, here the rule is simply documented). Null when none.
 */
export function lookupKl(pProto: object, qProto: object): KlFunction | null {
  const cachedRow = cache.get(pProto);
  const cached = cachedRow?.get(qProto);
  if (cached !== undefined) return cached;
  const qChain = chain(qProto);
  let found: KlFunction | null = null;
  for (const pClass of chain(pProto)) {
    const row = table.get(pClass);
    if (row === undefined) continue;
    for (const qClass of qChain) {
      const fn = row.get(qClass);
      if (fn !== undefined) {
        found = fn;
        break;
      }
    }
    if (found !== null) break;
  }
  let row = cachedRow;
  if (row === undefined) {
    row = new Map();
    cache.set(pProto, row);
  }
  row.set(qProto, found);
  return found;
}
