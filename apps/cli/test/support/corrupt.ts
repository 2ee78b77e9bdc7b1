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

/**
 * Inverts `count` bytes in the middle of a checkpoint's tensor data. The data follows the JSON
 * header (`GENC` · uint32 length · header); the middle of what follows it is weight or optimiser
 * data whatever trailer a format version adds.
 */
export function flipTensorBytes(file: string, count: number): void {
  const bytes = new Uint8Array(readFileSync(file));
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  const dataStart = 8 + headerLength;
  const middle = dataStart + Math.floor((bytes.byteLength - dataStart) / 2);
  if (middle + count > bytes.byteLength) throw new Error(`${file} has too little tensor data`);
  for (let i = middle; i < middle + count; i++) bytes[i] = bytes[i]! ^ 0xff;
  writeFileSync(file, bytes);
}
