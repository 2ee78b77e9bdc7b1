export { type CloseOptions, expectClose, expectNoLeak, numericalGradient } from './assertions.js';
export { type BackendInfo, describeBackends, testBackends, webgpuTestable } from './backends.js';
export { foreignRng } from './foreign-rng.js';
