/** Mean, standard error and unbiased variance of a sample (float64). */
export function moments(values: ArrayLike<number>): { mean: number; se: number; variance: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  const variance = squares / (n - 1);
  return { mean, se: Math.sqrt(variance / n), variance };
}
