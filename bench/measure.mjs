import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `iteration` (which returns one tensor) `count` times, disposing each result before the
 * next, then reads the last one back. On wasm and cpu kernels run synchronously, so the single
 * read-back at the end is what a training loop that logs the loss once per epoch would pay.
 */
async function runLoop(iteration, count) {
  let out;
  for (let i = 0; i < count; i++) {
    out?.dispose();
    out = iteration();
  }
  const value = (await out.data())[0];
  out.dispose();
  return value;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times several variants in interleaved rounds, so that load from elsewhere on the machine hits
 * them alike: after each variant's warm-up, every round runs each variant's loop of
 * `iterations` calls once. A variant is `{ name, iteration, warmup, iterations, enter?, exit? }`,
 * with `enter`/`exit` switching whatever the variant needs around each of its loops. Returns,
 * per name, the median ms per call over `repeats` rounds. Throws if any timed loop changes
 * tf.memory().numTensors from its value after the warm-ups, i.e. leaks.
 */
export async function measureInterleaved(variants, repeats) {
  const results = {};
  const loop = async (variant, count) => {
    variant.enter?.();
    try {
      return await runLoop(variant.iteration, count);
    } finally {
      variant.exit?.();
    }
  };
  for (const variant of variants) await loop(variant, variant.warmup);
  const before = tf.memory().numTensors;
  for (const { name, warmup, iterations } of variants) {
    results[name] = { msPerRepeat: [], warmup, iterations, numTensors: { before, after: before } };
  }
  for (let r = 0; r < repeats; r++) {
    for (const variant of variants) {
      const result = results[variant.name];
      const start = performance.now();
      result.lastValue = await loop(variant, variant.iterations);
      result.msPerRepeat.push((performance.now() - start) / variant.iterations);
      const after = tf.memory().numTensors;
      result.numTensors.after = after;
      if (after !== before) {
        throw new Error(
          `${variant.name}: tf.memory().numTensors went ${before} → ${after} (a leak)`,
        );
      }
    }
  }
  for (const result of Object.values(results)) {
    result.ms = median(result.msPerRepeat);
    result.minMs = Math.min(...result.msPerRepeat);
    result.maxMs = Math.max(...result.msPerRepeat);
  }
  return results;
}

/**
 * Kernel time by kernel name for `steps` calls of `iteration` under tf.profile, sorted by time,
 * and the wall time of those calls: the difference is time spent outside kernels (engine, tape,
 * tidy, allocation). Profiling itself adds a little to both.
 */
export async function kernelBreakdown(iteration, steps) {
  const byName = new Map();
  let wallMs = 0;
  for (let s = 0; s < steps; s++) {
    const info = await tf.profile(() => {
      const start = performance.now();
      iteration().dispose();
      wallMs += (performance.now() - start) / steps;
    });
    for (const k of info.kernels) {
      const entry = byName.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
      entry.calls += 1 / steps;
      entry.ms += k.kernelTimeMs / steps;
      byName.set(k.name, entry);
    }
  }
  const kernels = [...byName.values()].sort((a, b) => b.ms - a.ms);
  const totalMs = kernels.reduce((sum, k) => sum + k.ms, 0);
  return { wallMs, totalMs, kernels };
}
