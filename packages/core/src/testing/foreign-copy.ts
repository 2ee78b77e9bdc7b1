/**
 * A copy of the prototype chain from `proto` as a second installed copy of its package would
 * have it: fresh prototype objects with the same methods and (unless `brands` is false)
 * the same `Symbol.for` brands, and constructors of the same names that are other functions
 * (whose `prototype` is the copy), so `instanceof` and prototype identity fail and only the
 * brands are shared.
 */
export function foreignPrototype(proto: object, { brands = true } = {}): object {
  const chain: object[] = [];
  for (let o = proto; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    chain.push(o);
  }
  let parent: object = Object.prototype;
  for (const original of chain.reverse()) {
    const descriptors: PropertyDescriptorMap = Object.getOwnPropertyDescriptors(original);
    if (!brands) {
      for (const key of Object.getOwnPropertySymbols(descriptors)) delete descriptors[key];
    }
    const name = (original as { constructor: { name: string } }).constructor.name;
    const ctor = { [name]: () => undefined }[name]!;
    parent = Object.create(parent, descriptors);
    Object.defineProperty(parent, 'constructor', {
      value: ctor,
      writable: true,
      configurable: true,
    });
    // Like a class of the copy: registrable, e.g. `registerKl(copy.constructor, …)`.
    Object.defineProperty(ctor, 'prototype', { value: parent });
  }
  return parent;
}

/**
 * `d` as the other copy would have made it: the same fields (tensors shared, so dispose only
 * `d`) on a {@link foreignPrototype} chain.
 */
export function foreignCopy<T extends object>(d: T, options: { brands?: boolean } = {}): T {
  const proto = foreignPrototype(Object.getPrototypeOf(d) as object, options);
  return Object.create(proto, Object.getOwnPropertyDescriptors(d)) as T;
}
