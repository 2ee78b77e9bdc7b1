import { InvalidArgumentError } from '@gen/core';
import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  cosineDecay,
  exponentialDecay,
  linearWarmup,
  stepDecay,
} from './schedules.js';

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-15 + 1e-12 * b);

describe('learning-rate schedules', () => {
  it('constantSchedule returns its value at every step', () => {
    const lr = constantSchedule(0.01);
    expect([0, 1, 10_000].map(lr)).toEqual([0.01, 0.01, 0.01]);
  });

  it('stepDecay multiplies by factor every `every` steps', () => {
    const lr = stepDecay({ initial: 0.1, factor: 0.5, every: 100 });
    expect(lr(0)).toBe(0.1);
    expect(lr(99)).toBe(0.1);
    expect(lr(100)).toBe(0.05);
    expect(lr(250)).toBe(0.025);
  });

  it('exponentialDecay is initial · rate^(t/every)', () => {
    const lr = exponentialDecay({ initial: 1e-2, rate: 0.1, every: 1000 });
    close(lr(0), 1e-2);
    close(lr(1000), 1e-3);
    close(lr(500), 1e-2 * Math.sqrt(0.1));
    close(exponentialDecay({ initial: 1, rate: 0.5 })(3), 0.125);
  });

  it('cosineDecay falls from initial to final along a half cosine and stays there', () => {
    const lr = cosineDecay({ initial: 1, steps: 100, final: 0.1 });
    close(lr(0), 1);
    close(lr(50), 0.55);
    close(lr(25), 0.1 + 0.45 * (1 + Math.SQRT1_2));
    close(lr(100), 0.1);
    close(lr(1000), 0.1);
    close(cosineDecay({ initial: 2, steps: 10 })(10), 0);
  });

  it('linearWarmup ramps up to the wrapped schedule, which then starts its own clock', () => {
    const lr = linearWarmup(stepDecay({ initial: 0.1, factor: 0.5, every: 10 }), { steps: 4 });
    close(lr(0), 0.025);
    close(lr(3), 0.1);
    close(lr(4), 0.1);
    close(lr(14), 0.05);
    close(linearWarmup(0.2, { steps: 2 })(0), 0.1);
  });

  it('rejects bad options with typed errors naming the function, argument and value', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => constantSchedule(0), /constantSchedule: argument 'learningRate' .* got 0/],
      [() => constantSchedule(-1e-3), /argument 'learningRate'.*got -0.001/],
      [
        () => stepDecay({ initial: 0.1, factor: 2, every: 10 }),
        /stepDecay: argument 'factor' must be in \(0, 1\], got 2/,
      ],
      [
        () => stepDecay({ initial: 0.1, factor: 0.5, every: 0 }),
        /stepDecay: argument 'every'.*got 0/,
      ],
      [
        () => exponentialDecay({ initial: 1, rate: 1.5 }),
        /exponentialDecay: argument 'rate'.*got 1.5/,
      ],
      [
        () => cosineDecay({ initial: 1, steps: 10, final: 2 }),
        /cosineDecay: argument 'final' must be <= initial \(1\), got 2/,
      ],
      [() => cosineDecay({ initial: 1, steps: 1.5 }), /cosineDecay: argument 'steps'.*got 1.5/],
      [() => linearWarmup(0.1, { steps: 0 }), /linearWarmup: argument 'steps'.*got 0/],
      [() => linearWarmup('fast' as never, { steps: 3 }), /linearWarmup: argument 'after'.*"fast"/],
      [
        () => stepDecay({ initial: 0.1, factor: 0.5, every: 1, stpes: 3 } as never),
        /stepDecay: unknown option 'stpes'/,
      ],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
  });
});
