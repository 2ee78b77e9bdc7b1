import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';

/** Keys a --config file may hold: the train flags in camelCase, plus model `options`. */
export const CONFIG_KEYS = [
  'model',
  'data',
  'steps',
  'epochs',
  'batchSize',
  'lr',
  'seed',
  'backend',
  'loss',
  'arch',
  'limit',
  'checkpointEvery',
  'evalSamples',
  'binarize',
  'conditional',
  'options',
] as const;

/**
 * Reads a JSON or YAML (`.yaml`/`.yml`) config file into a plain object. An unreadable file, a
 * parse error, a non-object document or an unknown key is a usage error naming --config and the
 * file.
 */
export function readConfigFile(path: string): Record<string, unknown> {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unknown error';
    throw new UsageError(`--config: cannot read '${file}' (${code})`);
  }
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config: cannot parse '${file}': ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--config: '${file}' must hold an object of settings`);
  }
  for (const key of Object.keys(value)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new UsageError(
        `--config: unknown key '${key}' in '${file}'; expected ${CONFIG_KEYS.join(', ')}`,
      );
    }
  }
  const options = (value as { options?: unknown }).options;
  if (
    options !== undefined &&
    (options === null || typeof options !== 'object' || Array.isArray(options))
  ) {
    throw new UsageError(`--config: 'options' in '${file}' must be an object`);
  }
  return value as Record<string, unknown>;
}
