// Scores the samples of a trained image model with the offline MNIST metric of
// bench/quality/image-quality.mjs (classifier-feature Fréchet distance, share of samples classified
// with probability > 0.9, class shares; for a class-conditional model, conditionSize 10, the share
// of samples classified as the digit they were drawn for), or with --reference the real data's own
// values.
//
//   node image-quality.mjs <run-dir> [--samples 5000] [--seed 0] [--backend wasm] [--out <file>]
//   node image-quality.mjs --reference [--samples 5000]
//   (--classifier <model.safetensors> scores with another classifier than the pretrained one)
//
// <run-dir> is a `gen train` run (or a committed pretrained run): its model.safetensors is read
// with @gen/nn's loadModel, `--samples` images are drawn with `model.sample` (seeded, in chunks)
// and clamped to [0, 1], and the result is printed and written as JSON to bench/results/.
// Build first: pnpm turbo run build --filter=@gen/bench...
import '@gen/autoregressive';
import '@gen/flows';
import '@gen/gan';
import '@gen/vae';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, Rng } from '@gen/core';
import { loadModel } from '@gen/nn';
import * as tf from '@tensorflow/tfjs-core';
import { imageQuality, loadClassifier, referenceQuality } from './quality/image-quality.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    samples: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '0' },
    backend: { type: 'string', default: 'wasm' },
    reference: { type: 'boolean', default: false },
    classifier: { type: 'string' },
    out: { type: 'string' },
  },
});
const N = Number(args.samples);
const SEED = Number(args.seed);
const CHUNK = 500;
if (!Number.isInteger(N) || N < 2)
  throw new Error(`--samples: expected an integer >= 2, got ${args.samples}`);
if (!Number.isInteger(SEED) || SEED < 0)
  throw new Error(`--seed: expected an integer >= 0, got ${args.seed}`);
if (args.reference === (positionals.length === 1) || positionals.length > 1) {
  throw new Error(
    'usage: node image-quality.mjs <run-dir> [--samples 5000] [--seed 0] | --reference',
  );
}

/**
 * Draws `n` samples in chunks, each from its own split of `rng`, as one [n, 784] tensor in [0, 1].
 * With `labels` (a class-conditional model), draw i is conditioned on the one-hot `labels[i]`.
 */
function draw(model, n, rng, labels) {
  const chunks = Math.ceil(n / CHUNK);
  const rngs = rng.split(chunks);
  const parts = rngs.map((r, i) =>
    tf.tidy(() => {
      const size = Math.min(CHUNK, n - i * CHUNK);
      const options = labels
        ? {
            condition: tf.cast(
              tf.oneHot(tf.tensor1d(labels.slice(i * CHUNK, i * CHUNK + size), 'int32'), 10),
              'float32',
            ),
          }
        : {};
      return tf.clipByValue(tf.reshape(model.sample(size, r, options), [size, 784]), 0, 1);
    }),
  );
  const all = tf.concat(parts, 0);
  tf.dispose(parts);
  return all;
}

const backend = await initBackend(args.backend);
const before = tf.memory().numTensors;
const t0 = performance.now();
const classifier = await loadClassifier(args.classifier);
let report;
if (args.reference) {
  const values = await referenceQuality({ n: N, classifier });
  report = { kind: 'reference', samples: N, ...values };
} else {
  const dir = resolve(positionals[0]);
  const model = await loadModel(join(dir, 'model.safetensors'));
  try {
    if (typeof model.sample !== 'function')
      throw new Error(`'${dir}' holds a model that does not sample`);
    // A class-conditional model (conditionSize 10, one-hot digits) draws N / 10 of each class.
    const conditionSize = model.conditionSize ?? 0;
    if (conditionSize !== 0 && conditionSize !== 10) {
      throw new Error(`'${dir}' is conditional on ${conditionSize} values, not on the 10 digits`);
    }
    const labels = conditionSize === 10 ? Array.from({ length: N }, (_, i) => i % 10) : undefined;
    const images = draw(model, N, Rng.fromSeed(SEED), labels);
    try {
      const quality = await imageQuality(images, { classifier, ...(labels ? { labels } : {}) });
      report = {
        kind: 'run',
        run: dir,
        model: model.toConfig?.().model,
        seed: SEED,
        samples: N,
        ...quality,
      };
    } finally {
      images.dispose();
    }
  } finally {
    model.dispose();
  }
}
classifier.dispose();
const after = tf.memory().numTensors;
if (after !== before) throw new Error(`image-quality leaked ${after - before} tensor(s)`);
report = {
  ...report,
  backend,
  seconds: Math.round((performance.now() - t0) / 100) / 10,
  date: new Date().toISOString(),
};
console.log(JSON.stringify(report, null, 2));
const results = new URL('./results/', import.meta.url).pathname;
mkdirSync(results, { recursive: true });
const name = args.reference ? 'reference' : basename(resolve(positionals[0]));
const out =
  args.out ??
  join(results, `image-quality-${name}-${report.date.slice(0, 19).replaceAll(':', '-')}Z.json`);
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.error(`wrote ${out}`);
