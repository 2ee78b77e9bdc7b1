import { hasLabels, IMAGE_DATASETS } from '../data/datasets.js';
import { UsageError } from '../errors.js';
import { ARCHS, binarizes as binarizesWith, MODEL_NAMES } from '../models/family.js';
import { familyOf } from '../models/registry.js';
import { BACKENDS, BINARIZATIONS, type RunConfig } from './config.js';
import { LIMITS, parseChoice, parseInteger, parsePositive, parseSeed } from './parse.js';

/**
 * Checks a run's config.json as read back from disk: every key `gen train` writes, with a value
 * it could have written. A hand-edited or damaged file is a usage error naming the file and the
 * key, not a model built from garbage. A config written before `binarize` existed reads as the
 * static binarisation its run was trained on, one written before `conditional` existed as an
 * unconditional run.
 */
export function checkStoredConfig(value: unknown, file: string): RunConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`'${file}' is not a gen run config (expected a JSON object)`);
  }
  const c = value as Record<string, unknown>;
  const at = (key: string) => `'${file}' (${key})`;
  if (c.version !== 1)
    throw new UsageError(`${at('version')}: expected 1, got ${JSON.stringify(c.version)}`);
  parseChoice(at('model'), c.model, MODEL_NAMES);
  if (typeof c.data !== 'string' || c.data === '') {
    throw new UsageError(
      `${at('data')}: expected a dataset name or CSV path, got ${JSON.stringify(c.data)}`,
    );
  }
  if (c.limit !== null) parseInteger(at('limit'), c.limit, 2, LIMITS.rows);
  parseChoice(at('arch'), c.arch, ARCHS);
  parseInteger(at('steps'), c.steps);
  parseInteger(at('batchSize'), c.batchSize);
  parsePositive(at('lr'), c.lr, LIMITS.lr);
  parseSeed(at('seed'), c.seed);
  parseChoice(at('backend'), c.backend, BACKENDS);
  if (c.loss !== null && typeof c.loss !== 'string') {
    throw new UsageError(
      `${at('loss')}: expected a loss name or null, got ${JSON.stringify(c.loss)}`,
    );
  }
  parseInteger(at('checkpointEvery'), c.checkpointEvery);
  parseInteger(at('evalSamples'), c.evalSamples, 2, LIMITS.rows);
  const images = (IMAGE_DATASETS as readonly string[]).includes(c.data);
  const options = typeof c.options === 'object' && c.options !== null ? c.options : {};
  const binarizes =
    binarizesWith(familyOf(c.model as string), options as Record<string, unknown>) && images;
  if (c.binarize === undefined) c.binarize = binarizes ? 'static' : null;
  else if (c.binarize !== null || binarizes) {
    if (!binarizes) {
      throw new UsageError(
        `${at('binarize')}: expected null (model '${c.model}' on '${c.data}' is not binarised), got ${JSON.stringify(c.binarize)}`,
      );
    }
    parseChoice(at('binarize'), c.binarize, BINARIZATIONS);
  }
  // A run written before conditional models existed is unconditional.
  if (c.conditional === undefined) c.conditional = false;
  else if (typeof c.conditional !== 'boolean') {
    throw new UsageError(
      `${at('conditional')}: expected true or false, got ${JSON.stringify(c.conditional)}`,
    );
  } else if (
    c.conditional &&
    (!familyOf(c.model as string).conditionalArchs.includes(c.arch as never) || !hasLabels(c.data))
  ) {
    throw new UsageError(
      `${at('conditional')}: the ${c.arch} model '${c.model}' on '${c.data}' cannot be class-conditional`,
    );
  }
  if (c.options === null || typeof c.options !== 'object' || Array.isArray(c.options)) {
    throw new UsageError(`${at('options')}: expected an object, got ${JSON.stringify(c.options)}`);
  }
  return c as unknown as RunConfig;
}
