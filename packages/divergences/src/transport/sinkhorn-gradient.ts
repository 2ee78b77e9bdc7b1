/**
 * ∂⟨P, C⟩/∂C for the entropic plan P = exp(−C/ε + u ⊕ v) by implicit differentiation, in
 * float64. P is exactly optimal for its own marginals r = P1, c = Pᵀ1, so perturbing C with the
 * marginals held fixed gives dP = P ∘ (du ⊕ dv − dC/ε) with
 *   r ∘ du + P dv = (P ∘ dC)1/ε,   Pᵀdu + c ∘ dv = (P ∘ dC)ᵀ1/ε.
 * The adjoint λ of that system, H λ = [(P∘C)1, (P∘C)ᵀ1] with H = [[diag r, P], [Pᵀ, diag c]],
 * gives ∂⟨P, C⟩/∂C = P ∘ (1 + (λ_f ⊕ λ_g − C)/ε). H is singular along (1, −1); the Schur
 * complement S = diag c − Pᵀ diag(1/r) P (S1 = 0) is made definite with a rank-one term β11ᵀ,
 * which leaves the solution of the consistent system unchanged, and solved by Jacobi-
 * preconditioned conjugate gradients.
 */
export function sinkhornCostGradient(
  cost: ArrayLike<number>,
  n: number,
  m: number,
  epsilon: number,
  u: ArrayLike<number>,
  v: ArrayLike<number>,
): Float64Array {
  const plan = new Float64Array(n * m);
  const r = new Float64Array(n);
  const c = new Float64Array(m);
  const rowCost = new Float64Array(n);
  const colCost = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const k = i * m + j;
      const pij = Math.exp(-cost[k]! / epsilon + u[i]! + v[j]!);
      plan[k] = pij;
      r[i]! += pij;
      c[j]! += pij;
      rowCost[i]! += pij * cost[k]!;
      colCost[j]! += pij * cost[k]!;
    }
  }
  // S x = c∘x − Pᵀ((P x)/r) + β Σx
  const beta = 1 / m;
  const apply = (x: Float64Array): Float64Array => {
    const px = new Float64Array(n);
    let total = 0;
    for (let j = 0; j < m; j++) total += x[j]!;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += plan[i * m + j]! * x[j]!;
      px[i] = s / r[i]!;
    }
    const out = new Float64Array(m);
    for (let j = 0; j < m; j++) out[j] = c[j]! * x[j]! + beta * total;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) out[j]! -= plan[i * m + j]! * px[i]!;
    }
    return out;
  };
  const rhs = new Float64Array(m);
  const diagonal = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    rhs[j] = colCost[j]!;
    diagonal[j] = c[j]! + beta;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const pij = plan[i * m + j]!;
      rhs[j]! -= (pij * rowCost[i]!) / r[i]!;
      diagonal[j]! -= (pij * pij) / r[i]!;
    }
  }
  const lambdaG = conjugateGradient(apply, rhs, diagonal);
  const lambdaF = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += plan[i * m + j]! * lambdaG[j]!;
    lambdaF[i] = (rowCost[i]! - s) / r[i]!;
  }
  const grad = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const k = i * m + j;
      grad[k] = plan[k]! * (1 + (lambdaF[i]! + lambdaG[j]! - cost[k]!) / epsilon);
    }
  }
  return grad;
}

/** Preconditioned CG for a symmetric positive definite operator, to a relative residual 1e-12. */
function conjugateGradient(
  apply: (x: Float64Array) => Float64Array,
  b: Float64Array,
  diagonal: Float64Array,
): Float64Array {
  const size = b.length;
  const x = new Float64Array(size);
  const residual = Float64Array.from(b);
  const precondition = (t: Float64Array) =>
    t.map((value, j) => value / Math.max(diagonal[j]!, 1e-300));
  let z = precondition(residual);
  const direction = Float64Array.from(z);
  const dot = (a: Float64Array, c: Float64Array) => a.reduce((s, value, j) => s + value * c[j]!, 0);
  let rz = dot(residual, z);
  const stop = 1e-24 * Math.max(dot(b, b), 1e-300);
  for (
    let iteration = 0;
    iteration < 10 * size + 100 && dot(residual, residual) > stop;
    iteration++
  ) {
    const ad = apply(direction);
    const step = rz / dot(direction, ad);
    for (let j = 0; j < size; j++) {
      x[j]! += step * direction[j]!;
      residual[j]! -= step * ad[j]!;
    }
    z = precondition(residual);
    const next = dot(residual, z);
    const ratio = next / rz;
    rz = next;
    for (let j = 0; j < size; j++) direction[j] = z[j]! + ratio * direction[j]!;
  }
  return x;
}
