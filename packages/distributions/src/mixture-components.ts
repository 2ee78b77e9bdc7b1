import {
  assertDistribution,
  type Distribution,
  InvalidArgumentError,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { disposePart, prefixedParams } from './composite-utils.js';

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

/**
 * The K components of a Mixture seen as one stacked family, whatever form they were given in:
 * each method returns the per-component values with the component axis K placed just before
 * the event axes (`[..., K, ...event]`).
 */
export class MixtureComponents {
  /** Batch shape shared by the components, without the component axis. */
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  readonly count: number;
  readonly params: Record<string, tf.Tensor>;

  constructor(private readonly components: Distribution | readonly Distribution[]) {
    if (Array.isArray(components)) {
      const list = components as readonly Distribution[];
      if (list.length === 0) {
        throw new InvalidArgumentError("Mixture: argument 'components' must not be an empty array");
      }
      list.forEach((c, i) => {
        assertDistribution('Mixture', `components[${i}]`, c);
      });
      const first = list[0]!;
      list.forEach((c, i) => {
        const same =
          tf.util.arraysEqual([...c.batchShape], [...first.batchShape]) &&
          tf.util.arraysEqual([...c.eventShape], [...first.eventShape]);
        if (!same) {
          throw new ShapeMismatchError(
            `Mixture: argument 'components' must share batch and event shapes, got batch ${shapeText(c.batchShape)} event ${shapeText(c.eventShape)} at index ${i} and batch ${shapeText(first.batchShape)} event ${shapeText(first.eventShape)} at index 0`,
          );
        }
      });
      this.batchShape = first.batchShape;
      this.eventShape = first.eventShape;
      this.count = list.length;
      this.params = Object.assign({}, ...list.map((c, i) => prefixedParams(`components.${i}`, c)));
    } else {
      assertDistribution('Mixture', 'components', components);
      const single = components as Distribution;
      const k = single.batchShape[single.batchShape.length - 1];
      if (k === undefined) {
        throw new ShapeMismatchError(
          `Mixture: argument 'components' must have a batch axis indexing the components (its last), got batch shape []`,
        );
      }
      this.batchShape = single.batchShape.slice(0, -1);
      this.eventShape = single.eventShape;
      this.count = k;
      this.params = prefixedParams('components', single);
    }
  }

  private get eventRank(): number {
    return this.eventShape.length;
  }

  /** Per-component values of `f`, stacked on a new axis before the `trailing` rightmost axes. */
  private stacked(f: (d: Distribution) => tf.Tensor, trailing: number): tf.Tensor {
    if (!Array.isArray(this.components)) return f(this.components as Distribution);
    const values = (this.components as readonly Distribution[]).map(f);
    return tf.stack(values, values[0]!.rank - trailing);
  }

  /** log p_k(x) for every k: `[...sample, ...batch, K]`. */
  logProb(x: tf.Tensor): tf.Tensor {
    if (Array.isArray(this.components)) return this.stacked((c) => c.logProb(x), 0);
    return (this.components as Distribution).logProb(tf.expandDims(x, x.rank - this.eventRank));
  }

  mean(): tf.Tensor {
    return this.stacked((c) => c.mean(), this.eventRank);
  }

  variance(): tf.Tensor {
    return this.stacked((c) => c.variance(), this.eventRank);
  }

  /** n draws of every component: `[n, ...batch, K, ...event]`. */
  sample(n: number, rng: Rng): tf.Tensor {
    const rngs = rng.split(this.count);
    let i = 0;
    return this.stacked((c) => c.sample(n, rngs[i++]!), this.eventRank);
  }

  dispose(): void {
    const parts = Array.isArray(this.components) ? this.components : [this.components];
    for (const part of parts) disposePart(part);
  }
}
