import { NumericalError } from '@gen/core';

/**
 * Refuses metrics that are NaN or infinite: a model that evaluates to NaN is broken (diverged or
 * corrupt weights), and printing `NaN` with exit 0 would pass it off as a result. `what` says
 * which model, e.g. "the run '…' at step 300".
 */
export function assertFiniteMetrics(metrics: Record<string, number>, what: string): void {
  const bad = Object.entries(metrics).filter(([, v]) => !Number.isFinite(v));
  if (bad.length > 0) {
    throw new NumericalError(
      `${what} evaluates to ${bad.map(([k, v]) => `${k} = ${v}`).join(', ')}; its weights have diverged or are corrupt, so nothing is reported`,
    );
  }
}

/** Refuses samples holding NaN or infinite values (see {@link assertFiniteMetrics}). */
export function assertFiniteRows(rows: number[][], what: string): void {
  const row = rows.findIndex((r) => r.some((v) => !Number.isFinite(v)));
  if (row >= 0) {
    throw new NumericalError(
      `${what} drew a non-finite sample (row ${row}: ${rows[row]!.join(',')}); its weights have diverged or are corrupt, so nothing is written`,
    );
  }
}

/** Refuses model draws holding NaN or infinite values (see {@link assertFiniteMetrics}). */
export function assertFiniteValues(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new NumericalError(
        `${what} draws non-finite samples (${values[i]}); its weights have diverged or are corrupt, so nothing is reported`,
      );
    }
  }
}
