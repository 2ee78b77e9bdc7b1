import { InvalidArgumentError, initBackend } from '@gen/core';
import { fDivergenceNames } from '@gen/divergences';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gan } from './gan.js';
import { GAN_LOSS_NAMES, ganLossName, parseGanLoss } from './loss-names.js';
import { GAN_LOSSES, supportsLabelSmoothing } from './losses.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('GAN loss names', () => {
  it('lists every named loss, then fgan:<name> for every f-divergence', () => {
    expect(GAN_LOSS_NAMES).toEqual([...GAN_LOSSES, ...fDivergenceNames.map((n) => `fgan:${n}`)]);
    expect(new Set(GAN_LOSS_NAMES).size).toBe(GAN_LOSS_NAMES.length);
  });

  it('parseGanLoss and ganLossName are inverse, and every parsed loss builds a Gan', () => {
    expect(parseGanLoss('fgan:kl')).toEqual({ fgan: 'kl' });
    expect(parseGanLoss('hinge')).toBe('hinge');
    for (const name of GAN_LOSS_NAMES) {
      const loss = parseGanLoss(name);
      expect(ganLossName(loss)).toBe(name);
      const gan = Gan.mlp({ dataSize: 1, latentSize: 1, hiddenSizes: [], loss });
      expect(gan.loss).toEqual(loss);
      gan.dispose();
    }
  });

  it('rejects other strings and losses with typed errors', () => {
    expect(() => parseGanLoss('vanilla')).toThrow(InvalidArgumentError);
    expect(() => parseGanLoss('fgan:nope')).toThrow(
      /parseGanLoss: argument 'name' must be one of 'minimax'.*'fgan:kl'.*got "fgan:nope"/,
    );
    expect(() => parseGanLoss(3 as never)).toThrow(/argument 'name'/);
    expect(() => ganLossName({ fgan: 'nope' } as never)).toThrow(/ganLossName/);
  });

  it('supportsLabelSmoothing is the rule Gan applies to labelSmoothing', () => {
    const live = tf.memory().numTensors;
    for (const name of GAN_LOSS_NAMES) {
      const loss = parseGanLoss(name);
      const build = () =>
        Gan.mlp({ dataSize: 1, latentSize: 1, hiddenSizes: [], loss, labelSmoothing: 0.9 });
      if (supportsLabelSmoothing(loss)) build().dispose();
      else expect(build, name).toThrow(/labelSmoothing/);
    }
    expect(GAN_LOSS_NAMES.filter((n) => supportsLabelSmoothing(parseGanLoss(n)))).toEqual([
      'minimax',
      'non-saturating',
      'least-squares',
    ]);
    expect(tf.memory().numTensors).toBe(live);
  });
});
