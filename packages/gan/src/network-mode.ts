import type { Network } from '@gen/core';
import { isModule } from '@gen/nn';

/**
 * `f()` with `network` in training (`true`) or inference mode when it is a @gen/nn `Module`
 * (batch normalisation differs between them), its own mode restored afterwards; other networks
 * have no mode and run as they are.
 */
export function inMode<T>(network: Network, training: boolean, f: () => T): T {
  if (!isModule(network) || network.training === training) return f();
  network.setTraining(training);
  try {
    return f();
  } finally {
    network.setTraining(!training);
  }
}
