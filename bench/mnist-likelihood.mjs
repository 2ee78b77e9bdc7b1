import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Made, PixelCnn } from '@gen/autoregressive';
import { batches, initBackend, Rng } from '@gen/core';
import { bernoulliBinarize } from '@gen/data';
import { loadMnist } from '@gen/data/node';
import { cosineDecay, createTrainer } from '@gen/train';
import { Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';

// The likelihood recipes of issue 20: a 784-500-500-50 VAE, a 784-500-784 MADE (one mask) and a
// small PixelCNN on
// binarised MNIST, trained with dynamic binarisation (a fresh Bernoulli draw of every grey
// training image in every batch), Adam and a cosine learning-rate decay, checkpointed into a
// run directory that `gen eval` and `gen sample` read. The test set is the fixed static
// binarisation of the 10 000 test images (`loadMnist({ binarize: 'static' })`).
//
//   node bench/mnist-likelihood.mjs --model vae|made|pixelcnn [--epochs n] [--batch-size 100]
//        [--lr 1e-3] [--lr-final 5e-5] [--eval-every 5] [--eval-limit 1000] [--eval-k 100]
//        [--out bench/results/runs/<model>-mnist] [--seed 0] [--hidden 500] [--direct] (MADE)
//        [--channels 32] [--layers 5] (PixelCNN)
//
// Every --eval-every epochs it prints the test NLL on the first --eval-limit test images (MADE:
// exact; VAE: the IWAE bound with --eval-k samples) and appends it to <out>/progress.jsonl. The
// final number at k = 1000 over all test images is `bench/mnist-eval.mjs`'s job.

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    epochs: { type: 'string', default: '60' },
    'batch-size': { type: 'string', default: '100' },
    lr: { type: 'string', default: '1e-3' },
    'lr-final': { type: 'string', default: '5e-5' },
    'eval-every': { type: 'string', default: '5' },
    'eval-limit': { type: 'string', default: '1000' },
    'eval-k': { type: 'string', default: '100' },
    out: { type: 'string' },
    seed: { type: 'string', default: '0' },
    hidden: { type: 'string', default: '500' },
    direct: { type: 'boolean', default: false },
    channels: { type: 'string', default: '32' },
    layers: { type: 'string', default: '5' },
  },
});
const model = values.model;
if (!['vae', 'made', 'pixelcnn'].includes(model)) {
  throw new Error(`--model: 'vae', 'made' or 'pixelcnn', got ${model}`);
}
const num = (key) => {
  const v = Number(values[key]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${key}: bad value '${values[key]}'`);
  return v;
};
const epochs = num('epochs');
const batchSize = num('batch-size');
const seed = num('seed');
const out = values.out ?? new URL(`./results/runs/${model}-mnist`, import.meta.url).pathname;
mkdirSync(out, { recursive: true });

const backend = await initBackend('wasm');
const train = await loadMnist({ split: 'train' });
const test = await loadMnist({ split: 'test', binarize: 'static' });
const evalImages = tf.slice(test.images, 0, Math.min(num('eval-limit'), 10000));
const n = train.images.shape[0];
const perEpoch = Math.ceil(n / batchSize);
const steps = epochs * perEpoch;

const net =
  model === 'vae'
    ? Vae.mlp({
        inputSize: 784,
        hiddenSizes: [500, 500],
        latentSize: 50,
        likelihood: 'bernoulli',
        seed,
      })
    : model === 'made'
      ? new Made({
          inputSize: 784,
          hiddenSizes: [num('hidden')],
          likelihood: 'bernoulli',
          directConnections: values.direct,
          seed,
        })
      : new PixelCnn({ channels: num('channels'), layers: num('layers'), kernelSize: 5, seed });

const iterator = batches(train.images, {
  batchSize,
  rng: Rng.fromSeed(seed + 1),
  epochs: Number.POSITIVE_INFINITY,
  map: bernoulliBinarize,
});
// take(): batches the trainer owns (it reads one ahead, which next() would dispose).
const source = (function* () {
  for (;;) yield iterator.take();
})();
const trainer = createTrainer(net, source, {
  steps,
  learningRate: cosineDecay({ initial: num('lr'), final: num('lr-final'), steps }),
  rng: Rng.fromSeed(seed + 2),
  logEvery: 100,
  checkpoint: { dir: `${out}/checkpoints`, every: perEpoch },
});

async function testNll() {
  const rng = Rng.fromSeed(seed + 3);
  const chunk = model === 'vae' ? 50 : model === 'made' ? 1000 : 100;
  let total = 0;
  for (let start = 0; start < evalImages.shape[0]; start += chunk) {
    const m = Math.min(chunk, evalImages.shape[0] - start);
    const v = tf.tidy(() => {
      const x = tf.slice(evalImages, start, m);
      return tf.sum(
        model === 'vae'
          ? tf.neg(net.iwae(x, num('eval-k'), { rng, chunk: 50 }))
          : tf.neg(net.logProb(x)),
      );
    });
    total += (await v.data())[0];
    v.dispose();
  }
  return total / evalImages.shape[0];
}

console.log(
  `${model} on ${n} dynamically binarised MNIST images (${backend}), ${epochs} epochs = ${steps} steps of ${batchSize}; ` +
    `Adam ${values.lr} → ${values['lr-final']} (cosine); load ${loadavg()[0].toFixed(2)} on ${cpus().length} cores`,
);
const started = performance.now();
let trainSeconds = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  const t0 = performance.now();
  const status = await trainer.run(perEpoch);
  trainSeconds += (performance.now() - t0) / 1000;
  if (epoch % num('eval-every') === 0 || epoch === epochs) {
    const nll = await testNll();
    const record = {
      epoch,
      step: status.step,
      loss: status.history.at(-1)?.loss,
      trainSeconds,
      wallSeconds: (performance.now() - started) / 1000,
      testNll: nll,
      evalImages: evalImages.shape[0],
      numTensors: tf.memory().numTensors,
      load: loadavg()[0],
    };
    appendFileSync(`${out}/progress.jsonl`, `${JSON.stringify(record)}\n`);
    console.log(
      `epoch ${epoch} (step ${status.step}): ${trainSeconds.toFixed(0)} s training, test NLL ${nll.toFixed(2)} nats on ${evalImages.shape[0]} images, ${tf.memory().numTensors} tensors`,
    );
  }
}
writeFileSync(
  `${out}/recipe.json`,
  `${JSON.stringify({ model, ...values, steps, trainSeconds, date: new Date().toISOString() }, null, 2)}\n`,
);
trainer.dispose();
net.dispose();
tf.dispose([train.images, train.labels, test.images, test.labels, evalImages]);
