import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';
import { FormatError } from './errors.js';
import { readFrame, verifyChecksum, writeFrame } from './frame.js';

const MAGIC = [0x54, 0x45, 0x53, 0x54]; // "TEST"
const data = Uint8Array.from({ length: 40 }, (_, i) => (i * 37) % 256);
const json = { crc32: crc32(data), note: 'ünïcode' };

function read(bytes: Uint8Array) {
  const frame = readFrame('read', 'test container', MAGIC, bytes);
  verifyChecksum('read', frame.data, (frame.json as { crc32: number }).crc32);
  return frame;
}

describe('binary frames', () => {
  it('round-trip the JSON and the data (layout version 2)', () => {
    const frame = read(writeFrame(MAGIC, json, data));
    expect(frame.version).toBe(2);
    expect(frame.json).toEqual(json);
    expect(Array.from(frame.data)).toEqual(Array.from(data));
  });

  it('detect every single flipped byte and every truncation with a FormatError', () => {
    const bytes = writeFrame(MAGIC, json, data);
    for (let i = 0; i < bytes.length; i++) {
      const flipped = bytes.slice();
      flipped[i]! ^= 0x01;
      expect(() => read(flipped), `byte ${i}`).toThrow(FormatError);
    }
    for (let n = 0; n < bytes.length; n++) {
      expect(() => read(bytes.subarray(0, n)), `length ${n}`).toThrow(FormatError);
    }
  });

  it('still read the unchecked version-1 layout', () => {
    const text = new TextEncoder().encode(JSON.stringify({ a: 1 }));
    const v1 = new Uint8Array(8 + text.length + 3);
    v1.set(MAGIC);
    new DataView(v1.buffer).setUint32(4, text.length, true);
    v1.set(text, 8);
    const frame = readFrame('read', 'test container', MAGIC, v1);
    expect(frame).toMatchObject({ version: 1, json: { a: 1 } });
    expect(frame.data.length).toBe(3);
  });

  it('name the function and the container in errors', () => {
    expect(() => readFrame('loadThing', 'test container', MAGIC, new Uint8Array(30))).toThrow(
      "loadThing: not a test container (no 'TEST' header)",
    );
    expect(() => verifyChecksum('loadThing', data, undefined)).toThrow(
      'loadThing: the data checksum is missing',
    );
  });
});
