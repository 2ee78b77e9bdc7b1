/**
 * The exact K-sample objective E[log (1/K) Σₖ exp(c(xₖ))] of a discrete distribution with
 * probabilities `probs` over the outcomes 0…n−1, by enumerating all nᴷ draws (float64).
 */
export function kSampleBound(
  probs: readonly number[],
  k: number,
  logWeight: (outcome: number) => number,
): number {
  const n = probs.length;
  let total = 0;
  const draw = new Array<number>(k).fill(0);
  for (let index = 0; index < n ** k; index++) {
    let rest = index;
    for (let j = 0; j < k; j++) {
      draw[j] = rest % n;
      rest = Math.floor(rest / n);
    }
    let p = 1;
    let top = Number.NEGATIVE_INFINITY;
    for (const x of draw) {
      p *= probs[x]!;
      top = Math.max(top, logWeight(x));
    }
    let sum = 0;
    for (const x of draw) sum += Math.exp(logWeight(x) - top);
    total += p * (top + Math.log(sum / k));
  }
  return total;
}

/** Softmax of `logits` (float64). */
export function softmax(logits: readonly number[]): number[] {
  const top = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - top));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Central finite difference of `f` at `x` along each coordinate (float64). */
export function finiteGradient(
  f: (x: number[]) => number,
  x: readonly number[],
  h = 1e-5,
): number[] {
  return x.map((_, i) => {
    const up = [...x];
    const down = [...x];
    up[i]! += h;
    down[i]! -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}
