import { GAN_LOSS_NAMES } from '@gen/gan';
import { describe, expect, it } from 'vitest';
import { LOSS_MENU } from './loss-menu.js';
import {
  DEFAULT_SETTINGS,
  dataScale,
  ganOptions,
  labelSmoothingApplies,
  PRESETS,
} from './settings.js';

describe('mode-collapse settings', () => {
  it('offers every loss @gen/gan parses, built-ins and every f-GAN divergence', () => {
    const keys = LOSS_MENU.map(([key]) => key);
    expect(keys).toEqual(GAN_LOSS_NAMES);
    expect(keys).toContain('hinge');
    expect(keys).toContain('wasserstein-gp');
    expect(new Set(keys).size).toBe(keys.length);
    expect(LOSS_MENU).toContainEqual(['fgan:js', 'f-GAN (js)']);
    expect(LOSS_MENU).toContainEqual(['hinge', 'hinge']);
    expect(ganOptions({ ...DEFAULT_SETTINGS, lossKey: 'fgan:kl' }).loss).toEqual({ fgan: 'kl' });
    expect(() => ganOptions({ ...DEFAULT_SETTINGS, lossKey: 'nope' })).toThrow(
      /parseGanLoss: argument 'name'.*nope/,
    );
  });

  it('maps the defaults to plain Gan.mlp options without noise or smoothing', () => {
    expect(ganOptions(DEFAULT_SETTINGS)).toEqual({
      dataSize: 2,
      latentSize: 4,
      hiddenSizes: [64, 64],
      loss: 'non-saturating',
      discriminatorSteps: 1,
      seed: 0,
    });
  });

  it('scales instance noise into training units and keeps smoothing only where it applies', () => {
    const grid = {
      ...DEFAULT_SETTINGS,
      dataset: 'grid25' as const,
      noiseStd: 0.4,
      noiseDecay: 300,
      labelSmoothing: 0.9,
    };
    expect(dataScale('grid25')).toBe(4);
    const options = ganOptions(grid);
    expect(options.instanceNoise).toEqual({ std: 0.1, decaySteps: 300 });
    expect(options.labelSmoothing).toBe(0.9);
    const hinge = ganOptions({ ...grid, lossKey: 'hinge' });
    expect(hinge.labelSmoothing).toBeUndefined();
    expect(labelSmoothingApplies('hinge')).toBe(false);
    expect(labelSmoothingApplies('least-squares')).toBe(true);
  });

  it('offers presets that map to valid Gan.mlp options: saturating collapse, WGAN clipped vs GP', () => {
    const byId = new Map(PRESETS.map((p) => [p.id, p]));
    expect([...byId.keys()]).toEqual(['collapse', 'wgan-clip', 'wgan-gp']);
    for (const preset of PRESETS) {
      expect(GAN_LOSS_NAMES).toContain(preset.settings.lossKey);
      expect(() => ganOptions(preset.settings)).not.toThrow();
      expect(preset.settings.discriminatorSteps).toBeGreaterThanOrEqual(1);
    }
    const collapse = ganOptions(byId.get('collapse')!.settings);
    expect(collapse.loss).toBe('minimax');
    expect(collapse.instanceNoise).toBeUndefined();
    expect(byId.get('wgan-clip')!.settings.lossKey).toBe('wasserstein');
    expect(byId.get('wgan-gp')!.settings.lossKey).toBe('wasserstein-gp');
    // The pair differs only in the constraint on the critic.
    expect({ ...byId.get('wgan-clip')!.settings, lossKey: '' }).toEqual({
      ...byId.get('wgan-gp')!.settings,
      lossKey: '',
    });
  });
});
