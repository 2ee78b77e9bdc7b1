import * as tf from '@tensorflow/tfjs-core';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A contender that runs `workload.loop(count)` on the current tfjs backend and reports ms per
 * unit (a call is `unitsPerCall` units: EM runs several iterations per fit call). Every timed
 * loop must leave tf.memory().numTensors as it found it; it throws otherwise (a leak).
 */
export function tfjsContender(name, workload, plan) {
  const units = workload.unitsPerCall ?? 1;
  return {
    name,
    warmup: () => (plan.warmup > 0 ? workload.loop(plan.warmup) : undefined),
    async loop() {
      const before = tf.memory().numTensors;
      const start = performance.now();
      await workload.loop(plan.iterations);
      const ms = (performance.now() - start) / plan.iterations / units;
      const after = tf.memory().numTensors;
      if (after !== before) {
        throw new Error(`${name}: tf.memory().numTensors went ${before} → ${after} (a leak)`);
      }
      return { ms, numTensors: { before, after }, info: workload.info?.() };
    },
  };
}

/** A contender run by a Python worker (bench/py/worker.py) whose workload is set up. */
export function pythonContender(name, worker, plan) {
  return {
    name,
    warmup: () =>
      plan.pythonWarmup === 0
        ? undefined
        : worker.request({ cmd: 'loop', count: plan.pythonWarmup ?? plan.warmup }),
    async loop() {
      const reply = await worker.request({ cmd: 'loop', count: plan.iterations });
      return { ms: reply.msPerCall, info: reply.info };
    },
  };
}

/**
 * Times the contenders in interleaved rounds after one warm-up each (and `afterWarmup`, e.g. a
 * kernel profile): every round runs one loop of every contender, so load from elsewhere on the
 * machine hits them alike. Returns per contender the median ms per unit over the rounds, with
 * min, max, every round and the leak check of every loop.
 */
export async function interleave(contenders, rounds, afterWarmup) {
  for (const contender of contenders) await contender.warmup();
  await afterWarmup?.();
  const out = Object.fromEntries(contenders.map((c) => [c.name, { msPerRound: [] }]));
  for (let r = 0; r < rounds; r++) {
    for (const contender of contenders) {
      const result = await contender.loop();
      const entry = out[contender.name];
      entry.msPerRound.push(result.ms);
      if (result.numTensors !== undefined) {
        entry.numTensors ??= [];
        entry.numTensors.push(result.numTensors);
      }
      if (result.info !== undefined) entry.info = result.info;
    }
  }
  for (const entry of Object.values(out)) {
    entry.ms = median(entry.msPerRound);
    entry.minMs = Math.min(...entry.msPerRound);
    entry.maxMs = Math.max(...entry.msPerRound);
  }
  return out;
}
