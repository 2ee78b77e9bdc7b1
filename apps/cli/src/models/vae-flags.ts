import type { Posterior, Prior } from '@gen/vae';
import { badFlag, UsageError } from '../errors.js';
import type { FlagContext } from './family.js';

/** Largest K of `--prior vamp:<K>` (learned pseudo-inputs; the VampPrior paper used 500). */
export const MAX_PSEUDO_INPUTS = 1000;
/** Largest number of IAF steps (@gen/vae's own bound). */
export const MAX_IAF_STEPS = 64;
/** Largest hidden width of an IAF step's MADE. */
export const MAX_IAF_WIDTH = 4096;
/** Hidden width of an IAF step's MADE when `--posterior iaf:<steps>` names none. */
export const IAF_WIDTH = 64;
/** Largest codebook of `--vq` (K code vectors). */
export const MAX_CODEBOOK = 65_536;
/** Most code vectors per example of `--vq`. */
export const MAX_CODES = 1024;

/** The integers of `value` matched by `pattern` (one capture group each, undefined if unmatched), or null. */
function integers(value: unknown, pattern: RegExp): (number | undefined)[] | null {
  const match = typeof value === 'string' ? pattern.exec(value.trim()) : null;
  if (match === null) return null;
  return match.slice(1).map((g) => (g === undefined ? undefined : Number(g)));
}

const within = (n: number | undefined, max: number): n is number =>
  n !== undefined && Number.isSafeInteger(n) && n >= 1 && n <= max;

/** Parses `--prior`: 'standard' or 'vamp:<K>' (the stored form). */
export function parsePriorFlag(source: string, value: unknown): string {
  if (value === 'standard') return value;
  const [k] = integers(value, /^vamp:(\d+)$/) ?? [];
  if (!within(k, MAX_PSEUDO_INPUTS)) {
    badFlag(source, value, `standard or vamp:<K> with K an integer from 1 to ${MAX_PSEUDO_INPUTS}`);
  }
  return `vamp:${k}`;
}

/** Parses `--posterior`: 'gaussian', or 'iaf:<steps>[x<width>]' stored as 'iaf:<steps>x<width>'. */
export function parsePosteriorFlag(source: string, value: unknown): string {
  if (value === 'gaussian') return value;
  const [steps, width = IAF_WIDTH] = integers(value, /^iaf:(\d+)(?:x(\d+))?$/) ?? [];
  if (!within(steps, MAX_IAF_STEPS) || !within(width, MAX_IAF_WIDTH)) {
    badFlag(
      source,
      value,
      `gaussian or iaf:<steps>[x<width>] with steps from 1 to ${MAX_IAF_STEPS} and width from 1 to ${MAX_IAF_WIDTH}`,
    );
  }
  return `iaf:${steps}x${width}`;
}

/** Parses `--vq <codes>x<K>` (stored as given, normalised); VqVae has an MLP form only. */
export function parseVqFlag(source: string, value: unknown, { arch }: FlagContext): string {
  const [codes, size] = integers(value, /^(\d+)x(\d+)$/) ?? [];
  if (!within(codes, MAX_CODES) || !within(size, MAX_CODEBOOK)) {
    badFlag(
      source,
      value,
      `<codes>x<K>: 1 to ${MAX_CODES} code vectors per example from a codebook of K = 1 to ${MAX_CODEBOOK}`,
    );
  }
  if (arch !== 'mlp') {
    throw new UsageError(`${source}: the VQ-VAE is an MLP; use --arch mlp, not --arch ${arch}`);
  }
  return `${codes}x${size}`;
}

/** `{ codes, codebookSize }` of a stored `vq` option ('<codes>x<K>'). */
export function vqShape(stored: string): { codes: number; codebookSize: number } {
  const [codes, codebookSize] = stored.split('x').map(Number) as [number, number];
  return { codes, codebookSize };
}

/** Flags of a run, by option, as `gen train` names them. */
const FLAG_OF: Record<string, string> = {
  betaAnneal: '--beta-anneal',
  objective: '--objective',
  prior: '--prior',
  posterior: '--posterior',
};

/**
 * The `Vae` prior and posterior of the stored `prior` / `posterior` options, only those given
 * other than the defaults (so older runs rebuild as trained). Refuses what the VAE cannot do:
 * a VampPrior with an IAF posterior, or with a condition (its pseudo-inputs have no label).
 */
export function vaeLatents(
  options: Record<string, unknown>,
  conditional: boolean,
): { prior?: Prior; posterior?: Posterior } {
  const prior = options.prior as string | undefined;
  const posterior = options.posterior as string | undefined;
  const vamp = prior !== undefined && prior !== 'standard';
  const iaf = posterior !== undefined && posterior !== 'gaussian';
  if (vamp && iaf) {
    throw new UsageError(
      `--posterior: an IAF posterior (${posterior}) cannot be combined with --prior ${prior}; give one of them`,
    );
  }
  if (vamp && conditional) {
    throw new UsageError(
      `--prior: the VampPrior (${prior}) has no class-conditional form (its pseudo-inputs carry no label); leave out --conditional or --prior`,
    );
  }
  const [layers, width] = iaf ? posterior.slice('iaf:'.length).split('x').map(Number) : [];
  return {
    ...(vamp ? { prior: { vamp: Number(prior.slice('vamp:'.length)) } } : {}),
    ...(iaf ? { posterior: { iaf: { layers: layers!, hiddenSizes: [width!] } } } : {}),
  };
}

/** Refuses the VAE-only options given with `--vq` (a VQ-VAE has no KL term, prior or posterior). */
export function assertVqAlone(options: Record<string, unknown>, conditional: boolean): void {
  const clash = Object.keys(FLAG_OF).find((key) => options[key] !== undefined);
  if (clash !== undefined) {
    throw new UsageError(
      `--vq: the VQ-VAE has no KL term, prior or posterior to set; leave out ${FLAG_OF[clash]}`,
    );
  }
  if (conditional) {
    throw new UsageError('--vq: the VQ-VAE has no class-conditional form; leave out --conditional');
  }
}
