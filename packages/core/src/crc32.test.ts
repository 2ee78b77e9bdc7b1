import { describe, expect, it } from 'vitest';
import cases from '../fixtures/crc32.json' with { type: 'json' };
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it.each(cases)("equals Python's zlib.crc32 on $name", ({ bytes, crc32: expected }) => {
    expect(crc32(Uint8Array.from(bytes))).toBe(expected);
  });

  it('continues over chunks as over the whole', () => {
    const all = Uint8Array.from(cases.at(-1)!.bytes);
    const split = crc32(all.subarray(300), crc32(all.subarray(0, 300)));
    expect(split).toBe(crc32(all));
  });

  it('changes when any single bit flips', () => {
    const bytes = Uint8Array.from(cases.at(-2)!.bytes);
    const base = crc32(bytes);
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        bytes[i]! ^= 1 << bit;
        expect(crc32(bytes)).not.toBe(base);
        bytes[i]! ^= 1 << bit;
      }
    }
  });
});
