import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The newest checkpoint file of a run directory. */
export function latestCheckpoint(run: string): string {
  const names = readdirSync(join(run, 'checkpoints'))
    .filter((n) => n.endsWith('.genc'))
    .sort();
  const last = names.at(-1);
  if (last === undefined) throw new Error(`no checkpoint in ${run}`);
  return join(run, 'checkpoints', last);
}

function tensorDataStart(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const marker = view.getUint32(4, true);
  return marker === 0 ? 20 + view.getUint32(12, true) : 8 + marker;
}

/**
 * Overwrites the first `count` float32 values of a checkpoint's tensor data, which belong to the
 * model's first weight (model weights come first), with NaN.
 */
export function writeNanWeights(file: string, count: number): void {
  const bytes = new Uint8Array(readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = tensorDataStart(bytes);
  for (let i = 0; i < count; i++) view.setFloat32(start + 4 * i, Number.NaN, true);
  writeFileSync(file, bytes);
}

/**
 * Inverts `count` bytes in the middle of a checkpoint's tensor data, which follows the JSON
 * header: `GENC` · uint32 n · n bytes of JSON in layout 1; `GENC` · uint32 0 · uint32 layout ·
 * uint32 n · uint32 header CRC · n bytes of JSON in layout 2.
 */
export function flipTensorBytes(file: string, count: number): void {
  const bytes = new Uint8Array(readFileSync(file));
  const dataStart = tensorDataStart(bytes);
  const middle = dataStart + Math.floor((bytes.byteLength - dataStart) / 2);
  if (middle + count > bytes.byteLength) throw new Error(`${file} has too little tensor data`);
  for (let i = middle; i < middle + count; i++) bytes[i] = bytes[i]! ^ 0xff;
  writeFileSync(file, bytes);
}
