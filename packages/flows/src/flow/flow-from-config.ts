import { type Bijector, type Distribution, formatValue, InvalidArgumentError } from '@gen/core';
import type { JsonValue } from '@gen/nn';
import { ActNorm, type ActNormOptions } from '../act-norm.js';
import {
  MaskedAutoregressive,
  type MaskedAutoregressiveOptions,
} from '../autoregressive/masked-autoregressive.js';
import {
  MaskedAutoregressiveSpline,
  type MaskedAutoregressiveSplineOptions,
} from '../autoregressive/masked-autoregressive-spline.js';
import { BatchNorm, type BatchNormOptions } from '../batch-norm.js';
import { AffineCoupling, type AffineCouplingOptions } from '../coupling/affine-coupling.js';
import {
  RationalQuadraticSpline,
  type RationalQuadraticSplineOptions,
} from '../coupling/rational-quadratic-spline.js';
import { InvertibleConv1x1, type InvertibleConv1x1Options } from '../linear/invertible-conv1x1.js';
import { LuLinear, type LuLinearOptions } from '../linear/lu-linear.js';
import { Planar, type PlanarOptions } from '../planar/planar.js';
import { Radial, type RadialOptions } from '../planar/radial.js';
import { Reverse, type ReverseOptions } from '../reverse.js';
import { standardNormal } from './standard-normal.js';
import { type PartConfig, partConfig } from './transform-configs.js';

type Options = { [key: string]: JsonValue };

const TRANSFORMS: Record<string, (options: Options) => Bijector> = {
  AffineCoupling: (o) => new AffineCoupling(o as unknown as AffineCouplingOptions),
  RationalQuadraticSpline: (o) =>
    new RationalQuadraticSpline(o as unknown as RationalQuadraticSplineOptions),
  MaskedAutoregressive: (o) =>
    new MaskedAutoregressive(o as unknown as MaskedAutoregressiveOptions),
  Planar: (o) => new Planar(o as unknown as PlanarOptions),
  Radial: (o) => new Radial(o as unknown as RadialOptions),
  ActNorm: (o) => new ActNorm(o as unknown as ActNormOptions),
  Reverse: (o) => new Reverse(o as unknown as ReverseOptions),
  LuLinear: (o) => new LuLinear(o as unknown as LuLinearOptions),
  InvertibleConv1x1: (o) => new InvertibleConv1x1(o as unknown as InvertibleConv1x1Options),
  MaskedAutoregressiveSpline: (o) =>
    new MaskedAutoregressiveSpline(o as unknown as MaskedAutoregressiveSplineOptions),
  BatchNorm: (o) => new BatchNorm(o as unknown as BatchNormOptions),
};

/**
 * The options of a Flow's config: the base and every transform as `{ type, options }`, or
 * `undefined` when one of them was not built from JSON options (a custom base or bijector, an
 * Rng, your own conditioner).
 */
export function flowConfigOptions(
  base: Distribution,
  transforms: readonly Bijector[],
): Options | undefined {
  const baseConfig = partConfig(base);
  const parts = transforms.map((t) => partConfig(t));
  if (baseConfig === undefined || parts.some((p) => p === undefined)) return undefined;
  return structuredClone({
    base: baseConfig,
    transforms: parts as PartConfig[],
  }) as unknown as Options;
}

function fail(what: string, value: unknown): never {
  throw new InvalidArgumentError(`Flow: config ${what}, got ${formatValue(value)}`);
}

function readPart(where: string, value: unknown, known: readonly string[]): PartConfig {
  const part = value as PartConfig;
  if (value === null || typeof value !== 'object' || !known.includes(part.type)) {
    fail(`${where} must be { type, options } with type one of ${known.join(', ')}`, value);
  }
  if (part.options === null || typeof part.options !== 'object' || Array.isArray(part.options)) {
    fail(`${where}.options must be an object`, part.options);
  }
  return part;
}

/**
 * The base and transforms a config from {@link flowConfigOptions} describes, newly built (their
 * weights from the options' seeds; `loadModel` then assigns the saved ones). Parts built before a
 * failure are disposed.
 */
export function flowPartsFromConfig(options: Options): {
  base: Distribution & { dispose(): void };
  transforms: Bijector[];
} {
  const base = readPart('base', options.base, ['standardNormal']);
  if (!Array.isArray(options.transforms)) fail('transforms must be an array', options.transforms);
  const specs = options.transforms.map((t, i) =>
    readPart(`transforms[${i}]`, t, Object.keys(TRANSFORMS)),
  );
  const transforms: Bijector[] = [];
  try {
    for (const { type, options: o } of specs) transforms.push(TRANSFORMS[type]!(o));
    return { base: standardNormal(base.options.dim as number), transforms };
  } catch (error) {
    for (const t of transforms) (t as { dispose?: () => void }).dispose?.();
    throw error;
  }
}
