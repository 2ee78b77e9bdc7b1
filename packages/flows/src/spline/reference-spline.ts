// An independent float64 reference of the rational-quadratic spline (test support): written
// from Durkan et al. 2019, eqs. 4–5 and nflows' parametrisation, with plain loops.

interface Constants {
  tailBound: number;
  minBinWidth: number;
  minBinHeight: number;
  minDerivative: number;
}

function knots(raw: number[], min: number, bound: number): number[] {
  const max = Math.max(...raw);
  const e = raw.map((v) => Math.exp(v - max));
  const total = e.reduce((a, b) => a + b, 0);
  const sizes = e.map((v) => min + (1 - min * raw.length) * (v / total));
  const out = [-bound];
  let acc = 0;
  for (const s of sizes) {
    acc += s;
    out.push(-bound + 2 * bound * acc);
  }
  out[out.length - 1] = bound;
  return out;
}

const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));

/** y and log dy/dx of each x[i] under the spline with raw parameters row i. */
export function referenceSpline(
  x: number[],
  widths: number[][],
  heights: number[][],
  derivatives: number[][],
  c: Constants,
): { y: number[]; logDet: number[] } {
  const y: number[] = [];
  const logDet: number[] = [];
  x.forEach((v, i) => {
    const xs = knots(widths[i]!, c.minBinWidth, c.tailBound);
    const ys = knots(heights[i]!, c.minBinHeight, c.tailBound);
    const offset = Math.log(Math.expm1(1 - c.minDerivative));
    const d = [0, ...derivatives[i]!, 0].map((a) => c.minDerivative + softplus(a + offset));
    let k = 0;
    while (k < xs.length - 2 && v >= xs[k + 1]!) k++;
    const w = xs[k + 1]! - xs[k]!;
    const h = ys[k + 1]! - ys[k]!;
    const s = h / w;
    const t = (v - xs[k]!) / w;
    const den = s + (d[k + 1]! + d[k]! - 2 * s) * t * (1 - t);
    y.push(ys[k]! + (h * (s * t * t + d[k]! * t * (1 - t))) / den);
    const num = s * s * (d[k + 1]! * t * t + 2 * s * t * (1 - t) + d[k]! * (1 - t) * (1 - t));
    logDet.push(Math.log(num) - 2 * Math.log(den));
  });
  return { y, logDet };
}
