import type { Batch, Rng } from '@gen/core';
import { Autoencoder, Vae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import { badFlag } from '../errors.js';
import {
  type BuildContext,
  type BuiltModel,
  type ModelFamily,
  meanAndError,
  meanOf,
  type OptionFlag,
  rowValues,
} from './family.js';
import { ints, num, parseStepCount } from './options.js';
import {
  assertVqAlone,
  parsePosteriorFlag,
  parsePriorFlag,
  parseVqFlag,
  vaeLatents,
} from './vae-flags.js';
import { buildVqVae, drawLearnedGaussian } from './vq-vae.js';

/** Largest k of `--objective iwae:<k>` (importance samples per example and step). */
const MAX_IWAE_K = 10_000;

/** Parses `--objective`: 'elbo' or 'iwae:<k>' (the stored form). */
function parseObjective(source: string, value: unknown): string {
  if (value === 'elbo') return value;
  const match = typeof value === 'string' ? /^iwae:(\d+)$/.exec(value.trim()) : null;
  const k = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(k) || k < 1 || k > MAX_IWAE_K) {
    badFlag(source, value, `elbo or iwae:<k> with k an integer from 1 to ${MAX_IWAE_K}`);
  }
  return `iwae:${k}`;
}

const VAE_FLAGS: readonly OptionFlag[] = [
  {
    flags: '--beta-anneal <steps>',
    option: 'betaAnneal',
    description:
      'KL annealing: β warms up linearly from 0 to 1 over the first <steps> training steps',
    parse: parseStepCount,
  },
  {
    flags: '--objective <name>',
    option: 'objective',
    description:
      'training objective: elbo (default) or iwae:<k> (the importance-weighted bound, k samples)',
    parse: parseObjective,
  },
  {
    flags: '--prior <name>',
    option: 'prior',
    description:
      'prior p(z): standard (default; N(0, I)) or vamp:<K> (the VampPrior, a mixture of the posteriors at K learned pseudo-inputs)',
    parse: parsePriorFlag,
  },
  {
    flags: '--posterior <name>',
    option: 'posterior',
    description:
      'posterior q(z|x): gaussian (default) or iaf:<steps>[x<width>] (an inverse autoregressive flow of <steps> MADEs, <width> hidden units, default 64)',
    parse: parsePosteriorFlag,
  },
  {
    flags: '--vq <codes>x<K>',
    option: 'vq',
    description:
      'a VQ-VAE instead (MLP): <codes> latent vectors per example (latentSize values each), each snapped to the nearest of K learned code vectors',
    parse: parseVqFlag,
  },
];

/** The `Vae` options of the flags' stored values; only those given, so older runs rebuild as trained. */
function vaeTraining(options: Record<string, unknown>) {
  const anneal = options.betaAnneal as number | undefined;
  const objective = options.objective as string | undefined;
  return {
    ...(anneal === undefined ? {} : { beta: { from: 0, to: 1, steps: anneal } }),
    ...(objective === undefined || objective === 'elbo'
      ? {}
      : { objective: { iwae: Number(objective.slice('iwae:'.length)) } }),
  };
}

const IMAGE_SHAPE = [28, 28, 1];

/** Flat rows → the network's input: `[n, 28, 28, 1]` for conv nets, unchanged for MLPs. */
function preparer(conv: boolean): (x: tf.Tensor) => tf.Tensor {
  return (x) => (conv ? tf.reshape(x, [-1, ...IMAGE_SHAPE]) : tf.clone(x));
}
const flat = (t: tf.Tensor) => tf.tidy(() => tf.reshape(t, [t.shape[0]!, -1]));

/**
 * Draws x ~ p(x|z), z ~ p(z), for the learned-variance Gaussian decoder of 2-D data, so the
 * samples show the model's spread, not only the decoder's mean curve.
 */
function sampleLearnedGaussian(vae: Vae, n: number, rng: Rng): tf.Tensor {
  return tf.tidy(() => {
    const [zRng, eRng] = rng.split(2) as [Rng, Rng];
    return drawLearnedGaussian(vae.decoderOutput(vae.samplePrior(n, zRng)), eRng);
  });
}

/** `gen train vae`: ELBO training; IWAE and ELBO in the evaluation (`--vq`: a VQ-VAE). */
export const vaeFamily: ModelFamily = {
  name: 'vae',
  description:
    'variational autoencoder (@gen/vae), with --prior vamp:<K>, --posterior iaf:<steps> or --vq for a VQ-VAE; --arch conv for images; images are binarised',
  archs: ['mlp', 'conv'],
  imageArch: 'mlp',
  kinds: ['points', 'images'],
  binarize: true,
  losses: [],
  conditionalArchs: ['mlp', 'conv'],
  optionFlags: VAE_FLAGS,
  defaults: (data) =>
    data.kind === 'images'
      ? {
          steps: 2000,
          batchSize: 100,
          lr: 1e-3,
          options: { hiddenSizes: [256], latentSize: 16, iwaeSamples: 50 },
        }
      : {
          steps: 3000,
          batchSize: 256,
          lr: 2e-3,
          options: { hiddenSizes: [64, 64], latentSize: 2, iwaeSamples: 100 },
        },
  build(context: BuildContext): BuiltModel {
    const { data, arch, options, seed, conditionSize } = context;
    if (options.vq !== undefined) {
      assertVqAlone(options, conditionSize !== null);
      return buildVqVae(context);
    }
    const images = data.kind === 'images';
    const conv = arch === 'conv';
    const latentSize = num(options, 'latentSize');
    const shared = {
      ...vaeTraining(options),
      ...vaeLatents(options, conditionSize !== null),
      ...(conditionSize === null ? {} : { conditionSize }),
    };
    const vae = conv
      ? Vae.conv({ latentSize, likelihood: 'bernoulli', seed, ...shared })
      : Vae.mlp({
          inputSize: data.dim,
          hiddenSizes: ints(options, 'hiddenSizes'),
          latentSize,
          likelihood: images ? 'bernoulli' : { gaussian: 'learned' },
          seed,
          ...shared,
        });
    const prepare = preparer(conv);
    /** Runs `f` on the model input of rows `x`, with their condition for a conditional VAE. */
    const withInput = <T>(x: tf.Tensor, f: (input: Batch) => T, condition?: tf.Tensor): T => {
      const input = prepare(x);
      try {
        return f(condition ? { x: input, condition } : input);
      } finally {
        input.dispose();
      }
    };
    return {
      trainer: { kind: 'fit', model: vae },
      weights: vae,
      prepare,
      sample: (n, rng, condition) =>
        images
          ? tf.tidy(() => flat(vae.sample(n, rng, condition ? { condition } : {})))
          : sampleLearnedGaussian(vae, n, rng),
      density: { label: 'ELBO', logDensity: (x) => withInput(x, (i) => vae.elbo(i)) },
      reconstruct: (x, condition) =>
        withInput(x, (i) => tf.tidy(() => flat(vae.reconstruct(i))), condition),
      metrics: async (x, rng, condition) => {
        const [r1, r2] = rng.split(2) as [Rng, Rng];
        const k = num(options, 'iwaeSamples');
        // Rows in blocks, so the whole 10 000-image test split at k = 1000 stays within memory.
        const elbo = await rowValues(
          x,
          (rows, labels) => withInput(rows, (i) => vae.elbo(i, { rng: r1 }), labels),
          condition,
        );
        const iwae = await rowValues(
          x,
          (rows, labels) => withInput(rows, (i) => vae.iwae(i, k, { rng: r2, chunk: 10 }), labels),
          condition,
        );
        const { mean, standardError } = meanAndError(iwae);
        return {
          elbo: meanAndError(elbo).mean,
          [`iwae${k}`]: mean,
          nllIwae: -mean,
          nllIwaeStandardError: standardError,
        };
      },
      dispose: () => vae.dispose(),
    };
  },
};

/** `gen train autoencoder`: a deterministic autoencoder; reconstruction error in the evaluation. */
export const autoencoderFamily: ModelFamily = {
  name: 'autoencoder',
  description: 'deterministic autoencoder (@gen/vae), MSE loss; --arch conv for images',
  archs: ['mlp', 'conv'],
  imageArch: 'mlp',
  kinds: ['points', 'images'],
  binarize: false,
  losses: [],
  conditionalArchs: [],
  optionFlags: [],
  defaults: (data) =>
    data.kind === 'images'
      ? { steps: 1000, batchSize: 100, lr: 1e-3, options: { hiddenSizes: [256], latentSize: 32 } }
      : {
          steps: 1000,
          batchSize: 256,
          lr: 3e-3,
          options: { hiddenSizes: [64, 64], latentSize: 1 },
        },
  build({ data, arch, options, seed }: BuildContext): BuiltModel {
    const latentSize = num(options, 'latentSize');
    const ae =
      arch === 'conv'
        ? Autoencoder.conv({ latentSize, seed })
        : Autoencoder.mlp({
            inputSize: data.dim,
            hiddenSizes: ints(options, 'hiddenSizes'),
            latentSize,
            seed,
          });
    const prepare = preparer(arch === 'conv');
    const reconstruct = (x: tf.Tensor) =>
      tf.tidy(() => {
        const input = prepare(x);
        return flat(ae.reconstruct(input));
      });
    return {
      trainer: { kind: 'fit', model: ae },
      weights: ae,
      prepare,
      reconstruct,
      metrics: async (x) => {
        const input = prepare(x);
        const error = await meanOf(ae.reconstructionLoss(input));
        input.dispose();
        return { reconstructionError: error };
      },
      dispose: () => ae.dispose(),
    };
  },
};
