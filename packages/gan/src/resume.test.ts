import { describeBackends } from '@gen/core/testing';
import { fitAdversarial, memoryCheckpointStore } from '@gen/train';
import { expect, it } from 'vitest';
import {
  maxAbsDifference,
  type ResumeScenario,
  STEPS,
  scenarios,
  stabiliserScenarios,
  weightValues,
} from '../test/resume-scenarios.js';
import type { Gan } from './gan.js';

// Checkpoints go to in-memory stores here (the same bytes a file holds); resume-process.test.ts
// writes them to directories (`checkpoint: { dir }`, `resume: dir`) and resumes in another process.

/** The uninterrupted run, and N/2 steps + checkpoint + N/2 resumed into a fresh Gan. */
async function bothWays(
  scenario: ResumeScenario,
  hide?: (gan: Gan) => void,
): Promise<{ straight: Gan; resumed: Gan }> {
  const data = scenario.data();
  const straight = scenario.build(0);
  hide?.(straight);
  await fitAdversarial(straight, data, {
    ...scenario.options(),
    steps: STEPS,
    checkpoint: { store: memoryCheckpointStore(), every: 5 },
  });
  const store = memoryCheckpointStore();
  const first = scenario.build(0);
  hide?.(first);
  await fitAdversarial(first, data, {
    ...scenario.options(),
    steps: STEPS / 2,
    checkpoint: { store, every: 5 },
  });
  expect(await store.list()).toEqual([5, 10]);
  first.dispose();
  // Other initial weights: the resumed model must take everything from the checkpoint.
  const resumed = scenario.build(7);
  hide?.(resumed);
  await fitAdversarial(resumed, data, {
    ...scenario.options(),
    steps: STEPS,
    checkpoint: { store, every: 5 },
    resume: store,
  });
  data.dispose();
  return { straight, resumed };
}

describeBackends('GAN exact resume in one process', () => {
  for (const [name, scenario] of Object.entries({ ...scenarios, ...stabiliserScenarios })) {
    it(`${name}: N/2 steps + checkpoint + N/2 resumed = N uninterrupted (max |Δ| = 0)`, async () => {
      const { straight, resumed } = await bothWays(scenario);
      const k = scenario.options().discriminatorSteps ?? 1;
      expect(resumed.getState().discriminatorUpdates).toBe(STEPS * k);
      if ('generatorUpdates' in resumed.getState()) {
        expect(resumed.getState().generatorUpdates).toBe(STEPS);
      }
      expect(resumed.getState()).toEqual(straight.getState());
      expect(resumed.instanceNoiseStd).toBe(straight.instanceNoiseStd);
      const trained = await weightValues(straight);
      expect(maxAbsDifference(await weightValues(resumed), trained)).toBe(0);
      const initial = scenario.build(0);
      expect(maxAbsDifference(await weightValues(initial), trained)).toBeGreaterThan(1e-3);
      initial.dispose();
      straight.dispose();
      resumed.dispose();
    });
  }

  it('without getState the resumed instance-noise schedule restarts and the runs differ', async () => {
    const hide = (gan: Gan) => {
      Object.defineProperty(gan, 'getState', { value: undefined });
      Object.defineProperty(gan, 'setState', { value: undefined });
    };
    const scenario = scenarios['Gan.mlp with instance noise and label smoothing']!;
    const { straight, resumed } = await bothWays(scenario, hide);
    expect(straight.instanceNoiseStd).not.toBe(resumed.instanceNoiseStd);
    expect(
      maxAbsDifference(await weightValues(resumed), await weightValues(straight)),
    ).toBeGreaterThan(0);
    straight.dispose();
    resumed.dispose();
  });
});
