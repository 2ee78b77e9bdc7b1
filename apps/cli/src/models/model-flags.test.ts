import type { Made } from '@gen/autoregressive';
import { initBackend, Rng } from '@gen/core';
import { expectNoLeak } from '@gen/core/testing';
import type { Vae, VqVae } from '@gen/vae';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DataInfo } from '../data/datasets.js';
import { UsageError } from '../errors.js';
import { type RunConfig, resolveConfig, type Settings } from '../run/config.js';
import type { BuiltModel } from './family.js';
import { familyOf, modelsTaking, OPTION_FLAGS } from './registry.js';

const POINTS: DataInfo = { name: 'moons', kind: 'points', dim: 2, n: 64 };
const IMAGES: DataInfo = { name: 'mnist', kind: 'images', dim: 784, n: 64 };
/** Small networks, so that building image models costs little. */
const SMALL: Record<string, Record<string, unknown>> = {
  vae: { hiddenSizes: [8], latentSize: 2, iwaeSamples: 2 },
  made: { hiddenSizes: [8] },
  pixelcnn: { channels: 4, layers: 2, kernelSize: 3 },
};

/** The run config `gen train <model>` resolves from these flags (camelCase keys) and --config options. */
function resolve(
  model: string,
  data: DataInfo,
  flags: Record<string, unknown>,
  options: Record<string, unknown> = {},
): RunConfig {
  const s: Settings = {};
  for (const [key, value] of Object.entries(flags)) {
    s[key] = { value, source: `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` };
  }
  s.options = { value: { ...SMALL[model], ...options }, source: '--config' };
  return resolveConfig(s, familyOf(model), data);
}

/** The model of a resolved config, as `gen train`, `gen eval` and `gen sample` build it. */
const build = (config: RunConfig, data: DataInfo): BuiltModel =>
  familyOf(config.model).build({
    data,
    arch: config.arch,
    seed: config.seed,
    loss: config.loss,
    options: config.options,
    conditionSize: config.conditional ? 10 : null,
  });

/** What `resolve` or `build` throws: the UsageError's message. */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

/** The model options the built model records (`toConfig().options`). */
const recorded = (built: BuiltModel) =>
  (built.weights as unknown as { toConfig(): { options: Record<string, unknown> } }).toConfig()
    .options;

/** Sum of the values of an array. */
const sum = (values: ArrayLike<number>) => Array.from(values).reduce((s, v) => s + v, 0);

const moons = () => Rng.fromSeed(9).normal([16, 2]);

beforeAll(async () => {
  await initBackend('cpu');
});

describe('gen train vae --prior, --posterior, --vq', () => {
  it('parse to their stored form from a flag or a config file; bad values are refused naming the flag', () => {
    expect(resolve('vae', POINTS, { prior: ' vamp:3 ' }).options.prior).toBe('vamp:3');
    expect(resolve('vae', POINTS, { prior: 'standard' }).options.prior).toBe('standard');
    expect(resolve('vae', POINTS, { posterior: 'iaf:2' }).options.posterior).toBe('iaf:2x64');
    expect(resolve('vae', POINTS, { posterior: 'iaf:3x8' }).options.posterior).toBe('iaf:3x8');
    expect(resolve('vae', POINTS, { vq: '4x32' }).options.vq).toBe('4x32');
    expect(resolve('vae', POINTS, {}, { prior: 'vamp:2' }).options.prior).toBe('vamp:2');
    // Not given: no key, so runs without the flags keep the config (and model) they had.
    expect(Object.keys(resolve('vae', POINTS, {}).options)).not.toContain('prior');
    const cases: [Record<string, unknown>, string][] = [
      [{ prior: 'vamp:0' }, '--prior: expected standard or vamp:<K> with K an integer from 1 to'],
      [{ prior: 'vamp:1001' }, 'got "vamp:1001"'],
      [{ prior: 'gaussian' }, '--prior: expected standard or vamp:<K>'],
      [{ posterior: 'iaf' }, '--posterior: expected gaussian or iaf:<steps>[x<width>]'],
      [{ posterior: 'iaf:65' }, 'got "iaf:65"'],
      [{ posterior: 'iaf:2x0' }, 'got "iaf:2x0"'],
      [{ vq: '32' }, '--vq: expected <codes>x<K>'],
      [{ vq: '0x32' }, 'got "0x32"'],
    ];
    for (const [flags, message] of cases) {
      expect(refusal(() => resolve('vae', POINTS, flags))).toContain(message);
    }
    expect(refusal(() => resolve('vae', POINTS, {}, { posterior: 5 }))).toBe(
      '--config: options.posterior: expected gaussian or iaf:<steps>[x<width>] with steps from 1 to 64 and width from 1 to 4096, got 5',
    );
    expect(refusal(() => resolve('vae', IMAGES, { arch: 'conv', vq: '2x8' }))).toBe(
      '--vq: the VQ-VAE is an MLP; use --arch mlp, not --arch conv',
    );
    expect(refusal(() => resolve('gan', POINTS, { prior: 'vamp:2' }))).toContain(
      "model 'gan' takes no --prior; it is an option of vae",
    );
  });

  it('--prior vamp:<K> builds a VampPrior whose draws are the VAE’s own; a stored config rebuilds the same model', async () => {
    const config = resolve('vae', POINTS, { prior: 'vamp:3' });
    const built = build(config, POINTS);
    const vae = built.weights as Vae;
    expect(vae.prior).toEqual({ vamp: 3 });
    expect(recorded(built).prior).toEqual({ vamp: 3 });
    await expectNoLeak(() => built.sample!(5, Rng.fromSeed(1)));
    // config.json → a new process: the same options build the same weights.
    const again = build(JSON.parse(JSON.stringify(config)) as RunConfig, POINTS);
    const [a, b] = [built.weights.getWeights(), again.weights.getWeights()];
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(a['prior/pseudoInputs']?.shape).toEqual([3, 2]);
    for (const name of Object.keys(a)) expect(await b[name]!.data()).toEqual(await a[name]!.data());
    tf.dispose([a, b]);
    built.dispose();
    again.dispose();
  });

  it('--posterior iaf:<steps>x<width> builds the IAF posterior, also for a conditional VAE', async () => {
    const built = build(
      resolve('vae', IMAGES, { posterior: 'iaf:2x8', conditional: true }),
      IMAGES,
    );
    const vae = built.weights as Vae;
    expect(vae.posterior).toEqual({ iaf: { layers: 2, hiddenSizes: [8], seed: 0 } });
    expect(vae.iaf?.steps).toHaveLength(2);
    expect(vae.conditionSize).toBe(10);
    const x = tf.tidy(() => tf.cast(tf.greater(Rng.fromSeed(2).uniform([3, 784]), 0.5), 'float32'));
    const condition = tf.tidy(() =>
      tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 10), 'float32'),
    );
    const metrics = await built.metrics(x, Rng.fromSeed(3), condition);
    expect(Number.isFinite(metrics.elbo)).toBe(true);
    tf.dispose([x, condition]);
    built.dispose();
  });

  it('refuses combinations the VAE cannot do, naming the flags', () => {
    const cases: [RunConfig, DataInfo, string][] = [
      [
        resolve('vae', POINTS, { prior: 'vamp:2', posterior: 'iaf:1' }),
        POINTS,
        '--posterior: an IAF posterior (iaf:1x64) cannot be combined with --prior vamp:2',
      ],
      [
        resolve('vae', IMAGES, { prior: 'vamp:2', conditional: true }),
        IMAGES,
        '--prior: the VampPrior (vamp:2) has no class-conditional form',
      ],
      [
        resolve('vae', POINTS, { vq: '2x4', betaAnneal: '5' }),
        POINTS,
        '--vq: the VQ-VAE has no KL term, prior or posterior to set; leave out --beta-anneal',
      ],
      [
        resolve('vae', IMAGES, { vq: '2x4', conditional: true }),
        IMAGES,
        '--vq: the VQ-VAE has no class-conditional form',
      ],
    ];
    const before = tf.memory().numTensors;
    for (const [config, data, message] of cases) {
      expect(refusal(() => build(config, data))).toContain(message);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('--vq <codes>x<K> builds a VQ-VAE: it trains, reports reconstruction and codebook use, and samples', async () => {
    const built = build(resolve('vae', POINTS, { vq: '3x5' }), POINTS);
    const vq = built.weights as VqVae;
    expect([vq.codes, vq.codebookSize, vq.embeddingSize]).toEqual([3, 5, 2]);
    const x = moons();
    const loss = (built.trainer.model as VqVae).loss(x, Rng.fromSeed(0));
    expect(Number.isFinite(await loss.data().then((d) => d[0]!))).toBe(true);
    loss.dispose();
    const metrics = await built.metrics(x, Rng.fromSeed(1));
    expect(Object.keys(metrics)).toEqual([
      'reconstruction',
      'reconstructionStandardError',
      'codesUsed',
      'codebookPerplexity',
    ]);
    expect(metrics.codesUsed).toBeGreaterThanOrEqual(1);
    expect(metrics.codesUsed).toBeLessThanOrEqual(5);
    expect(metrics.codebookPerplexity).toBeLessThanOrEqual(metrics.codesUsed! + 1e-9);
    // A mean reconstruction term: the terms VqVae computes for each row.
    const terms = vq.lossTerms(x);
    const want = sum(await terms.reconstruction.data()) / 16;
    expect(metrics.reconstruction).toBeCloseTo(want, 4);
    tf.dispose([terms.reconstruction, terms.codebook, terms.commitment]);
    await expectNoLeak(async () => {
      const drawn = built.sample!(7, Rng.fromSeed(2));
      expect(drawn.shape).toEqual([7, 2]);
      const recon = built.reconstruct!(x);
      expect(recon.shape).toEqual([16, 2]);
      await built.metrics(x, Rng.fromSeed(1));
      return [drawn, recon];
    });
    x.dispose();
    built.dispose();
  });
});

describe('gen train made --num-masks, --ordering, --components; gen train pixelcnn --components', () => {
  it('parse, and refuse bad values naming the flag', () => {
    const made = resolve('made', POINTS, { numMasks: '3', ordering: 'reverse', components: '2' });
    expect(made.options).toMatchObject({ numMasks: 3, ordering: 'reverse', components: 2 });
    // The config file's components still reach MADE on points.
    expect(resolve('made', POINTS, {}, { components: 4 }).options.components).toBe(4);
    const pixel = resolve('pixelcnn', IMAGES, {
      likelihood: 'discretized-logistic',
      components: '3',
    });
    expect(pixel.options.components).toBe(3);
    expect(pixel.binarize).toBeNull();
    const cases: [string, DataInfo, Record<string, unknown>, string][] = [
      [
        'made',
        POINTS,
        { numMasks: '0' },
        '--num-masks: expected an integer from 1 to 1024, got "0"',
      ],
      ['made', POINTS, { numMasks: '1.5' }, 'got "1.5"'],
      [
        'made',
        POINTS,
        { ordering: 'sideways' },
        '--ordering: expected one of natural, random, reverse',
      ],
      [
        'made',
        IMAGES,
        { components: '3' },
        '--components: the MADE of binarised images has Bernoulli',
      ],
      ['made', POINTS, { components: '0' }, '--components: expected an integer from 1 to 1024'],
      ['pixelcnn', IMAGES, { components: '65' }, '--components: expected an integer from 1 to 64'],
      [
        'mixture',
        POINTS,
        { numMasks: '2' },
        "model 'mixture' takes no --num-masks; it is an option of made",
      ],
    ];
    for (const [model, data, flags, message] of cases) {
      expect(refusal(() => resolve(model, data, flags))).toContain(message);
    }
    const grey = resolve('pixelcnn', IMAGES, { components: '3' });
    expect(refusal(() => build(grey, IMAGES))).toBe(
      '--components: mixes the logistics of --likelihood discretized-logistic, not of "bernoulli"',
    );
  });

  it('each flag reaches the model; the NLL of several masks is their ensemble', async () => {
    const reverse = build(resolve('made', POINTS, { ordering: 'reverse' }), POINTS);
    expect((reverse.weights as Made).orderings).toEqual([[1, 0]]);
    expect(recorded(reverse).ordering).toEqual([1, 0]);
    reverse.dispose();
    const built = build(resolve('made', POINTS, { numMasks: '3', ordering: 'random' }), POINTS);
    const made = built.weights as Made;
    expect(made.numMasks).toBe(3);
    expect(recorded(built)).toMatchObject({ numMasks: 3, ordering: 'random' });
    const x = moons();
    // Oracle: log((1/M) Σₘ pₘ(x)) from each mask's own log density.
    const perMask = await Promise.all(
      [0, 1, 2].map((mask) => {
        const t = made.logProb(x, { mask });
        return t.data().finally(() => t.dispose());
      }),
    );
    const ensemble = Array.from({ length: 16 }, (_, i) => {
      const values = perMask.map((p) => p[i]!);
      const top = Math.max(...values);
      return top + Math.log(values.reduce((s, v) => s + Math.exp(v - top), 0) / 3);
    });
    const { nll } = await built.metrics(x, Rng.fromSeed(0));
    expect(nll).toBeCloseTo(-sum(ensemble) / 16, 4);
    expect(Math.abs(nll! + sum(perMask[0]!) / 16)).toBeGreaterThan(1e-4);
    x.dispose();
    built.dispose();
    const pixel = build(
      resolve('pixelcnn', IMAGES, { likelihood: 'discretized-logistic', components: '3' }),
      IMAGES,
    );
    expect(recorded(pixel)).toMatchObject({ likelihood: 'discretizedLogistic', components: 3 });
    pixel.dispose();
  });

  it('gen train --help lists every new flag once, with its models', () => {
    const listed = OPTION_FLAGS.map((f) => f.flags);
    for (const flag of [
      '--prior <name>',
      '--posterior <name>',
      '--vq <codes>x<K>',
      '--num-masks <k>',
      '--ordering <name>',
      '--components <k>',
    ]) {
      expect(
        listed.filter((f) => f === flag),
        flag,
      ).toHaveLength(1);
    }
    expect(modelsTaking('components')).toEqual(['made', 'pixelcnn']);
    expect(modelsTaking('numMasks')).toEqual(['made']);
    expect(modelsTaking('vq')).toEqual(['vae']);
  });
});
