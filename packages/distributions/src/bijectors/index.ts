// Barrel of the bijectors.
export { Affine, type AffineParams } from './affine.js';
export { BaseBijector, type BijectorOptions } from './bijector.js';
export { Chain } from './chain.js';
export { Exp } from './exp.js';
export { Invert } from './invert.js';
export { Permute } from './permute.js';
export { Scale } from './scale.js';
export { Shift } from './shift.js';
export { Sigmoid } from './sigmoid.js';
export { Softplus } from './softplus.js';
export { Tanh } from './tanh.js';
