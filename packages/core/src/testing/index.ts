/**
 * Test helpers for code built on `@gen`: run a suite on every available backend, assert that a
 * block leaks no tensors, compare tensors within a tolerance, and check gradients numerically.
 *
 * @packageDocumentation
 * @module @gen/core/testing
 */
export { type CloseOptions, expectClose, expectNoLeak, numericalGradient } from './assertions.js';
export { type BackendInfo, describeBackends, testBackends, webgpuTestable } from './backends.js';
export { foreignCopy, foreignPrototype } from './foreign-copy.js';
export { foreignRng } from './foreign-rng.js';
export { type PlainNetworkOptions, plainNetwork } from './plain-network.js';
