// `@gen/data/node`: the loaders that read files. Everything browser-safe lives in `@gen/data`.
export { loadCsv } from './node/load-csv-file.js';
export {
  FASHION_MNIST_DIR,
  type LoadMnistOptions,
  loadFashionMnist,
  loadMnist,
} from './node/load-mnist.js';
export { isGzip, readIdxFile } from './node/read-idx-file.js';
