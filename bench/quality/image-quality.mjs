// An offline sample-quality metric for MNIST-like images: the bench's pretrained classifier
// (pretrained/mnist-classifier/) scores generated digits by
//   - frechet: the Fréchet distance (FID's formula, @gen/divergences' frechetDistance) between
//     the classifier's 128-unit features of the images and of the first N real test images;
//   - confident: the share of images whose top class probability exceeds 0.9;
//   - classShares: the share of images predicted as each digit 0–9;
//   - meanMaxProbability: the mean top class probability;
//   - with `labels` (the class each image was drawn for, class-conditional models): classAccuracy,
//     the share of images the classifier puts in their own class, and perClassAccuracy.
// referenceQuality() gives the same numbers for real data (training images against test images),
// the yardstick every model's numbers stand beside.
import { InvalidArgumentError, invalidArgument } from '@gen/core';
import { loadMnist } from '@gen/data/node';
import { frechetDistance } from '@gen/divergences';
import { loadModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { MnistClassifier } from './classifier.mjs';

export const CLASSIFIER_PATH = new URL(
  '../../pretrained/mnist-classifier/model.safetensors',
  import.meta.url,
).pathname;
const CONFIDENCE = 0.9;
const CHUNK = 1000;
const OPTION_KEYS = ['classifier', 'reference', 'referenceSize', 'binarized', 'labels'];

/** The pretrained classifier (or the one at `path`); the caller disposes it. */
export async function loadClassifier(path = CLASSIFIER_PATH) {
  const model = await loadModel(path);
  if (!(model instanceof MnistClassifier)) {
    model.dispose();
    throw new InvalidArgumentError(`loadClassifier: '${path}' does not hold an MnistClassifier`);
  }
  return model;
}

/** Features [n, 128] and top-class probabilities and classes of `images`, chunk by chunk. */
async function classify(classifier, images) {
  const n = images.shape[0];
  const features = [];
  const maxProbability = new Float32Array(n);
  const predicted = new Int32Array(n);
  for (let start = 0; start < n; start += CHUNK) {
    const size = Math.min(CHUNK, n - start);
    const [f, top, arg] = tf.tidy(() => {
      const out = classifier.featuresAndLogits(tf.slice(images, [start, 0], [size, -1]));
      const probabilities = tf.softmax(out.logits);
      return [out.features, tf.max(probabilities, 1), tf.argMax(probabilities, 1)];
    });
    features.push(f);
    maxProbability.set(await top.data(), start);
    predicted.set(await arg.data(), start);
    tf.dispose([top, arg]);
  }
  const all = tf.concat(features, 0);
  tf.dispose(features);
  return { features: all, maxProbability, predicted };
}

const isImages = (x) =>
  x instanceof tf.Tensor && !x.isDisposed && x.rank === 2 && x.shape[1] === 784 && x.shape[0] >= 2;

/** Whether every value of `images` is 0 or 1. */
async function isBinary(images) {
  const flag = tf.tidy(() => tf.all(tf.logicalOr(tf.equal(images, 0), tf.equal(images, 1))));
  const [value] = await flag.data();
  flag.dispose();
  return value === 1;
}

/**
 * Scores `images` [n, 784] (grey levels or binary values in [0, 1]) with the classifier.
 * Options: `classifier` (default: the pretrained one, loaded and disposed here), `reference`
 * ([N, 784] real images; default the first `referenceSize` MNIST test images, N = n by default,
 * statically binarised when `binarized`), `binarized` (default: whether every value of `images` is
 * 0 or 1: binary samples are compared with binary digits), `labels` (n integers in 0–9: the class
 * each image was drawn for by a class-conditional model). Returns
 * `{ frechet, confident, classShares, meanMaxProbability, n, reference }`, with `labels` also
 * `classAccuracy` (the share of images classified as their own class) and `perClassAccuracy`.
 */
export async function imageQuality(images, options = {}) {
  const fn = 'imageQuality';
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key))
      throw invalidArgument(fn, `options.${key}`, options[key], 'is not an option');
  }
  if (!isImages(images)) {
    throw invalidArgument(fn, 'images', images, 'must be a tensor [n, 784] with n >= 2');
  }
  const n = images.shape[0];
  const { reference: given, referenceSize = n } = options;
  if (given !== undefined && !isImages(given)) {
    throw invalidArgument(fn, 'options.reference', given, 'must be a tensor [N, 784] with N >= 2');
  }
  if (!Number.isInteger(referenceSize) || referenceSize < 2 || referenceSize > 10000) {
    throw invalidArgument(
      fn,
      'options.referenceSize',
      referenceSize,
      'must be an integer in [2, 10000]',
    );
  }
  const { labels } = options;
  if (
    labels !== undefined &&
    (!Array.isArray(labels) ||
      labels.length !== n ||
      !labels.every((l) => Number.isInteger(l) && l >= 0 && l <= 9))
  ) {
    throw invalidArgument(fn, 'options.labels', labels, `must be ${n} integers in [0, 9]`);
  }
  const classifier = options.classifier ?? (await loadClassifier());
  const binarized = options.binarized ?? (await isBinary(images));
  let reference = options.reference;
  let description = 'the given reference images';
  if (reference === undefined) {
    const test = await loadMnist({
      split: 'test',
      limit: referenceSize,
      ...(binarized ? { binarize: 'static' } : {}),
    });
    test.labels.dispose();
    reference = test.images;
    description = `the first ${referenceSize} MNIST test images${binarized ? ', statically binarised' : ''}`;
  }
  try {
    const scored = await classify(classifier, images);
    const real = await classify(classifier, reference);
    let frechet;
    try {
      frechet = await frechetDistance(scored.features, real.features);
    } finally {
      tf.dispose([scored.features, real.features]);
    }
    const counts = new Array(10).fill(0);
    for (const c of scored.predicted) counts[c] += 1;
    let confident = 0;
    let sum = 0;
    for (const p of scored.maxProbability) {
      if (p > CONFIDENCE) confident += 1;
      sum += p;
    }
    return {
      frechet,
      confident: confident / n,
      classShares: counts.map((c) => c / n),
      meanMaxProbability: sum / n,
      ...(labels === undefined ? {} : ownClassAccuracy(scored.predicted, labels)),
      n,
      reference: { description, n: reference.shape[0], binarized },
    };
  } finally {
    if (options.reference === undefined) reference.dispose();
    if (options.classifier === undefined) classifier.dispose();
  }
}

/** The share of predictions equal to their label, overall and per label. */
function ownClassAccuracy(predicted, labels) {
  const hits = new Array(10).fill(0);
  const totals = new Array(10).fill(0);
  labels.forEach((label, i) => {
    totals[label] += 1;
    if (predicted[i] === label) hits[label] += 1;
  });
  const sum = (a) => a.reduce((s, v) => s + v, 0);
  return {
    classAccuracy: sum(hits) / labels.length,
    perClassAccuracy: hits.map((h, c) => (totals[c] === 0 ? null : h / totals[c])),
  };
}

/**
 * The metric on real data: the first `n` training images scored against the first `n` test
 * images, grey and statically binarised (the VAE and MADE sample binary digits), with the
 * training labels (so `classAccuracy` is the classifier's own accuracy on them). Returns
 * `{ grey, binarized }`, each what {@link imageQuality} returns.
 */
export async function referenceQuality({ n = 5000, classifier } = {}) {
  const own = classifier ?? (await loadClassifier());
  try {
    const result = {};
    for (const [key, binarize] of [
      ['grey', false],
      ['binarized', 'static'],
    ]) {
      const train = await loadMnist({
        split: 'train',
        limit: n,
        ...(binarize ? { binarize } : {}),
      });
      const labels = Array.from(await train.labels.data());
      train.labels.dispose();
      try {
        result[key] = await imageQuality(train.images, {
          classifier: own,
          binarized: key === 'binarized',
          labels,
        });
      } finally {
        train.images.dispose();
      }
    }
    return result;
  } finally {
    if (classifier === undefined) own.dispose();
  }
}
