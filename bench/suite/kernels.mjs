import * as tf from '@tensorflow/tfjs-core';

/**
 * Kernels per unit of `workload` under tf.profile over `calls` calls: the number of kernel
 * calls (independent of the machine's load, unlike any timing) and the kernels that took the
 * most time. Run after the warm-up, so one-time work (optimiser slots, data checks) is left out.
 */
export async function profileKernels(workload, calls, top = 6) {
  const units = calls * (workload.unitsPerCall ?? 1);
  const start = performance.now();
  const info = await tf.profile(() => (workload.profileLoop ?? workload.loop)(calls));
  const wallMs = (performance.now() - start) / units;
  const backend = tf.getBackend();
  const byName = new Map();
  const scopes = new Map();
  for (const kernel of info.kernels) {
    // tf.profile also lists every custom-gradient op under its scope's name ('unnamed scope'),
    // timed around the kernels it ran, which are listed themselves: counted apart.
    const into = tf.getKernel(kernel.name, backend) === undefined ? scopes : byName;
    const entry = into.get(kernel.name) ?? { name: kernel.name, calls: 0, ms: 0 };
    entry.calls += 1 / units;
    entry.ms += kernel.kernelTimeMs / units;
    into.set(kernel.name, entry);
  }
  const kernels = [...byName.values()].sort((a, b) => b.ms - a.ms);
  return {
    perStep: kernels.reduce((sum, k) => sum + k.calls, 0),
    kernelMsPerStep: kernels.reduce((sum, k) => sum + k.ms, 0),
    profiledWallMsPerStep: wallMs,
    top: kernels.slice(0, top),
    distinctKernels: kernels.length,
    customOpsPerStep: [...scopes.values()].reduce((sum, k) => sum + k.calls, 0),
  };
}
