import { normals, uniformLabels, uniforms } from './random.js';
import { integerOption, numberOption, type ToyGenerator, toTensor } from './toy-data.js';

// Data sets from FFJORD's lib/toy_data.py (Grathwohl et al. 2019), the convention nflows and
// most flow papers follow.

/**
 * Uniform on the 8 dark squares (side 2) of a checkerboard on [−4, 4]²: x₁ = 4u − 2,
 * x₂ = u′ − 2b + (⌊x₁⌋ mod 2) with b ∼ Bernoulli(½), then both · 2. Density 1/32 on its
 * support, entropy ln 32 = 3.4657 nats. No options.
 */
export const checkerboard: ToyGenerator = {
  options: [],
  generate(fn, n, rng) {
    const u = uniforms(rng, 3 * n);
    const x = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const x1 = 4 * u[3 * i]! - 2;
      const coin = u[3 * i + 2]! < 0.5 ? 1 : 0;
      const parity = ((Math.floor(x1) % 2) + 2) % 2;
      x[2 * i] = 2 * x1;
      x[2 * i + 1] = 2 * (u[3 * i + 1]! - 2 * coin + parity);
    }
    return { x: toTensor(fn, x, n, 2) };
  },
};

/**
 * FFJORD's pinwheel: arm k starts at angle 2πk/arms; a point f = (1 + radialStd·z₁,
 * tangentialStd·z₂) is rotated by −(2πk/arms + rate·e^{f₁}) and scaled by 2. Defaults arms 5,
 * radialStd 0.3, tangentialStd 0.1, rate 0.25. Options: arms, radialStd, tangentialStd, rate.
 */
export const pinwheel: ToyGenerator = {
  options: ['arms', 'radialStd', 'tangentialStd', 'rate'],
  generate(fn, n, rng, o) {
    const arms = integerOption(fn, o, 'arms', 5, 1);
    const radialStd = numberOption(fn, o, 'radialStd', 0.3, '>= 0');
    const tangentialStd = numberOption(fn, o, 'tangentialStd', 0.1, '>= 0');
    const rate = numberOption(fn, o, 'rate', 0.25, 'any');
    const labels = uniformLabels(rng, n, arms);
    const z = normals(rng, 2 * n);
    const x = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const f0 = 1 + radialStd * z[2 * i]!;
      const f1 = tangentialStd * z[2 * i + 1]!;
      const angle = (2 * Math.PI * labels[i]!) / arms + rate * Math.exp(f0);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      x[2 * i] = 2 * (f0 * c + f1 * s);
      x[2 * i + 1] = 2 * (f1 * c - f0 * s);
    }
    return { x: toTensor(fn, x, n, 2), labels };
  },
};

/**
 * FFJORD's '2spirals': r = √u · 3π (540°), p = (−r cos r + 0.5u₁, r sin r + 0.5u₂), label 1
 * takes −p; then p/3 + noise · N(0, I). Default noise 0.1. Options: noise.
 */
export const spirals: ToyGenerator = {
  options: ['noise'],
  generate(fn, n, rng, o) {
    const noise = numberOption(fn, o, 'noise', 0.1, '>= 0');
    const labels = uniformLabels(rng, n, 2);
    const u = uniforms(rng, 3 * n);
    const eps = normals(rng, 2 * n);
    const x = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const r = Math.sqrt(u[3 * i]!) * 3 * Math.PI;
      const sign = labels[i] === 1 ? -1 : 1;
      const px = -Math.cos(r) * r + 0.5 * u[3 * i + 1]!;
      const py = Math.sin(r) * r + 0.5 * u[3 * i + 2]!;
      x[2 * i] = (sign * px) / 3 + noise * eps[2 * i]!;
      x[2 * i + 1] = (sign * py) / 3 + noise * eps[2 * i + 1]!;
    }
    return { x: toTensor(fn, x, n, 2), labels };
  },
};
