import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Debian's python3-torch is visible only to the system interpreter, not to a pyenv shim on PATH.
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_mlp.py', import.meta.url));
const SINGLE_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

function lastLine(text) {
  return text.trim().split('\n').at(-1) ?? '';
}

/**
 * Runs bench/torch_mlp.py single-threaded and returns its JSON, or `{ skipped: reason }` when
 * torch cannot be imported here. A failure of the script itself (torch present) throws.
 */
export function runTorchBaseline() {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    return { skipped: `${PYTHON} could not be run (${probe.error.code ?? probe.error.message})` };
  }
  if (probe.status !== 0) {
    return { skipped: `${PYTHON} -c 'import torch' failed: ${lastLine(probe.stderr)}` };
  }
  const run = spawnSync(PYTHON, [SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, ...SINGLE_THREAD },
  });
  if (run.status !== 0) {
    throw new Error(`bench/torch_mlp.py failed (exit ${run.status}):\n${run.stderr}`);
  }
  return { ...JSON.parse(run.stdout), env: SINGLE_THREAD };
}
