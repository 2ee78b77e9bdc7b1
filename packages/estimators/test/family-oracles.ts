/**
 * Exact expectations (float64) of the costs of the check in docs/references.md#weak-derivatives,
 * f(x) = sin x + 0.3x² for continuous families and g(k) = cos k + 0.1k for discrete ones, and
 * central finite differences
 * of them: the oracles the weak-derivative table was verified against (to 1e-9 there).
 */
export const continuousCost = (x: number): number => Math.sin(x) + 0.3 * x * x;
export const discreteCost = (k: number): number => Math.cos(k) + 0.1 * k;

/** Central difference of `f` at `x` with step h (float64). */
export function centralDifference(f: (x: number) => number, x: number, h = 1e-5): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

/** E[sin x + 0.3x²] for x ∼ Gamma(a, rate β): Im (1 − i/β)^{−a} + 0.3·a(a + 1)/β². */
export function gammaExpectation(a: number, beta: number): number {
  const sine = (1 + 1 / beta ** 2) ** (-a / 2) * Math.sin(a * Math.atan(1 / beta));
  return sine + (0.3 * a * (a + 1)) / beta ** 2;
}

/** E[sin x + 0.3x²] for x ∼ Exponential(rate λ) = Gamma(1, λ). */
export const exponentialExpectation = (rate: number): number => gammaExpectation(1, rate);

/** E[sin x + 0.3x²] for x ∼ N(μ, σ²): sin μ·e^{−σ²/2} + 0.3(μ² + σ²). */
export function normalExpectation(mu: number, sigma: number): number {
  return Math.sin(mu) * Math.exp((-sigma * sigma) / 2) + 0.3 * (mu * mu + sigma * sigma);
}

/**
 * E[sin x + 0.3x²] for x ∼ Weibull(shape k, scale λ), by Simpson's rule after x = λu^{2/k},
 * u ∈ [0, 9]: ∫ f(λu^{2/k}) e^{−u²} 2u du (accurate to ~1e−10 here).
 */
export function weibullExpectation(k: number, scale: number): number {
  const n = 20_000;
  const h = 9 / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const u = i * h;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * continuousCost(scale * u ** (2 / k)) * Math.exp(-u * u) * 2 * u;
  }
  return (sum * h) / 3;
}

/** E[cos k + 0.1k] for k ∼ Poisson(θ): e^{θ(cos 1 − 1)} cos(θ sin 1) + 0.1θ. */
export function poissonExpectation(theta: number): number {
  return Math.exp(theta * (Math.cos(1) - 1)) * Math.cos(theta * Math.sin(1)) + 0.1 * theta;
}

/**
 * E[sin x + 0.3x²] for x ∼ Beta(a, b), from the raw moments E[xⁿ] = Π_{i<n} (a + i)/(a + b + i)
 * and the sine series (60 terms: the n-th is below 1/n!).
 */
export function betaExpectation(a: number, b: number): number {
  let [moment, sine, factorial] = [1, 0, 1];
  for (let n = 1; n < 60; n++) {
    moment *= (a + n - 1) / (a + b + n - 1);
    factorial *= n;
    if (n % 2 === 1) sine += ((n % 4 === 1 ? 1 : -1) * moment) / factorial;
  }
  const second = (a * (a + 1)) / ((a + b) * (a + b + 1));
  return sine + 0.3 * second;
}

/**
 * E[Σᵢ (sin xᵢ + 0.3xᵢ²) + 0.2 x₀x₁] for x ∼ N(μ, LLᵀ) in 2-D: Σᵢ (sin μᵢ e^{−Σᵢᵢ/2} + 0.3(μᵢ² + Σᵢᵢ)) +
 * 0.2(μ₀μ₁ + Σ₀₁), with L's lower triangle [L₀₀, L₁₀, L₁₁].
 */
export function bivariateNormalExpectation(mu: number[], l: [number, number, number]): number {
  const [l00, l10, l11] = l;
  const s = [l00 * l00, l10 * l10 + l11 * l11];
  const s01 = l00 * l10;
  let total = 0.2 * (mu[0]! * mu[1]! + s01);
  for (let i = 0; i < 2; i++) {
    total += Math.sin(mu[i]!) * Math.exp(-s[i]! / 2) + 0.3 * (mu[i]! ** 2 + s[i]!);
  }
  return total;
}
