import {
  assertBijector,
  assertDistribution,
  type Bijector,
  brand,
  type Distribution,
  NotImplementedError,
  type Rng,
  ShapeMismatchError,
} from '@gen/core';
import * as tf from '@tensorflow/tfjs-core';
import { disposePart, expandPart, prefixedParams, sumRightmost } from './composite-utils.js';
import { BaseDistribution, type DistributionOptions } from './distribution.js';
import { checkParamsObject } from './options.js';

/** How many TransformedDistributions (an original and its expanded copies) share a bijector. */
const bijectorUsers = new WeakMap<Bijector, number>();

export interface TransformedDistributionParams extends DistributionOptions {
  base: Distribution;
  /** A shape-preserving bijector whose eventRank is at most the base's event rank. */
  bijector: Bijector;
}

/**
 * The distribution of Y = f(X) for X ~ base and a bijector f (change of variables):
 * log p_Y(y) = log p_X(f⁻¹(y)) + log |det ∂f⁻¹/∂y|, where an elementwise log-det is summed over
 * the base's event axes. batchShape and eventShape are the base's (bijector parameters must
 * broadcast within them). `sample`/`rsample` push base draws through `forward`; `rsample`
 * exactly when the base has it, with gradients into the bijector's parameters too.
 *
 * Moments in closed form only for affine f (`isConstantJacobian`): mean f(E[X]); entropy
 * H(X) + log |det J|; variance e^(2 log|f'|)·Var(X) for elementwise f. Otherwise `mean`,
 * `variance` and `entropy` throw NotImplementedError (estimate them from samples).
 * Takes ownership of `base` and `bijector`: `dispose()` disposes both.
 *
 * ```ts
 * const logNormal = new TransformedDistribution({
 *   base: new Normal({ loc: 0, scale: 0.5 }),
 *   bijector: new Exp(),
 * });
 * logNormal.logProb(tf.tensor1d([1]));               // [log N(0 | 0, 0.5)] = [−0.2258]
 * ```
 */
export class TransformedDistribution extends BaseDistribution {
  static {
    brand(TransformedDistribution, '@gen/distributions/TransformedDistribution');
  }

  readonly hasRsample: boolean;
  readonly support = 'real' as const;
  readonly base: Distribution;
  readonly bijector: Bijector;
  /** Base event axes that the bijector's log-det does not already sum over. */
  protected readonly extraEventRank: number;
  /** Whether dispose() has released this distribution's share of the bijector. */
  private released = false;

  constructor(params: TransformedDistributionParams) {
    checkParamsObject(new.target.name, params, ['base', 'bijector']);
    const { base, bijector, ...options } = params;
    assertDistribution('TransformedDistribution', 'base', base);
    assertBijector('TransformedDistribution', 'bijector', bijector);
    const eventRank = base.eventShape.length;
    if (bijector.eventRank > eventRank) {
      throw new ShapeMismatchError(
        `TransformedDistribution: the bijector's eventRank ${bijector.eventRank} exceeds the base's event rank ${eventRank} (event shape [${base.eventShape.join(', ')}]); wrap the base in Independent to make batch axes part of the event`,
      );
    }
    // new.target: a subclass (Flow) may name the bijector's parameters its own way.
    const paramsOf = (new.target as typeof TransformedDistribution).bijectorParams;
    super({ ...base.params, ...paramsOf(bijector) }, base.batchShape, base.eventShape, options);
    this.base = base;
    this.bijector = bijector;
    this.hasRsample = base.hasRsample;
    this.extraEventRank = eventRank - bijector.eventRank;
  }

  /** The bijector's entries of `params`: `bijector.<name>` for each of its parameters. */
  protected static bijectorParams(bijector: Bijector): Record<string, tf.Tensor> {
    return prefixedParams('bijector', bijector);
  }

  override dispose(): void {
    disposePart(this.base);
    // An expanded copy shares the bijector: the last of them to go disposes it.
    if (!this.released) {
      this.released = true;
      const users = (bijectorUsers.get(this.bijector) ?? 1) - 1;
      if (users > 0) bijectorUsers.set(this.bijector, users);
      else {
        bijectorUsers.delete(this.bijector);
        disposePart(this.bijector);
      }
    }
    super.dispose();
  }

  /**
   * The base expanded, through the same bijector (whose parameters broadcast within the new
   * shape as they did within the old): the copy shares it, and it is disposed with the last
   * distribution that uses it. A subclass whose constructor takes other arguments gets a plain
   * TransformedDistribution unless it overrides this.
   */
  protected override _expand(batchShape: number[]): BaseDistribution {
    const base = expandPart(`${this.name}.expand`, 'base', this.base, [
      ...batchShape,
      ...this.base.batchShape.slice(this.batchShape.length),
    ]);
    let expanded: TransformedDistribution;
    try {
      expanded = new TransformedDistribution({
        base,
        bijector: this.bijector,
        validateArgs: false,
      });
    } catch (error) {
      disposePart(base);
      throw error;
    }
    bijectorUsers.set(this.bijector, (bijectorUsers.get(this.bijector) ?? 1) + 1);
    return expanded;
  }

  protected override _sample(n: number, rng: Rng): tf.Tensor {
    return this.push(this.base.sample(n, rng));
  }

  protected override _rsample(n: number, rng: Rng): tf.Tensor {
    return this.push(this.base.rsample(n, rng));
  }

  protected _logProb(y: tf.Tensor): tf.Tensor {
    const { x, logDet } = this.bijector.inverseAndLogDet(y);
    return tf.add(this.base.logProb(x), sumRightmost(logDet, this.extraEventRank));
  }

  protected _entropy(): tf.Tensor {
    return tf.add(
      this.base.entropy(),
      sumRightmost(this.constantLogDet('entropy'), this.extraEventRank),
    );
  }

  protected _mean(): tf.Tensor {
    this.constantLogDet('mean');
    return this.bijector.forward(this.base.mean());
  }

  protected _variance(): tf.Tensor {
    const logDet = this.constantLogDet('variance');
    if (this.bijector.eventRank !== 0) {
      throw new NotImplementedError(
        `TransformedDistribution.variance: needs an elementwise bijector (eventRank 0); ${nameOf(this.bijector)} mixes coordinates`,
      );
    }
    return tf.mul(tf.exp(tf.mul(2, logDet)), this.base.variance());
  }

  /** The constant forward log-det of an affine bijector (at 0); throws for any other. */
  private constantLogDet(what: string): tf.Tensor {
    if (!this.bijector.isConstantJacobian) {
      throw new NotImplementedError(
        `TransformedDistribution.${what}: no closed form through ${nameOf(this.bijector)}, whose Jacobian is not constant; estimate it from samples`,
      );
    }
    return this.bijector.forwardAndLogDet(tf.zeros([...this.batchShape, ...this.eventShape]))
      .logDet;
  }

  private push(x: tf.Tensor): tf.Tensor {
    const y = this.bijector.forward(x);
    if (!tf.util.arraysEqual(y.shape, x.shape)) {
      throw new ShapeMismatchError(
        `${this.name}.sample: the bijector changed the sample shape [${x.shape.join(', ')}] to [${y.shape.join(', ')}]; its parameters must broadcast within the base's batch and event shape`,
      );
    }
    return y;
  }
}

function nameOf(b: Bijector): string {
  return (b as { name?: string }).name ?? b.constructor.name;
}
