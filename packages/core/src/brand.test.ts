import { describe, expect, it } from 'vitest';
import { brand, hasBrand } from './brand.js';

describe('brand and hasBrand', () => {
  class Thing {
    static {
      brand(Thing, '@gen/test/Thing');
    }
    readonly size = 1;
  }
  class Special extends Thing {}

  it('recognises instances and instances of subclasses', () => {
    expect(hasBrand(new Thing(), '@gen/test/Thing')).toBe(true);
    expect(hasBrand(new Special(), '@gen/test/Thing')).toBe(true);
  });

  it('recognises an object of another copy, which shares only the registry key', () => {
    class OtherCopyThing {}
    Object.defineProperty(OtherCopyThing.prototype, Symbol.for('@gen/test/Thing'), {
      value: true,
    });
    const foreign = new OtherCopyThing();
    expect(foreign).not.toBeInstanceOf(Thing);
    expect(hasBrand(foreign, '@gen/test/Thing')).toBe(true);
  });

  it('refuses look-alikes, other brands, a non-true marker and non-objects', () => {
    expect(hasBrand({ size: 1 }, '@gen/test/Thing')).toBe(false);
    expect(hasBrand(new Thing(), '@gen/test/Other')).toBe(false);
    expect(hasBrand({ [Symbol('@gen/test/Thing')]: true }, '@gen/test/Thing')).toBe(false);
    expect(hasBrand({ [Symbol.for('@gen/test/Thing')]: 'yes' }, '@gen/test/Thing')).toBe(false);
    for (const x of [null, undefined, 1, 'Thing', true]) {
      expect(hasBrand(x, '@gen/test/Thing')).toBe(false);
    }
  });

  it('stays out of JSON, spreads and key listings', () => {
    const thing = new Thing();
    expect(JSON.stringify(thing)).toBe('{"size":1}');
    expect(Object.getOwnPropertySymbols(thing)).toEqual([]);
    expect(hasBrand({ ...thing }, '@gen/test/Thing')).toBe(false);
  });
});
