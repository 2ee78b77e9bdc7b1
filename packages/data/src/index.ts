/**
 * Data sets and batching, browser-safe: seeded toy 1-D/2-D generators, IDX parsing, CSV text,
 * binarisation and seeded batches. File loaders (MNIST, Fashion-MNIST, CSV files) are in
 * `@gen/data/node`.
 *
 * @packageDocumentation
 * @module @gen/data
 */
export {
  BatchIterator,
  type BatchOptions,
  type BatchPosition,
  batches,
} from './batches/batches.js';
export { bernoulliBinarize, STATIC_BINARIZATION_SEED } from './binarize.js';
export { type CsvData, type CsvOptions, loadCsv } from './csv/load-csv.js';
export { type IdxArray, type IdxDtype, parseIdx } from './idx/parse-idx.js';
export type {
  Binarize,
  DynamicImageData,
  ImageData,
  ImageDataOptions,
} from './mnist/image-data.js';
export { mnistFromIdx } from './mnist/mnist-from-idx.js';
export { type Split, type SplitOptions, trainValidationSplit } from './split.js';
export {
  makeToy,
  TOY_NAMES,
  type ToyBaseOptions,
  type ToyName,
  type ToyOptionsByName,
} from './toy/make-toy.js';
export { type GaussianMixtureSpec, mixtureLogProb } from './toy/mixture-log-prob.js';
export type { ToyData } from './toy/toy-data.js';
