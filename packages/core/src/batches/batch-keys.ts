import { Rng, threefry2x32 } from '../rng.js';

// Internal: the random streams of a batch iterator, each a pure function of a root key and a
// position, so an iterator rebuilt at any (epoch, index) draws exactly what the original drew.

export type Key = readonly [number, number];

function child(key: Key, a: number, b: number): Rng {
  return Rng.fromState({ version: 1, key: threefry2x32(key, [a >>> 0, b >>> 0]), counter: 0 });
}

function epochKey(root: Key, epoch: number): Key {
  return threefry2x32(root, [(epoch % 4294967296) >>> 0, Math.floor(epoch / 4294967296) >>> 0]);
}

/** The generator of epoch `epoch`'s shuffle. */
export function shuffleRng(root: Key, epoch: number): Rng {
  return child(epochKey(root, epoch), 0, 0);
}

/** The generator handed to `map` for batch `index` of epoch `epoch`. */
export function batchRng(root: Key, epoch: number, index: number): Rng {
  return child(epochKey(root, epoch), index, 1);
}
