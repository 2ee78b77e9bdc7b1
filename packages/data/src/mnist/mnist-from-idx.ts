import { invalidArgument } from '@gen/core';
import { type IdxArray, parseIdx } from '../idx/parse-idx.js';
import { assertOptions } from '../options.js';
import {
  buildImageData,
  checkImageOptions,
  type DynamicImageData,
  IMAGE_OPTIONS,
  type ImageData,
  type ImageDataOptions,
} from './image-data.js';

function asIdx(arg: string, value: unknown): IdxArray {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return parseIdx(value);
  const candidate = value as Partial<IdxArray> | null;
  if (candidate !== null && typeof candidate === 'object' && Array.isArray(candidate.shape)) {
    return candidate as IdxArray;
  }
  throw invalidArgument('mnistFromIdx', arg, value, 'must be IDX bytes or a parseIdx result');
}

/**
 * Builds an MNIST-style data set (MNIST, Fashion-MNIST, KMNIST…) from the uncompressed bytes
 * of an images IDX file (`[n, 28, 28]` uint8) and its labels IDX file (`[n]` uint8), e.g.
 * fetched in a browser: images become `[n, 784]` float32 in [0, 1] (byte/255), labels int32.
 * Binarisation as in `loadMnist` (`@gen/data/node`), which reads the files for you in Node.
 *
 * ```ts
 * const { images, labels } = await mnistFromIdx(imageBytes, labelBytes, { limit: 1000 });
 * ```
 */
export function mnistFromIdx(
  images: Uint8Array | ArrayBuffer | IdxArray,
  labels: Uint8Array | ArrayBuffer | IdxArray,
  options: ImageDataOptions & { binarize: 'dynamic' },
): Promise<DynamicImageData>;
export function mnistFromIdx(
  images: Uint8Array | ArrayBuffer | IdxArray,
  labels: Uint8Array | ArrayBuffer | IdxArray,
  options?: ImageDataOptions,
): Promise<ImageData>;
export async function mnistFromIdx(
  images: Uint8Array | ArrayBuffer | IdxArray,
  labels: Uint8Array | ArrayBuffer | IdxArray,
  options: ImageDataOptions = {},
): Promise<ImageData | DynamicImageData> {
  assertOptions('mnistFromIdx', options, IMAGE_OPTIONS);
  const checked = checkImageOptions('mnistFromIdx', options);
  return buildImageData('mnistFromIdx', asIdx('images', images), asIdx('labels', labels), checked, {
    images: "argument 'images'",
    labels: "argument 'labels'",
  });
}
