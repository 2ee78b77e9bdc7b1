/**
 * The loaders that read files (Node only): MNIST, Fashion-MNIST, IDX and CSV files. Everything
 * browser-safe lives in `@gen/data`.
 *
 * @packageDocumentation
 * @module @gen/data/node
 */
export { loadCsv } from './node/load-csv-file.js';
export {
  FASHION_MNIST_DIR,
  type LoadMnistOptions,
  loadFashionMnist,
  loadMnist,
} from './node/load-mnist.js';
export { isGzip, readIdxFile } from './node/read-idx-file.js';
