// Trains the MNIST classifier behind bench/image-quality.mjs (bench/quality/classifier.mjs: three
// 3×3 convolutions, a 128-unit feature layer, 10 logits) on grey MNIST with @gen/train's `fit`,
// prints the test accuracy on all 10 000 test images and the wall time after every epoch, and
// writes pretrained/mnist-classifier/ at the repository root: model.safetensors (weights, with the
// model config that `loadModel` reads once bench/quality/classifier.mjs is imported), config.json
// and README.md.
//
//   nice -n 10 node mnist-classifier.mjs [--epochs 3] [--batch 128] [--lr 2e-3] [--seed 0]
//                                        [--limit 60000] [--backend wasm] [--out <dir>]
//
// Build first: pnpm turbo run build --filter=@gen/bench...
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend, Rng } from '@gen/core';
import { loadMnist } from '@gen/data/node';
import { modelToSafetensors } from '@gen/nn';
import { cosineDecay, fit } from '@gen/train';
import * as tf from '@tensorflow/tfjs-core';
import { accuracy, classifierTrainable, MnistClassifier } from './quality/classifier.mjs';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '128' },
    lr: { type: 'string', default: '2e-3' },
    seed: { type: 'string', default: '0' },
    limit: { type: 'string', default: '60000' },
    backend: { type: 'string', default: 'wasm' },
    out: {
      type: 'string',
      default: new URL('../pretrained/mnist-classifier/', import.meta.url).pathname,
    },
  },
});
const EPOCHS = Number(args.epochs);
const BATCH = Number(args.batch);
const LR = Number(args.lr);
const SEED = Number(args.seed);

const backend = await initBackend(args.backend);
const train = await loadMnist({ split: 'train', limit: Number(args.limit) });
const test = await loadMnist({ split: 'test' });
const data = tf.tidy(() =>
  tf.concat([train.images, tf.cast(tf.oneHot(tf.cast(train.labels, 'int32'), 10), 'float32')], 1),
);
tf.dispose([train.images, train.labels]);
const n = data.shape[0];
const stepsPerEpoch = Math.ceil(n / BATCH);
const classifier = new MnistClassifier({ seed: SEED });
const command = `nice -n 10 node bench/mnist-classifier.mjs --epochs ${EPOCHS} --batch ${BATCH} --lr ${LR} --seed ${SEED}${n === 60000 ? '' : ` --limit ${n}`}`;
console.log(
  `MnistClassifier (${classifier.numParameters()} parameters) on ${n} grey MNIST images, ${backend}; ` +
    `${EPOCHS} epoch(s), batch ${BATCH}, Adam with cosine decay from ${LR}, seed ${SEED}`,
);
const epochs = [];
const t0 = performance.now();
let epochStart = t0;
await fit(classifierTrainable(classifier), data, {
  epochs: EPOCHS,
  batchSize: BATCH,
  learningRate: cosineDecay({ initial: LR, steps: EPOCHS * stepsPerEpoch }),
  rng: Rng.fromSeed(SEED + 1),
  logEvery: 50,
  callbacks: [
    {
      async onEpochEnd({ epoch, history }) {
        const seconds = (performance.now() - epochStart) / 1000;
        const testAccuracy = await accuracy(classifier, test.images, test.labels);
        // The last loss read (every logEvery steps), not the epoch's mean.
        const loss = history.at(-1)?.loss;
        epochs.push({ epoch, seconds, loss, testAccuracy });
        console.log(
          `epoch ${epoch}: ${seconds.toFixed(0)} s, loss ${loss?.toFixed(4)}, test accuracy ${(100 * testAccuracy).toFixed(2)} %`,
        );
        epochStart = performance.now();
      },
    },
  ],
});
const wallSeconds = (performance.now() - t0) / 1000;
const testAccuracy = epochs.at(-1).testAccuracy;
console.log(`${wallSeconds.toFixed(0)} s wall; test accuracy ${(100 * testAccuracy).toFixed(2)} %`);

const date = new Date().toISOString();
const record = {
  model: 'MnistClassifier',
  module: 'bench/quality/classifier.mjs',
  architecture:
    'conv 3×3·32 relu → conv 3×3 stride 2·64 relu → conv 3×3 stride 2·64 relu → flatten (3136) → Dense 128 relu (features) → Dense 10 (logits)',
  parameters: classifier.numParameters(),
  input: '[n, 784] grey levels in [0, 1] (28×28 row-major, as loadMnist returns them)',
  training: {
    images: n,
    epochs: EPOCHS,
    batchSize: BATCH,
    optimizer: 'Adam',
    learningRate: `cosine decay from ${LR} to 0`,
    seed: SEED,
    backend,
  },
  testAccuracy,
  testImages: test.images.shape[0],
  epochs,
  wallSeconds: Math.round(wallSeconds),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length },
  date,
  command,
};
const out = args.out.endsWith('/') ? args.out : `${args.out}/`;
mkdirSync(out, { recursive: true });
const bytes = modelToSafetensors(classifier, {
  testAccuracy: String(testAccuracy),
  date,
});
writeFileSync(`${out}model.safetensors.tmp`, bytes);
renameSync(`${out}model.safetensors.tmp`, `${out}model.safetensors`);
writeFileSync(`${out}config.json`, `${JSON.stringify(record, null, 2)}\n`);
writeFileSync(
  `${out}README.md`,
  `# MNIST classifier (offline image-quality metric)

The classifier whose features and class probabilities \`bench/image-quality.mjs\` uses to score
generated digits (Fréchet distance in its 128-unit feature layer, share of confident samples,
class shares).

- Architecture: ${record.architecture}; ${record.parameters} parameters (float32).
- Input: ${record.input}.
- Test accuracy: **${(100 * testAccuracy).toFixed(2)} %** on all ${record.testImages} MNIST test images.
- Training: ${n} grey training images, ${EPOCHS} epochs, batch ${BATCH}, Adam with cosine decay
  from ${LR}, seed ${SEED}, ${backend} backend; ${record.wallSeconds} s wall on a ${record.machine.cores}-core ${record.machine.cpu}
  (shared with other jobs).
- Date: ${date.slice(0, 10)}.
- Command (from the repository root, after \`pnpm turbo run build --filter=@gen/bench...\`):
  \`${command}\`

Per epoch: ${epochs.map((e) => `${e.epoch}: ${(100 * e.testAccuracy).toFixed(2)} % (${e.seconds.toFixed(0)} s)`).join(', ')}.

Load it with \`loadClassifier()\` from \`bench/quality/image-quality.mjs\`, or with
\`loadModel\` from \`@gen/nn\` after importing \`bench/quality/classifier.mjs\` (which registers
the class under the package name \`@gen/bench\`).
`,
);
console.log(
  `wrote ${out}model.safetensors (${(bytes.length / 1e6).toFixed(2)} MB), config.json, README.md`,
);
tf.dispose([data, test.images, test.labels]);
classifier.dispose();
