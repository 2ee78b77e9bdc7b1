import type { NamedTensors } from '@gen/core';

// Before @gen/nn's MadeNetwork, Made kept its layers flat: `made/network/kernel0`, `…/bias0`.
const LEGACY = /^(.*\/network)\/(kernel|bias)(\d+)$/;

/**
 * `weights` with names written by earlier versions of Made (`<made>/network/kernel<l>`,
 * `…/bias<l>`) renamed to the current ones (`<made>/network/masked<l>/kernel`, `…/bias`), so
 * that saved runs still load. Other names pass through unchanged.
 */
export function renameLegacyWeights(weights: NamedTensors): NamedTensors {
  if (weights === null || typeof weights !== 'object') return weights;
  return Object.fromEntries(
    Object.entries(weights).map(([name, tensor]) => {
      const match = LEGACY.exec(name);
      return [match ? `${match[1]}/masked${match[3]}/${match[2]}` : name, tensor];
    }),
  );
}
