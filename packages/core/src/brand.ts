/**
 * Brands: how @gen recognises its own classes across package boundaries. `instanceof` fails as
 * soon as a user ends up with two installed copies of a package (two versions side by side, a
 * bundle and a `node_modules` copy), because each copy has its own class object. A brand is a
 * property keyed by a registry symbol (`Symbol.for`), which every copy and every realm resolves
 * to the same symbol, so an object made by one copy is recognised by another.
 *
 * ```ts
 * class Thing { static { brand(Thing, '@my/pkg/Thing'); } }
 * hasBrand(new Thing(), '@my/pkg/Thing'); // true, whichever copy made it
 * ```
 */

/**
 * Marks every instance of `Class` and of its subclasses with the brand `key` (a
 * non-enumerable property of the prototype, so instances stay plain to `JSON`, spreads and
 * equality checks). Use a key that names the package and the class: `'@gen/nn/Module'`.
 */
export function brand(Class: { readonly prototype: object }, key: string): void {
  Object.defineProperty(Class.prototype, Symbol.for(key), { value: true });
}

/** Whether `x` carries the brand `key` set by {@link brand} (in any copy of the package). */
export function hasBrand(x: unknown, key: string): boolean {
  if ((typeof x !== 'object' && typeof x !== 'function') || x === null) return false;
  return (x as Record<symbol, unknown>)[Symbol.for(key)] === true;
}

/**
 * The keys a class registry should know the class whose prototype is `proto` by: first the
 * brands {@link brand} set on exactly this prototype, then the prototype itself. A brand is the
 * same symbol in every installed copy of a package, so an instance made by a second copy finds
 * what was registered for this copy's class; a class without a brand (a user's subclass) is
 * known by its prototype alone. Walk the prototype chain and take the first key registered to
 * keep "the nearest registered class wins".
 */
export function classKeys(proto: object): (object | symbol)[] {
  const brands = Object.getOwnPropertySymbols(proto).filter(
    (s) =>
      Symbol.keyFor(s) !== undefined && Object.getOwnPropertyDescriptor(proto, s)?.value === true,
  );
  return [...brands, proto];
}
