import { normals, uniformLabels, uniforms } from './random.js';
import { numberOption, type ToyGenerator, toTensor } from './toy-data.js';

// The geometry of scikit-learn's make_moons, make_circles and make_swiss_roll. Unlike sklearn,
// each sample is drawn independently (label by a fair coin, angle uniform) instead of laid on an
// evenly spaced grid of angles, so `x` is an i.i.d. sample of a density. Noise is always drawn,
// so for one seed the noisy set is exactly the noiseless set plus noise · N(0, I).

/**
 * Two interleaving half circles of radius 1: label 0 on (cos θ, sin θ), label 1 on
 * (1 − cos θ, 0.5 − sin θ), θ ∼ U[0, π), plus N(0, noise²) per coordinate. Default noise 0.1
 * (FFJORD's `moons` is this set · 2 + (−1, −0.2)). Options: noise.
 */
export const moons: ToyGenerator = {
  options: ['noise'],
  generate(fn, n, rng, o) {
    const noise = numberOption(fn, o, 'noise', 0.1, '>= 0');
    const labels = uniformLabels(rng, n, 2);
    const angles = uniforms(rng, n);
    const eps = normals(rng, 2 * n);
    const x = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const t = Math.PI * angles[i]!;
      const inner = labels[i] === 1;
      x[2 * i] = (inner ? 1 - Math.cos(t) : Math.cos(t)) + noise * eps[2 * i]!;
      x[2 * i + 1] = (inner ? 0.5 - Math.sin(t) : Math.sin(t)) + noise * eps[2 * i + 1]!;
    }
    return { x: toTensor(fn, x, n, 2), labels };
  },
};

/**
 * Two concentric circles: label 0 of radius 1, label 1 of radius `factor`, angle uniform, plus
 * N(0, noise²) per coordinate. Defaults factor 0.5, noise 0.08 (FFJORD's `circles` is this
 * set · 3; sklearn's own defaults are factor 0.8, no noise). Options: factor, noise.
 */
export const circles: ToyGenerator = {
  options: ['factor', 'noise'],
  generate(fn, n, rng, o) {
    const factor = numberOption(fn, o, 'factor', 0.5, '>= 0');
    const noise = numberOption(fn, o, 'noise', 0.08, '>= 0');
    const labels = uniformLabels(rng, n, 2);
    const angles = uniforms(rng, n);
    const eps = normals(rng, 2 * n);
    const x = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const t = 2 * Math.PI * angles[i]!;
      const r = labels[i] === 1 ? factor : 1;
      x[2 * i] = r * Math.cos(t) + noise * eps[2 * i]!;
      x[2 * i + 1] = r * Math.sin(t) + noise * eps[2 * i + 1]!;
    }
    return { x: toTensor(fn, x, n, 2), labels };
  },
};

/**
 * The 2-D Swiss roll: t = 1.5π(1 + 2u), u ∼ U[0, 1); point (t cos t, t sin t) + noise · N(0, I),
 * then multiplied by `scale`. Defaults noise 1, scale 0.2: FFJORD's `swissroll`
 * (`make_swiss_roll(noise=1.0)[:, [0, 2]] / 5`). Options: noise, scale.
 */
export const swissRoll: ToyGenerator = {
  options: ['noise', 'scale'],
  generate(fn, n, rng, o) {
    const noise = numberOption(fn, o, 'noise', 1, '>= 0');
    const scale = numberOption(fn, o, 'scale', 0.2, '> 0');
    const u = uniforms(rng, n);
    const eps = normals(rng, 2 * n);
    const x = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const t = 1.5 * Math.PI * (1 + 2 * u[i]!);
      x[2 * i] = scale * (t * Math.cos(t) + noise * eps[2 * i]!);
      x[2 * i + 1] = scale * (t * Math.sin(t) + noise * eps[2 * i + 1]!);
    }
    return { x: toTensor(fn, x, n, 2) };
  },
};
