import { CLASS_COUNT, type DataInfo, hasLabels, IMAGE_DATASETS } from '../data/datasets.js';
import { badFlag, UsageError } from '../errors.js';
import {
  ARCHS,
  type Arch,
  binarizes,
  MODEL_NAMES,
  type ModelFamily,
  type ModelName,
} from '../models/family.js';
import { mergeOptions } from '../models/options.js';
import { familyOf, OPTION_FLAGS } from '../models/registry.js';
import { LIMITS, parseChoice, parseInteger, parsePositive, parseSeed } from './parse.js';

export const BACKENDS = ['auto', 'wasm', 'cpu', 'webgpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
export const BINARIZATIONS = ['static', 'dynamic'] as const;
/** How binarised images are made: once for the run (`static`) or afresh every step (`dynamic`). */
export type Binarization = (typeof BINARIZATIONS)[number];

/** The fully resolved configuration of a run, as `config.json` stores it. */
export interface RunConfig {
  version: 1;
  model: ModelName;
  /** A dataset name, or the absolute path of a CSV file. */
  data: string;
  limit: number | null;
  arch: Arch;
  steps: number;
  batchSize: number;
  lr: number;
  seed: number;
  backend: BackendChoice;
  loss: string | null;
  checkpointEvery: number;
  evalSamples: number;
  /** The binarisation of the training images; null where the model takes them grey, or points. */
  binarize: Binarization | null;
  /**
   * A class-conditional model of p(x | class), trained on the one-hot labels (conditionSize 10);
   * false (or absent, in runs written before it existed) for an unconditional one.
   */
  conditional: boolean;
  options: Record<string, unknown>;
}

/** The condition size of a run: 10 one-hot classes when conditional, else null. */
export const conditionSizeOf = (config: Pick<RunConfig, 'conditional'>): number | null =>
  config.conditional ? CLASS_COUNT : null;

/** Raw settings: flag values (strings) over config-file values, each with where it came from. */
export type Settings = Record<string, { value: unknown; source: string } | undefined>;

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Merges config-file values under flag values; flags win. */
export function mergeSettings(
  flags: Record<string, unknown>,
  file: Record<string, unknown>,
  filePath: string | undefined,
): Settings {
  const out: Settings = {};
  for (const [key, value] of Object.entries(file)) {
    out[key] = { value, source: `--config ${filePath} (${key})` };
  }
  for (const [key, value] of Object.entries(flags)) {
    if (value !== undefined) out[key] = { value, source: flagName(key) };
  }
  // --steps and --epochs are one setting: a flag for either overrides the file's other.
  if (flags.steps !== undefined && flags.epochs === undefined) delete out.epochs;
  if (flags.epochs !== undefined && flags.steps === undefined) delete out.steps;
  return out;
}

/** Parses --limit, --seed and --backend, which are needed before the data is loaded. */
export function earlySettings(s: Settings): {
  limit: number | null;
  seed: number;
  backend: BackendChoice;
} {
  return {
    limit: s.limit ? parseInteger(s.limit.source, s.limit.value, 2, LIMITS.rows) : null,
    seed: s.seed ? parseSeed(s.seed.source, s.seed.value) : 0,
    backend: s.backend ? parseChoice(s.backend.source, s.backend.value, BACKENDS) : 'auto',
  };
}

/** The model options as given, config file's under flags', before they are checked. */
function givenOptions(s: Settings): Record<string, unknown> {
  const given: Record<string, unknown> = { ...((s.options?.value ?? {}) as object) };
  for (const flag of OPTION_FLAGS) {
    const setting = s[flag.option];
    if (setting !== undefined) given[flag.option] = setting.value;
  }
  return given;
}

/**
 * Resolves --binarize for `family` on the data set `dataName`: the training images of a family
 * that binarises (made, pixelcnn, vae) are binarised once (`static`, the default) or afresh at
 * every step (`dynamic`); the test split is always the static binarisation. Given for a family
 * that takes grey images (or a model option that makes it take them, as a 256-level PixelCNN
 * likelihood does), or for points, it is a usage error naming where it came from.
 */
export function binarizeSetting(
  s: Settings,
  family: ModelFamily,
  dataName: string,
): Binarization | null {
  const images = (IMAGE_DATASETS as readonly string[]).includes(dataName);
  const binary = binarizes(family, givenOptions(s));
  const applies = binary && images;
  if (s.binarize === undefined) return applies ? 'static' : null;
  const mode = parseChoice(s.binarize.source, s.binarize.value, BINARIZATIONS);
  if (family.binarize && !binary) {
    const grey = Object.entries(givenOptions(s))
      .filter(([key, value]) => family.greyWith?.({ [key]: value }))
      .map(([key, value]) => `${key} ${JSON.stringify(value)}`);
    throw new UsageError(
      `${s.binarize.source}: model '${family.name}' with ${grey.join(', ')} takes grey images and does not binarise them`,
    );
  }
  if (!family.binarize) {
    const which = MODEL_NAMES.filter((name) => familyOf(name).binarize).join(', ');
    throw new UsageError(
      `${s.binarize.source}: model '${family.name}' takes grey images and does not binarise them; ${mode} binarisation is for ${which}`,
    );
  }
  if (!images) {
    throw new UsageError(
      `${s.binarize.source}: binarisation applies to images (${IMAGE_DATASETS.join(', ')}), not to '${dataName}'`,
    );
  }
  return mode;
}

/**
 * Resolves --conditional for `family` on `dataName`: only labelled data (mnist, fashion-mnist)
 * and families that build a class-conditional model take it; anything else is a usage error
 * naming the flag, the model and the data. Dynamic binarisation draws unlabelled batches, so it
 * is refused with it.
 */
export function conditionalSetting(s: Settings, family: ModelFamily, dataName: string): boolean {
  if (s.conditional === undefined) return false;
  const { source, value } = s.conditional;
  if (typeof value !== 'boolean') badFlag(source, value, 'true or false');
  if (!value) return false;
  if (family.conditionalArchs.length === 0) {
    const which = MODEL_NAMES.filter((name) => familyOf(name).conditionalArchs.length > 0);
    throw new UsageError(
      `${source}: model '${family.name}' has no class-conditional form; --conditional is for ${which.join(', ')}`,
    );
  }
  if (!hasLabels(dataName)) {
    throw new UsageError(
      `${source}: conditioning needs class labels, which '${dataName}' does not have; use --data ${IMAGE_DATASETS.join(' or ')}`,
    );
  }
  if (s.binarize?.value === 'dynamic') {
    throw new UsageError(
      `${source}: not with ${s.binarize.source} dynamic (its batches carry no labels); use static binarisation`,
    );
  }
  return true;
}

/** Turns --epochs into steps; the total must stay within the step bound. */
function epochSteps(epochs: { value: unknown; source: string }, perEpoch: number): number {
  const n = parseInteger(epochs.source, epochs.value);
  if (n * perEpoch > LIMITS.steps) {
    badFlag(
      epochs.source,
      epochs.value,
      `at most ${Math.floor(LIMITS.steps / perEpoch)} (${perEpoch} steps each, at most ${LIMITS.steps} steps)`,
    );
  }
  return n * perEpoch;
}

/**
 * Resolves every setting against the family's defaults for this data: steps (or epochs turned
 * into steps), batch size, learning rate, architecture, loss and model options. Any bad value
 * is a usage error naming the flag (or the config file and key) it came from.
 */
export function resolveConfig(s: Settings, family: ModelFamily, data: DataInfo): RunConfig {
  const early = earlySettings(s);
  const arch = s.arch
    ? parseChoice(s.arch.source, s.arch.value, ARCHS)
    : data.kind === 'images'
      ? family.imageArch
      : family.archs[0]!;
  if (!family.archs.includes(arch)) {
    throw new UsageError(
      `${s.arch?.source ?? '--arch'}: model '${family.name}' has no '${arch}' architecture; expected one of ${family.archs.join(', ')}`,
    );
  }
  if (arch === 'conv' && data.kind !== 'images') {
    throw new UsageError(
      `--data: the conv ${family.name} needs 28×28 images (mnist or fashion-mnist), got '${data.name}'`,
    );
  }
  const defaults = family.defaults(data, arch);
  if (s.steps && s.epochs) throw new UsageError('--steps and --epochs: give one, not both');
  const batchSize = s.batchSize
    ? parseInteger(s.batchSize.source, s.batchSize.value)
    : Math.min(defaults.batchSize, data.n);
  if (batchSize > data.n) {
    throw new UsageError(
      `${s.batchSize?.source}: expected at most the ${data.n} rows of --data, got ${batchSize}`,
    );
  }
  const steps = s.steps
    ? parseInteger(s.steps.source, s.steps.value)
    : s.epochs
      ? epochSteps(s.epochs, Math.ceil(data.n / batchSize))
      : defaults.steps;
  let loss: string | null = null;
  if (s.loss) {
    if (family.losses.length === 0)
      throw new UsageError(`${s.loss.source}: model '${family.name}' takes no --loss`);
    loss = parseChoice(s.loss.source, s.loss.value, family.losses);
  } else if (family.losses.length > 0) loss = family.losses[0]!;
  const conditional = conditionalSetting(s, family, data.name);
  if (conditional && !family.conditionalArchs.includes(arch)) {
    throw new UsageError(
      `${s.conditional?.source ?? '--conditional'}: the ${arch} ${family.name} has no class-conditional form; use --arch ${family.conditionalArchs.join(' or ')}`,
    );
  }
  const given = (s.options?.value ?? {}) as Record<string, unknown>;
  const context = { data, arch, loss };
  const options = mergeOptions(defaults.options, given, family.name, family.optionFlags, context);
  for (const flag of OPTION_FLAGS) {
    const setting = s[flag.option];
    if (setting === undefined) continue;
    const own = family.optionFlags.find((f) => f.option === flag.option);
    if (own === undefined) {
      const which = MODEL_NAMES.filter((name) =>
        familyOf(name).optionFlags.some((f) => f.option === flag.option),
      );
      throw new UsageError(
        `${setting.source}: model '${family.name}' takes no ${setting.source}; it is an option of ${which.join(', ')}`,
      );
    }
    options[flag.option] = own.parse(setting.source, setting.value, context);
  }
  return {
    version: 1,
    model: family.name,
    data: data.name,
    limit: early.limit,
    arch,
    steps,
    batchSize,
    lr: s.lr ? parsePositive(s.lr.source, s.lr.value, LIMITS.lr) : defaults.lr,
    seed: early.seed,
    backend: early.backend,
    loss,
    checkpointEvery: s.checkpointEvery
      ? parseInteger(s.checkpointEvery.source, s.checkpointEvery.value)
      : Math.max(1, Math.min(500, Math.ceil(steps / 10))),
    evalSamples: s.evalSamples
      ? parseInteger(s.evalSamples.source, s.evalSamples.value, 2, LIMITS.rows)
      : data.kind === 'images'
        ? 64
        : 1000,
    binarize: binarizeSetting(s, family, data.name),
    conditional,
    options,
  };
}
