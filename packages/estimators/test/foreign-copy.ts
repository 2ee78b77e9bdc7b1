/**
 * `d` as a second installed copy of @gen/distributions would have made it: the same fields
 * (tensors shared, so dispose only `d`) on a prototype chain of fresh objects with the same
 * methods and, unless `brands` is false, the same `Symbol.for` brands, whose constructors have
 * the same names but are other functions. So `instanceof` and prototype identity fail and only
 * the brands are shared.
 */
export function foreignCopy<T extends object>(d: T, { brands = true } = {}): T {
  const chain: object[] = [];
  for (let o = Object.getPrototypeOf(d); o !== null && o !== Object.prototype; ) {
    chain.push(o);
    o = Object.getPrototypeOf(o);
  }
  let parent: object = Object.prototype;
  for (const original of chain.reverse()) {
    const descriptors: PropertyDescriptorMap = Object.getOwnPropertyDescriptors(original);
    if (!brands) {
      for (const key of Object.getOwnPropertySymbols(descriptors)) delete descriptors[key];
    }
    const name = (original as { constructor: { name: string } }).constructor.name;
    parent = Object.create(parent, descriptors);
    const ctor = { [name]: () => undefined }[name]!;
    Object.defineProperty(ctor, 'prototype', { value: parent });
    Object.defineProperty(parent, 'constructor', {
      value: ctor,
      writable: true,
      configurable: true,
    });
  }
  return Object.create(parent, Object.getOwnPropertyDescriptors(d)) as T;
}
