import { spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Debian's python3-torch, python3-pot and python3-sklearn are visible only to the system
// interpreter, not to a pyenv shim on PATH; GEN_BENCH_PYTHON names another interpreter.
export const PYTHON = process.env.GEN_BENCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../py/worker.py', import.meta.url));
const THREAD_VARS = ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'];

/** The two Python sides: one pinned to a single thread, one with a thread per core. */
export const SIDES = {
  torch1: { mode: '1', label: 'torch 1-thread' },
  torchN: { mode: 'all', label: `torch ${cpus().length}-thread` },
};

function environment(mode) {
  const env = { ...process.env };
  for (const name of THREAD_VARS) {
    if (mode === '1') env[name] = '1';
    else delete env[name];
  }
  return env;
}

/**
 * A long-lived bench/py/worker.py: `request(message)` writes one JSON line and resolves with
 * the worker's one-line JSON reply. Requests are answered in order.
 */
class PythonWorker {
  constructor(name, mode) {
    this.name = name;
    this.env = Object.fromEntries(
      THREAD_VARS.filter((v) => environment(mode)[v] !== undefined).map((v) => [v, '1']),
    );
    this.child = spawn(PYTHON, [SCRIPT, mode], {
      env: environment(mode),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.stderr = '';
    this.child.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.waiting = [];
    // A worker that died is reported by the next request, not by an EPIPE crash of the suite.
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => this.child.on('close', resolve));
    this.exited.then((code) => {
      this.exitCode = code;
      for (const { reject } of this.waiting.splice(0)) {
        reject(new Error(`${this.name} worker exited (${code}):\n${this.stderr}`));
      }
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const next = this.waiting.shift();
      if (next === undefined) return;
      try {
        next.resolve(JSON.parse(line));
      } catch {
        next.reject(new Error(`${this.name} worker wrote a line that is not JSON: ${line}`));
      }
    });
    this.ready = new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async request(message) {
    if (this.exitCode !== undefined) {
      throw new Error(`${this.name} worker has exited (${this.exitCode}):\n${this.stderr}`);
    }
    const reply = new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
    const answer = await reply;
    if (answer.error !== undefined) {
      throw new Error(`${this.name} worker, ${message.cmd}: ${answer.error}`);
    }
    return answer;
  }

  async close() {
    this.child.stdin.end();
    await this.exited;
  }
}

/**
 * Starts both Python sides, or returns `{ skipped }` with the reason when /usr/bin/python3
 * cannot run at all (each row still says which of its baselines it skipped and why).
 */
export async function startPython() {
  const probe = spawnSync(PYTHON, ['-c', 'import json'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    return { skipped: `${PYTHON} could not be run (${probe.error.code ?? probe.error.message})` };
  }
  const workers = {};
  for (const [name, { mode }] of Object.entries(SIDES)) {
    const worker = new PythonWorker(name, mode);
    worker.versions = (await worker.ready).ready;
    workers[name] = worker;
  }
  return {
    workers,
    versions: Object.fromEntries(
      Object.entries(workers).map(([name, w]) => [name, { ...w.versions, env: w.env }]),
    ),
    close: () => Promise.all(Object.values(workers).map((w) => w.close())),
  };
}
