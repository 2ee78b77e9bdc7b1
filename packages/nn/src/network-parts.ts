import {
  assertKnownOptions,
  InvalidArgumentError,
  invalidArgument,
  type NamedTensors,
  type Network,
  ShapeMismatchError,
  withoutFiniteChecks,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { assertFiniteWeights } from './finite-weights.js';

interface Entry {
  part: string;
  /** The name in the network's own `getWeights()`. */
  own: string;
  shape: number[];
  dtype: tf.DataType;
}

/** Options of {@link NetworkParts}. */
export interface NetworkPartsOptions {
  /**
   * Store a weight whose name already starts with `<part>/` under that name, not under
   * `<part>/<part>/…` (default false: every name gets the prefix).
   */
  keepPrefixed?: boolean;
}

/**
 * The weights of a model made of named networks (a GAN's `generator` and `discriminator`, a
 * VAE's `encoder` and `decoder`) under one set of names: a network's weight `w` is stored as
 * `<part>/w` (with `keepPrefixed`, as `w` itself when it already starts with `<part>/`). Names,
 * shapes and dtypes are read once, when the model is built; `set` checks everything before it
 * assigns anything.
 *
 * ```ts
 * const parts = new NetworkParts('Gan', { generator, discriminator });
 * parts.get();                          // { 'generator/…': copy, 'discriminator/…': copy }
 * parts.set('Gan.setWeights', weights); // routes each name to its network's setWeights
 * ```
 */
export class NetworkParts {
  private readonly parts: Readonly<Record<string, Network>>;
  private readonly keepPrefixed: boolean;
  private readonly entries = new Map<string, Entry>();

  constructor(fn: string, parts: Record<string, Network>, options: NetworkPartsOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw invalidArgument('NetworkParts', 'options', options, 'must be an options object');
    }
    assertKnownOptions('NetworkParts', options, ['keepPrefixed']);
    if (options.keepPrefixed !== undefined && typeof options.keepPrefixed !== 'boolean') {
      throw invalidArgument(
        'NetworkParts',
        'keepPrefixed',
        options.keepPrefixed,
        'must be a boolean',
      );
    }
    this.parts = parts;
    this.keepPrefixed = options.keepPrefixed ?? false;
    for (const [part, network] of Object.entries(parts)) {
      const copies = network.getWeights();
      for (const [own, t] of Object.entries(copies)) {
        const stored = this.storedName(part, own);
        const clash = this.entries.get(stored);
        if (clash !== undefined) {
          tf.dispose(copies);
          throw invalidArgument(
            fn,
            part,
            stored,
            `has weights named '${clash.own}' and '${own}', which would both be stored under this name`,
          );
        }
        this.entries.set(stored, { part, own, shape: t.shape, dtype: t.dtype });
      }
      tf.dispose(copies);
    }
  }

  /** Copies of every weight by stored name; the caller owns them. */
  get(): NamedTensors {
    const out: NamedTensors = {};
    for (const [part, network] of Object.entries(this.parts)) {
      for (const [own, t] of Object.entries(network.getWeights())) {
        out[this.storedName(part, own)] = t;
      }
    }
    return out;
  }

  /**
   * Assigns every network from stored names; names, dtypes, shapes and finiteness (no NaN or
   * ±Inf) are all checked first, so nothing changes unless everything matches.
   */
  set(fn: string, weights: NamedTensors): void {
    if (weights === null || typeof weights !== 'object') {
      throw invalidArgument(fn, 'weights', weights, 'must be an object of named tensors');
    }
    const unexpected = Object.keys(weights).filter((k) => !this.entries.has(k));
    if (unexpected.length > 0) {
      throw invalidArgument(fn, 'weights', unexpected, 'holds unknown names');
    }
    const missing = [...this.entries.keys()].filter((k) => !Object.hasOwn(weights, k));
    if (missing.length > 0) throw invalidArgument(fn, 'weights', missing, 'lacks these names');
    const split: Record<string, NamedTensors> = {};
    for (const part of Object.keys(this.parts)) split[part] = {};
    for (const [stored, { part, own, shape, dtype }] of this.entries) {
      const t = weights[stored];
      if (!(t instanceof tf.Tensor) || t.isDisposed) {
        throw new InvalidArgumentError(`${fn}: weight '${stored}' must be a live tf.Tensor`);
      }
      if (t.dtype !== dtype || !tf.util.arraysEqual(t.shape, shape)) {
        throw new ShapeMismatchError(
          `${fn}: weight '${stored}' must be ${dtype} [${shape.join(', ')}], ` +
            `got ${t.dtype} [${t.shape.join(', ')}]`,
        );
      }
      split[part]![own] = t;
    }
    assertFiniteWeights(fn, weights);
    // Checked above, all at once; the networks need not read them again.
    withoutFiniteChecks(() => {
      for (const [part, network] of Object.entries(this.parts)) network.setWeights(split[part]!);
    });
  }

  private storedName(part: string, own: string): string {
    return this.keepPrefixed && own.startsWith(`${part}/`) ? own : `${part}/${own}`;
  }
}
