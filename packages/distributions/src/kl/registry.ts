import { classKeys, type Distribution } from '@gen/core';
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

/**
 * A class as the registry knows it: its brand where it has one (see {@link classKeys}), else its
 * prototype.
 */
type ClassKey = object | symbol;

/** Registered pairs, keyed by the classes of P and of Q. */
const table = new Map<ClassKey, Map<ClassKey, KlFunction>>();
/** Resolved lookups by the prototypes of the two instances (null: nothing applies). */
const cache = new Map<object, Map<object, KlFunction | null>>();

/** Records `fn` for the pair (P, Q), replacing an earlier registration of the same pair. */
export function addKl(p: DistributionClass, q: DistributionClass, fn: KlFunction): void {
  const pKey = classKeys(p.prototype)[0]!;
  let row = table.get(pKey);
  if (row === undefined) {
    row = new Map();
    table.set(pKey, row);
  }
  row.set(classKeys(q.prototype)[0]!, fn);
  cache.clear();
}

/** The keys of each class on the prototype chain from `proto`, most specific class first. */
function chain(proto: object | null): ClassKey[][] {
  const out: ClassKey[][] = [];
  for (let o = proto; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    out.push(classKeys(o));
  }
  return out;
}

/** The entry of `map` under the first of `keys` that has one. */
function first<V>(map: Map<ClassKey, V>, keys: ClassKey[]): V | undefined {
  for (const key of keys) {
    const value = map.get(key);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * The registered function for the pair of prototypes `(pProto, qProto)`: among registered
 * pairs (P, Q) with P on p's prototype chain and Q on q's (a class matching by its brand or by
 * its prototype, see {@link classKeys}), the one whose P is closest to p's own class, ties
 * broken by the Q closest to q's class (torch's "left" lexicographic order; torch warns where its
 * right order disagrees, here the rule is simply documented). Null when none.
 */
export function lookupKl(pProto: object, qProto: object): KlFunction | null {
  const cachedRow = cache.get(pProto);
  const cached = cachedRow?.get(qProto);
  if (cached !== undefined) return cached;
  const qChain = chain(qProto);
  let found: KlFunction | null = null;
  for (const pKeys of chain(pProto)) {
    const row = first(table, pKeys);
    if (row === undefined) continue;
    for (const qKeys of qChain) {
      const fn = first(row, qKeys);
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
