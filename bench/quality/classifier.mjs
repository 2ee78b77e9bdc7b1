// The MNIST classifier behind the offline image-quality metric: a small convolutional network
// built from @gen/nn modules, its 128-unit penultimate layer the feature space of the Fréchet
// distance. Registered with @gen/nn's model registry (package '@gen/bench'), so `loadModel` reads
// pretrained/mnist-classifier/model.safetensors once this module has been imported.
import { invalidArgument, modelConfig, registerModel } from '@gen/core';
import { Conv2d, Dense, Module } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';

export const CLASSIFIER_PACKAGE = '@gen/bench';
export const FEATURE_SIZE = 128;
const OPTION_KEYS = ['seed'];

/**
 * conv 3×3·32 relu → conv 3×3 stride 2 ·64 relu → conv 3×3 stride 2 ·64 relu → flatten →
 * Dense 128 relu (the features) → Dense 10 (logits). Input: [n, 784] grey levels in [0, 1].
 */
export class MnistClassifier extends Module {
  constructor(options = {}) {
    super('mnist_classifier');
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key)) {
        throw invalidArgument(
          'MnistClassifier',
          `options.${key}`,
          options[key],
          'is not an option',
        );
      }
    }
    const seed = options.seed ?? 0;
    this.options = { seed };
    const conv = (name, inChannels, outChannels, stride, offset) =>
      this.addModule(
        name,
        new Conv2d({
          inChannels,
          outChannels,
          kernelSize: 3,
          stride,
          activation: 'relu',
          kernelInitializer: 'heNormal',
          seed: seed * 10 + offset,
          name,
        }),
      );
    this.conv0 = conv('conv0', 1, 32, 1, 1);
    this.conv1 = conv('conv1', 32, 64, 2, 2);
    this.conv2 = conv('conv2', 64, 64, 2, 3);
    this.hidden = this.addModule(
      'hidden',
      new Dense({
        inputSize: 7 * 7 * 64,
        outputSize: FEATURE_SIZE,
        activation: 'relu',
        kernelInitializer: 'heNormal',
        seed: seed * 10 + 4,
        name: 'hidden',
      }),
    );
    this.head = this.addModule(
      'head',
      new Dense({ inputSize: FEATURE_SIZE, outputSize: 10, seed: seed * 10 + 5, name: 'head' }),
    );
  }

  /** The feature layer's activations: [n, 784] → [n, 128]. */
  features(x) {
    return tf.tidy(() => {
      const images = tf.reshape(x, [-1, 28, 28, 1]);
      const h = this.conv2.apply(this.conv1.apply(this.conv0.apply(images)));
      return this.hidden.apply(tf.reshape(h, [-1, 7 * 7 * 64]));
    });
  }

  /** Class logits: [n, 784] → [n, 10]. */
  apply(x) {
    return tf.tidy(() => this.head.apply(this.features(x)));
  }

  /** Features and logits from one pass. */
  featuresAndLogits(x) {
    return tf.tidy(() => {
      const features = this.features(x);
      return { features, logits: this.head.apply(features) };
    });
  }

  toConfig() {
    return modelConfig(CLASSIFIER_PACKAGE, 'MnistClassifier', 'new', this.options);
  }
}

registerModel(CLASSIFIER_PACKAGE, 'MnistClassifier', {
  new: (options) => new MnistClassifier(options),
});

/**
 * The classifier as a `Trainable` for @gen/train's `fit`: each batch row is an image followed by
 * its one-hot label ([b, 794]), so a tensor source shuffles images and labels together; the loss
 * is the mean softmax cross-entropy.
 */
export function classifierTrainable(classifier) {
  return {
    get trainableVariables() {
      return classifier.trainableVariables;
    },
    loss(batch) {
      return tf.tidy(() => {
        const x = tf.slice(batch, [0, 0], [-1, 784]);
        const onehot = tf.slice(batch, [0, 784], [-1, 10]);
        const logits = classifier.apply(x);
        const logProbs = tf.sub(logits, tf.logSumExp(logits, 1, true));
        return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logProbs), 1)));
      });
    },
    getWeights: () => classifier.getWeights(),
    setWeights: (weights) => classifier.setWeights(weights),
    dispose: () => classifier.dispose(),
  };
}

/** Share of `images` [n, 784] whose arg-max class equals `labels` [n] (int32), in chunks. */
export async function accuracy(classifier, images, labels, chunk = 1000) {
  const n = images.shape[0];
  let correct = 0;
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const hits = tf.tidy(() => {
      const logits = classifier.apply(tf.slice(images, [start, 0], [size, -1]));
      const predicted = tf.argMax(logits, 1);
      const truth = tf.slice(labels, [start], [size]);
      return tf.sum(tf.cast(tf.equal(predicted, tf.cast(truth, 'int32')), 'int32'));
    });
    correct += (await hits.data())[0];
    hits.dispose();
  }
  return correct / n;
}
