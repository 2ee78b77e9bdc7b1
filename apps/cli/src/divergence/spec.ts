import type { Distribution } from '@gen/core';
import { loadCsv } from '@gen/data/node';
import { Beta, Exponential, Gamma, Laplace, Normal, Uniform } from '@gen/distributions';
import type * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';

/** A 1-D distribution family that `--p`/`--q` can name, with its parameters in order. */
interface Family {
  params: readonly string[];
  make: (v: number[]) => Distribution;
}

/** Families accepted as `name(a,b)` specs (parameters as in the @gen/distributions constructors). */
export const FAMILIES: Record<string, Family> = {
  normal: {
    params: ['loc', 'scale'],
    make: ([loc, scale]) => new Normal({ loc: loc!, scale: scale! }),
  },
  laplace: {
    params: ['loc', 'scale'],
    make: ([loc, scale]) => new Laplace({ loc: loc!, scale: scale! }),
  },
  uniform: {
    params: ['low', 'high'],
    make: ([low, high]) => new Uniform({ low: low!, high: high! }),
  },
  exponential: { params: ['rate'], make: ([rate]) => new Exponential({ rate: rate! }) },
  gamma: {
    params: ['concentration', 'rate'],
    make: ([concentration, rate]) => new Gamma({ concentration: concentration!, rate: rate! }),
  },
  beta: { params: ['a', 'b'], make: ([a, b]) => new Beta({ a: a!, b: b! }) },
};

/** A parsed `--p`/`--q` value: a probability vector, a distribution, or a CSV file of samples. */
export type Spec =
  | { kind: 'vector'; probs: number[] }
  | { kind: 'distribution'; family: string; values: number[] }
  | { kind: 'samples'; path: string; rows: number; columns: number };

const NUMBER = '[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?';
const VECTOR = new RegExp(`^\\s*${NUMBER}(?:\\s*,\\s*${NUMBER})+\\s*$`);
const CALL = /^\s*([a-zA-Z][\w-]*)\s*\((.*)\)\s*$/;
/** Tolerance on Σp = 1 for vectors typed by hand (e.g. 0.333,0.333,0.334 is fine). */
const SUM_TOLERANCE = 1e-6;

function parseVector(flag: string, text: string): Spec {
  const probs = text.split(',').map((s) => Number(s.trim()));
  const negative = probs.findIndex((v) => v < 0);
  if (negative >= 0) {
    throw new UsageError(
      `${flag}: probability ${probs[negative]} at index ${negative} is negative (in "${text}")`,
    );
  }
  const sum = probs.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    throw new UsageError(`${flag}: probabilities must sum to 1, "${text}" sums to ${sum}`);
  }
  return { kind: 'vector', probs };
}

function parseDistribution(flag: string, text: string, name: string, args: string): Spec {
  const family = FAMILIES[name.toLowerCase()];
  if (family === undefined) {
    throw new UsageError(
      `${flag}: unknown distribution "${name}" in "${text}"; known: ${Object.entries(FAMILIES)
        .map(([n, f]) => `${n}(${f.params.join(',')})`)
        .join(', ')}`,
    );
  }
  const parts = args.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (
    parts.length !== family.params.length ||
    parts.some((s) => !new RegExp(`^${NUMBER}$`).test(s))
  ) {
    throw new UsageError(
      `${flag}: ${name} takes ${family.params.length} numbers (${family.params.join(', ')}), got "${text}"`,
    );
  }
  // Construct once to let the family check its parameters (positive scale, low < high, …).
  try {
    (family.make(values) as { dispose?: () => void }).dispose?.();
  } catch (error) {
    throw new UsageError(`${flag}: invalid "${text}": ${(error as Error).message}`);
  }
  return { kind: 'distribution', family: name.toLowerCase(), values };
}

function parseSamples(flag: string, path: string): Spec {
  const x = readSamples(flag, path);
  const [rows, columns] = x.shape;
  x.dispose();
  return { kind: 'samples', path, rows, columns };
}

/** Reads a numeric CSV file (no header) as an `[n, d]` tensor; a {@link UsageError} names the flag and file. */
export function readSamples(flag: string, path: string): tf.Tensor2D {
  try {
    return loadCsv(path, { comment: '#' }).x;
  } catch (error) {
    throw new UsageError(`${flag}: cannot use CSV file '${path}': ${(error as Error).message}`);
  }
}

/**
 * Parses a `--p`/`--q` value: `0.2,0.3,0.5` (a probability vector), `normal(0,1)` (a
 * distribution of {@link FAMILIES}) or anything else as the path of a CSV file of samples.
 */
export function parseSpec(flag: string, text: string): Spec {
  if (VECTOR.test(text)) return parseVector(flag, text);
  const call = CALL.exec(text);
  if (call !== null) return parseDistribution(flag, text, call[1]!, call[2]!);
  if (text.trim() === '')
    throw new UsageError(`${flag}: expected a vector, a distribution or a CSV file, got ""`);
  return parseSamples(flag, text);
}

/** Builds the distribution of a `distribution` spec (the caller disposes it). */
export function makeDistribution(spec: Extract<Spec, { kind: 'distribution' }>): Distribution {
  return FAMILIES[spec.family]!.make(spec.values);
}

/** Checks that P and Q are the same kind and dimension. */
export function checkCompatible(p: Spec, q: Spec): void {
  if (p.kind !== q.kind) {
    throw new UsageError(
      `--p and --q must be the same kind, got a ${p.kind} (--p) and a ${q.kind} (--q)`,
    );
  }
  if (p.kind === 'vector' && q.kind === 'vector' && p.probs.length !== q.probs.length) {
    throw new UsageError(
      `--p and --q must have the same length, got ${p.probs.length} (--p) and ${q.probs.length} (--q)`,
    );
  }
  if (p.kind === 'samples' && q.kind === 'samples' && p.columns !== q.columns) {
    throw new UsageError(
      `--p and --q must have the same number of columns, got ${p.columns} ('${p.path}') and ${q.columns} ('${q.path}')`,
    );
  }
}
