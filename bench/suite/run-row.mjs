import * as tf from '@tensorflow/tfjs-core';
import { interleave, pythonContender, tfjsContender } from './interleave.mjs';
import { profileKernels } from './kernels.mjs';

/** The Python sides a row compares with: PyTorch at both thread counts, or POT/scikit-learn. */
function sidesOf(row) {
  return row.python?.sides ?? ['torch1', 'torchN'];
}

/** The worker of a side: POT and scikit-learn run in the single-thread worker. */
function workerOf(python, side) {
  return python.workers?.[side === 'reference' ? 'torch1' : side];
}

async function setUpBaselines(row, sides, python, workload, notes) {
  const ready = [];
  for (const side of sides) {
    const worker = workerOf(python, side);
    if (worker === undefined) {
      const note = `${row.id} baseline skipped: ${python.skipped}`;
      if (!notes.includes(note)) notes.push(note);
      continue;
    }
    const config = row.python.config ?? workload.pythonConfig;
    const reply = await worker.request({ cmd: 'setup', module: row.python.module, config });
    if (reply.skipped !== undefined) {
      notes.push(`${row.id} baseline skipped (${side}): ${reply.skipped}`);
      continue;
    }
    ready.push({ side, worker });
  }
  return ready;
}

/**
 * Measures one row on the current tfjs backend: builds the @gen workload and its Python
 * twins, warms each up, profiles the @gen side's kernels, then times everything in interleaved
 * rounds. `baselines` is false for a second backend, which is timed alone (its ratios use the
 * first backend's baselines), or 'first' to compare only with the row's first side. Throws if
 * the workload leaves tensors behind once disposed.
 */
export async function runRow(row, backend, plan, python, baselines = true) {
  const before = tf.memory().numTensors;
  const result = await measure(row, backend, plan, python, baselines);
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(`${row.id} on ${backend} left ${after - before} tensors behind`);
  }
  return result;
}

async function measure(row, backend, plan, python, baselines) {
  const notes = [];
  const workload = await row.create();
  let ready = [];
  try {
    const sides = baselines === false ? [] : sidesOf(row).slice(0, baselines === 'first' ? 1 : 2);
    ready = await setUpBaselines(row, sides, python, workload, notes);
    const gen = tfjsContender(`@gen ${backend}`, workload, plan);
    const contenders = [
      gen,
      ...ready.map(({ side, worker }) => pythonContender(side, worker, plan)),
    ];
    let kernels;
    const timed = await interleave(contenders, plan.rounds, async () => {
      kernels = await profileKernels(workload, plan.profileCalls);
    });
    const { [gen.name]: tfjs, ...baseline } = timed;
    return { backend, plan, tfjs: { ...tfjs, kernels }, baselines: baseline, notes };
  } finally {
    workload.dispose();
    for (const { worker } of ready) await worker.request({ cmd: 'dispose' });
  }
}
