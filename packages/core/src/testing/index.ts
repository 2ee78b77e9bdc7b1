export { type CloseOptions, expectClose, expectNoLeak, numericalGradient } from './assertions.js';
export { type BackendInfo, describeBackends, testBackends, webgpuTestable } from './backends.js';
export { foreignRng } from './foreign-rng.js';
export { type PlainNetworkOptions, plainNetwork } from './plain-network.js';
