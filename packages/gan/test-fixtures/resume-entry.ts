// What resume-child.mjs needs, bundled from the current sources by resume-process.test.ts
// (@gen/* resolved to their src through tsconfig.bundle.json; only @tensorflow/* stays external).
export { initBackend } from '@gen/core';
export { fitAdversarial } from '@gen/train';
export { scenarios, weightValues } from '../test/resume-scenarios.js';
