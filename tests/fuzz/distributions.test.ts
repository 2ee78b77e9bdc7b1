import { Rng } from '@gen/core';
import {
  Affine,
  Bernoulli,
  Beta,
  Categorical,
  Chain,
  DoubleSidedMaxwell,
  Exp,
  Exponential,
  Gamma,
  Independent,
  kl,
  Laplace,
  Mixture,
  MultivariateNormal,
  Normal,
  Permute,
  Poisson,
  Scale,
  Shift,
  Sigmoid,
  Softplus,
  Tanh,
  TransformedDistribution,
  Uniform,
  Weibull,
} from '@gen/distributions';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  expectTypedError,
  expectTypedOrFinite,
  FUZZ,
  hostileNumber,
  hostileTensor,
  hostileValue,
  makeTensor,
  type TensorSpec,
  useFuzzBackend,
  withUnknownKey,
} from './harness.js';

useFuzzBackend();

const RUNS = { ...FUZZ, numRuns: 25 };

type Dist = {
  logProb(x: unknown): tf.Tensor;
  sample(n: unknown, rng: unknown): tf.Tensor;
  rsample(n: unknown, rng: unknown): tf.Tensor;
  entropy(): tf.Tensor;
  mean(): tf.Tensor;
  variance(): tf.Tensor;
  dispose(): void;
  hasRsample: boolean;
};

/** A parameter as a hostile caller passes it: anything, or a tensor made inside the test. */
type ParamInput = { tensor: TensorSpec } | { value: unknown };

const paramInput: fc.Arbitrary<ParamInput> = fc.oneof(
  hostileValue.map((value) => ({ value })),
  hostileTensor().map((tensor) => ({ tensor })),
  fc.array(hostileNumber, { minLength: 1, maxLength: 3 }).map((value) => ({ value })),
  // Valid-looking values, so that some constructions get past validation to the methods.
  fc.double({ min: 0.1, max: 5, noNaN: true }).map((value) => ({ value })),
  hostileTensor({ finite: true, min: 0.05, max: 3 }).map((tensor) => ({ tensor })),
);

interface Family {
  name: string;
  keys: string[];
  make(params: Record<string, unknown>): Dist;
  valid: Record<string, unknown>;
  /** Values inside the support, to check finite log-densities there. */
  inside: number[];
}

const families: Family[] = [
  {
    name: 'Normal',
    keys: ['loc', 'scale'],
    make: (p) => new Normal(p as never) as never,
    valid: { loc: [0, 1], scale: 2 },
    inside: [0.3, -4],
  },
  {
    name: 'Laplace',
    keys: ['loc', 'scale'],
    make: (p) => new Laplace(p as never) as never,
    valid: { loc: [0, 1], scale: 2 },
    inside: [0.3, -4],
  },
  {
    name: 'DoubleSidedMaxwell',
    keys: ['loc', 'scale'],
    make: (p) => new DoubleSidedMaxwell(p as never) as never,
    valid: { loc: 0.5, scale: 1.5 },
    inside: [0.3, -4],
  },
  {
    name: 'Uniform',
    keys: ['low', 'high'],
    make: (p) => new Uniform(p as never) as never,
    valid: { low: [-1, 0], high: 2 },
    inside: [0.5, 1],
  },
  {
    name: 'Exponential',
    keys: ['rate'],
    make: (p) => new Exponential(p as never) as never,
    valid: { rate: [0.5, 2] },
    inside: [0.3, 4],
  },
  {
    name: 'Gamma',
    keys: ['concentration', 'rate'],
    make: (p) => new Gamma(p as never) as never,
    valid: { concentration: [0.5, 3], rate: 2 },
    inside: [0.3, 4],
  },
  {
    name: 'Weibull',
    keys: ['shape', 'scale'],
    make: (p) => new Weibull(p as never) as never,
    valid: { shape: [0.7, 2], scale: 1.5 },
    inside: [0.3, 4],
  },
  {
    name: 'Beta',
    keys: ['a', 'b'],
    make: (p) => new Beta(p as never) as never,
    valid: { a: [0.5, 2], b: 3 },
    inside: [0.3, 0.9],
  },
  {
    name: 'Poisson',
    keys: ['rate'],
    make: (p) => new Poisson(p as never) as never,
    valid: { rate: [0.5, 20] },
    inside: [0, 7],
  },
  {
    name: 'Bernoulli',
    keys: ['logits'],
    make: (p) => new Bernoulli(p as never) as never,
    valid: { logits: [-2, 3] },
    inside: [0, 1],
  },
  {
    name: 'Bernoulli',
    keys: ['probs'],
    make: (p) => new Bernoulli(p as never) as never,
    valid: { probs: [0.2, 1] },
    inside: [0, 1],
  },
  {
    name: 'Categorical',
    keys: ['logits'],
    make: (p) => new Categorical(p as never) as never,
    valid: { logits: [-1, 0, 2] },
    inside: [2],
  },
  {
    name: 'Categorical',
    keys: ['probs'],
    make: (p) => new Categorical(p as never) as never,
    valid: { probs: [0.25, 0.75] },
    inside: [1],
  },
  {
    name: 'MultivariateNormal',
    keys: ['loc', 'scaleTril'],
    make: (p) => new MultivariateNormal(p as never) as never,
    valid: {
      loc: [0, 1],
      scaleTril: [
        [1, 0],
        [0.5, 2],
      ],
    },
    inside: [0.5, -1],
  },
  {
    name: 'MultivariateNormal',
    keys: ['loc', 'covarianceMatrix'],
    make: (p) => new MultivariateNormal(p as never) as never,
    valid: {
      loc: [0, 1],
      covarianceMatrix: [
        [2, 0.5],
        [0.5, 1],
      ],
    },
    inside: [0.5, -1],
  },
  {
    name: 'Mixture',
    keys: ['logits'],
    make: (p) => {
      // The mixture owns its components once built; a failed construction leaves them to us.
      const components = new Normal({ loc: [-1, 1], scale: 1 });
      try {
        return new Mixture({ ...(p as object), components } as never) as never;
      } catch (error) {
        components.dispose();
        throw error;
      }
    },
    valid: { logits: [0, 1] },
    inside: [0.5, -2],
  },
];

function materialise(
  params: Record<string, ParamInput>,
  extra: Record<string, unknown> = {},
): { params: Record<string, unknown>; made: tf.Tensor[] } {
  const made: tf.Tensor[] = [];
  const out: Record<string, unknown> = { ...extra };
  for (const [key, input] of Object.entries(params)) {
    if ('tensor' in input) {
      const t = makeTensor(input.tensor);
      made.push(t);
      out[key] = t;
    } else out[key] = input.value;
  }
  return { params: out, made };
}

function paramsOf(family: Family): fc.Arbitrary<Record<string, ParamInput>> {
  return fc.record(Object.fromEntries(family.keys.map((k) => [k, paramInput])));
}

/** Every method of a constructed distribution, each held to the fuzz contract. */
async function exerciseMethods(d: Dist, x: TensorSpec, n: unknown): Promise<void> {
  const rng = Rng.fromSeed(1);
  // Moments may overflow float32 to +Inf for extreme valid parameters (Weibull with shape 0.05
  // has variance ≈ 8e45); NaN never.
  await expectTypedOrFinite(() => d.mean(), { allowInfinite: true });
  await expectTypedOrFinite(() => d.variance(), { allowInfinite: true });
  await expectTypedOrFinite(() => d.entropy());
  await expectTypedOrFinite(() => d.sample(2, rng));
  if (d.hasRsample) await expectTypedOrFinite(() => d.rsample(2, rng));
  await expectTypedOrFinite(() => d.sample(n, rng));
  await expectTypedOrFinite(
    () => {
      const t = makeTensor(x);
      try {
        return d.logProb(t);
      } finally {
        t.dispose();
      }
    },
    { allowInfinite: true },
  );
}

describe('fuzz: @gen/distributions constructors', () => {
  for (const family of families) {
    const label = `${family.name}({ ${family.keys.join(', ')} })`;

    it(`${label}: hostile parameters give a typed error or a usable distribution`, async () => {
      await fc.assert(
        fc.asyncProperty(paramsOf(family), hostileTensor(), hostileValue, async (raw, x, n) => {
          const { params, made } = materialise(raw);
          let d: Dist | undefined;
          try {
            // Built and disposed: nothing may remain of it.
            const outcome = await expectTypedOrFinite(() => family.make(params), {
              cleanup: (built) => built.dispose(),
            });
            if (outcome === 'returned') {
              d = family.make(params);
              await exerciseMethods(d, x, n);
            }
          } finally {
            d?.dispose();
            tf.dispose(made);
          }
        }),
        RUNS,
      );
    });

    it(`${label}: an unknown option key is refused`, async () => {
      await fc.assert(
        fc.asyncProperty(withUnknownKey(family.valid), async (params) => {
          await expectTypedError(() => family.make(params), family.name);
        }),
        RUNS,
      );
    });

    it(`${label}: logProb, sample and rsample with hostile arguments`, async () => {
      const d = family.make(family.valid);
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              hostileTensor().map((t) => ({ t })),
              hostileValue.map((v) => ({ v })),
            ),
            hostileValue,
            fc.oneof(fc.constant(Rng.fromSeed(3)), hostileValue, fc.constant(undefined)),
            async (x, n, rng) => {
              await expectTypedOrFinite(
                () => {
                  if ('v' in x) return d.logProb(x.v);
                  const t = makeTensor(x.t);
                  try {
                    return d.logProb(t);
                  } finally {
                    t.dispose();
                  }
                },
                { allowInfinite: true },
              );
              await expectTypedOrFinite(() => d.sample(n, rng));
              await expectTypedOrFinite(() => d.sample(2, rng));
              await expectTypedOrFinite(() => d.rsample(n, rng));
            },
          ),
          RUNS,
        );
        // Inside the support the density is finite.
        await expectTypedOrFinite(() => d.logProb(family.inside));
      } finally {
        d.dispose();
      }
    });
  }

  it('sample and rsample without an rng are typed errors naming the method', async () => {
    const normal = new Normal({ loc: 0, scale: 1 });
    try {
      await expectTypedError(() => (normal.sample as (n: number) => tf.Tensor)(3), 'Normal.sample');
      await expectTypedError(
        () => (normal.rsample as (n: number) => tf.Tensor)(3),
        'Normal.rsample',
      );
    } finally {
      normal.dispose();
    }
  });

  it('conflicting MultivariateNormal parameterisations are refused', async () => {
    await expectTypedError(
      () =>
        new MultivariateNormal({
          loc: [0, 0],
          scaleTril: [
            [1, 0],
            [0, 1],
          ],
          covariance: [
            [1, 0],
            [0, 1],
          ],
        } as never),
      "MultivariateNormal: unknown option 'covariance'",
    );
  });

  it('NaN parameters are refused on construction, naming the argument', async () => {
    await expectTypedError(
      () => new Normal({ loc: 0, scale: Number.NaN }),
      "Normal: argument 'scale'",
    );
    await expectTypedError(
      () => new Gamma({ concentration: [1, Number.POSITIVE_INFINITY], rate: 1 }),
      "Gamma: argument 'concentration'",
    );
  });

  it('Bernoulli.logProb accepts exactly 0 and 1 (torch validate_args)', async () => {
    const d = new Bernoulli({ probs: 0.3 });
    try {
      await expectTypedError(() => d.logProb([0.5]), "Bernoulli.logProb: argument 'x'");
      await expectTypedError(() => d.logProb([-1]), "Bernoulli.logProb: argument 'x'");
      await expectTypedError(() => d.logProb([Number.NaN]), "Bernoulli.logProb: argument 'x'");
      await expectTypedOrFinite(() => d.logProb([0, 1]));
    } finally {
      d.dispose();
    }
  });
});

describe('fuzz: @gen/distributions composites and bijectors', () => {
  it('Independent, TransformedDistribution: hostile arguments and unknown keys', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, hostileValue, hostileTensor(), async (rank, option, x) => {
        const base = new Normal({ loc: [[0, 1]], scale: 1 });
        try {
          // Independent takes ownership of its base: a failed construction must leave it alone.
          await expectTypedOrFinite(() => new Independent(base as never, rank as number), {
            cleanup: () => {},
          });
          if (base.loc.isDisposed) throw new Error('Independent disposed the base');
          await expectTypedError(
            () => new Independent(base, 1, { validateArgs: true, sed: option } as never),
            "Independent: unknown option 'sed'",
          );
          await expectTypedError(
            () => new TransformedDistribution({ base, bijector: new Exp(), seed: option } as never),
            "TransformedDistribution: unknown option 'seed'",
          );
          const t = new TransformedDistribution({ base, bijector: new Exp() });
          await expectTypedOrFinite(
            () => {
              const tensor = makeTensor(x);
              try {
                return t.logProb(tensor);
              } finally {
                tensor.dispose();
              }
            },
            { allowInfinite: true },
          );
        } finally {
          base.dispose();
        }
      }),
      RUNS,
    );
  });

  it('bijectors: hostile parameters, inputs and unknown keys', async () => {
    const makers: [
      string,
      (
        p: unknown,
        o: unknown,
      ) => { forward(x: tf.Tensor): tf.Tensor; inverse(y: tf.Tensor): tf.Tensor; dispose(): void },
    ][] = [
      ['Shift', (p, o) => new Shift(p as never, o as never)],
      ['Scale', (p, o) => new Scale(p as never, o as never)],
      ['Affine', (p, o) => new Affine({ shift: p, scale: 2, ...(o as object) } as never)],
      ['Exp', (_p, o) => new Exp(o as never)],
      ['Sigmoid', (_p, o) => new Sigmoid(o as never)],
      ['Tanh', (_p, o) => new Tanh(o as never)],
      ['Softplus', (_p, o) => new Softplus(o as never)],
      ['Permute', (p, o) => new Permute(p as never, o as never)],
      ['Chain', (_p, o) => new Chain([new Exp()], o as never)],
    ];
    for (const [name, make] of makers) {
      await expectTypedError(
        () => make(1, { validateArgs: true, stpes: 1 }),
        `${name}: unknown option 'stpes'`,
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(hostileValue, fc.constant([1, 0])),
          hostileTensor(),
          async (p, x) => {
            let b: ReturnType<typeof make> | undefined;
            try {
              const outcome = await expectTypedOrFinite(() => make(p, undefined), {
                cleanup: (built) => built.dispose(),
              });
              if (outcome !== 'returned') return;
              b = make(p, undefined);
              const bijector = b;
              const t = makeTensor(x);
              try {
                // Outside a bijector's domain the result may be infinite; never NaN, never raw.
                await expectTypedOrFinite(() => bijector.forward(t), { allowInfinite: true });
                await expectTypedOrFinite(() => bijector.inverse(t), { allowInfinite: true });
              } finally {
                t.dispose();
              }
            } finally {
              b?.dispose();
            }
          },
        ),
        { ...FUZZ, numRuns: 15 },
      );
    }
  });
});

/** The pairs `kl` has a closed form for, each side built from hostile parameters. */
describe('fuzz: kl of every registered pair', () => {
  const pairs = families.filter((f) => f.name !== 'Mixture');
  for (const family of pairs) {
    it(`kl(${family.name}, ${family.name}) with hostile parameters`, async () => {
      await fc.assert(
        fc.asyncProperty(paramsOf(family), paramsOf(family), async (rawP, rawQ) => {
          const p = materialise(rawP);
          const q = materialise(rawQ);
          let dp: Dist | undefined;
          let dq: Dist | undefined;
          try {
            try {
              dp = family.make(p.params);
              dq = family.make(q.params);
            } catch {
              // Constructor failures are the constructor property's business.
              return;
            }
            const left = dp;
            const right = dq;
            // KL is +∞ where p puts mass where q has none; never NaN.
            await expectTypedOrFinite(() => kl(left as never, right as never), {
              allowInfinite: true,
            });
          } finally {
            dp?.dispose();
            dq?.dispose();
            tf.dispose([...p.made, ...q.made]);
          }
        }),
        RUNS,
      );
    });
  }

  it('kl(Independent, Independent) and unregistered pairs', async () => {
    const a = new Independent(new Normal({ loc: [0, 1], scale: 1 }), 1);
    const b = new Independent(new Normal({ loc: [1, 1], scale: 2 }), 1);
    const c = new Laplace({ loc: 0, scale: 1 });
    try {
      await expectTypedOrFinite(() => kl(a, b));
      await expectTypedError(() => kl(a, c), 'kl');
      await expectTypedError(() => kl(a as never, {} as never), 'kl');
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });

  it('kl refuses distributions whose unchecked parameters hold NaN', async () => {
    const p = new Normal({ loc: [0, Number.NaN], scale: 1, validateArgs: false });
    const q = new Normal({ loc: 0, scale: 1 });
    try {
      await expectTypedError(() => kl(p, q), "kl: argument 'p'");
      await expectTypedError(() => kl(q, p), "kl: argument 'q'");
    } finally {
      p.dispose();
      q.dispose();
    }
  });
});
