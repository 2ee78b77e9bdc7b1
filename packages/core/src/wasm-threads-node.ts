/**
 * Runs tfjs-backend-wasm's threaded SIMD build in Node, which tfjs 4.22 turns off there
 * (`WASM_HAS_MULTITHREAD_SUPPORT` is false in Node) for three reasons this module works around:
 *
 * - the pthread worker script is handed to `new Worker` as a `blob:` URL, which Node refuses
 *   (ERR_WORKER_PATH): the same script, shipped in the package's `wasm-out/`, is written once to
 *   a content-addressed file in the temporary directory and its path handed out instead;
 * - the worker then loads the Emscripten glue from the text of the bundled factory, which refers
 *   to helpers of the bundle (`commonjsGlobal`, `__values`) that do not exist in the worker: the
 *   worker file loads the package's own unbundled glue (`wasm-out/…-threaded-simd.js`) instead;
 * - the C++ side caps its thread pool at half the logical cores it is told about (it assumes
 *   hyper-threading), so during start-up it is told twice the number of threads wanted.
 *
 * Every assumption is checked against the installed package first; a mismatch returns the reason
 * and the caller starts the single-threaded build. Node only: node: modules load on demand.
 */

interface NodeRequire {
  (id: string): unknown;
  resolve(id: string): string;
}

/** Undo what {@link armNodeWasmThreads} patched; call once the wasm backend has started. */
export type Disarm = () => void;

/** Imports a Node built-in; the variable specifier keeps browser bundlers from resolving it. */
export function nodeImport<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ specifier) as Promise<T>;
}

const WORKER_FILE = 'tfjs-backend-wasm-threaded-simd.worker.js';

async function nodeRequire(): Promise<NodeRequire> {
  const { createRequire } = await nodeImport<{ createRequire(from: string): NodeRequire }>(
    'node:module',
  );
  return createRequire(import.meta.url);
}

interface Fs {
  readFileSync(path: string, encoding: 'utf8'): string;
  existsSync(path: string): boolean;
  mkdirSync(path: string, options: { recursive: true }): void;
  writeFileSync(path: string, data: string): void;
  renameSync(from: string, to: string): void;
}

/** The worker script as a file: the package's worker, told to load the unbundled glue. */
function materialiseWorker(
  require: NodeRequire,
  fs: Fs,
  contents: string,
  gluePath: string,
): string {
  const path = require('node:path') as { join(...parts: string[]): string };
  const os = require('node:os') as { tmpdir(): string };
  const crypto = require('node:crypto') as {
    createHash(a: string): { update(s: string): { digest(e: string): string } };
  };
  // Like tfjs: the worker is one line, and its '\n' escapes must stay escapes in a file.
  const text =
    `${contents.replace(/\n/g, '\\n')}\n` +
    `URL.createObjectURL=function(){return ${JSON.stringify(gluePath)}};` +
    'URL.revokeObjectURL=function(){};\n';
  const digest = crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'gen-wasm-threads');
  const file = path.join(dir, `worker-${digest}.cjs`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    // Content-addressed and renamed into place: concurrent processes write the same bytes.
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, text);
    fs.renameSync(partial, file);
  }
  return file;
}

/**
 * Prepares the next start of the wasm backend to use the threaded build with `threads` threads:
 * returns a function undoing the temporary patches (call it once the backend has started), or
 * the reason why the threaded build cannot run here. The caller sets the tfjs flag.
 * `packageEntry` (the Node entry of tfjs-backend-wasm) is for tests of other layouts.
 */
export async function armNodeWasmThreads(
  threads: number,
  packageEntry?: string,
): Promise<Disarm | string> {
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available';
  let require: NodeRequire;
  let entry: string;
  try {
    require = await nodeRequire();
    entry = packageEntry ?? require.resolve('@tensorflow/tfjs-backend-wasm');
  } catch {
    return '@tensorflow/tfjs-backend-wasm cannot be resolved from @gen/core';
  }
  const fs = require('node:fs') as Fs;
  const path = require('node:path') as { join(...p: string[]): string; dirname(p: string): string };
  const root = path.dirname(path.dirname(entry));
  const gluePath = path.join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  let contents: string;
  let bundle: string;
  let glue: string;
  try {
    contents = (require(path.join(root, 'wasm-out', WORKER_FILE)) as { wasmWorkerContents: string })
      .wasmWorkerContents;
    bundle = fs.readFileSync(entry, 'utf8');
    glue = fs.readFileSync(gluePath, 'utf8');
  } catch {
    return `this @tensorflow/tfjs-backend-wasm has no wasm-out/${WORKER_FILE} and glue script`;
  }
  const expected = [
    `var wasmWorkerContents = ${JSON.stringify(contents)};`,
    `locateFile("${WORKER_FILE}")`,
    '.cpus().length',
    "type: 'application/javascript'",
  ];
  if (
    typeof contents !== 'string' ||
    !expected.every((part) => bundle.includes(part)) ||
    !glue.includes('var WasmBackendModuleThreadedSimd') ||
    !glue.includes('function _emscripten_num_logical_cores')
  ) {
    return 'this @tensorflow/tfjs-backend-wasm is not laid out like 4.22 (worker, glue or core count differ)';
  }
  let workerPath: string;
  try {
    workerPath = materialiseWorker(require, fs, contents, gluePath);
  } catch (error) {
    return `the worker script could not be written to the temporary directory (${(error as Error).message})`;
  }
  const os = require('node:os') as { cpus(): unknown[] };
  const cpus = os.cpus;
  const createObjectUrl = URL.createObjectURL;
  os.cpus = () => {
    const list = cpus.call(os);
    return Array.from({ length: 2 * threads }, (_, i) => list[i % Math.max(list.length, 1)]);
  };
  URL.createObjectURL = (object: Blob) =>
    object instanceof Blob && object.type === 'application/javascript'
      ? workerPath
      : createObjectUrl.call(URL, object);
  return () => {
    os.cpus = cpus;
    URL.createObjectURL = createObjectUrl;
  };
}

interface PthreadWorker {
  unref(): void;
  ref(): void;
}

/**
 * Lets Node exit while the thread pool lives: Emscripten keeps a running pthread's worker
 * referenced, and XNNPACK's pool threads run until the process ends, so without this a script
 * that trained on the threaded build would never exit by itself.
 */
export function releasePthreadWorkers(wasmModule: unknown): void {
  const pthread = (wasmModule as { PThread?: Record<string, unknown> } | undefined)?.PThread;
  if (pthread === undefined) return;
  for (const key of ['runningWorkers', 'unusedWorkers'] as const) {
    const workers = pthread[key];
    if (!Array.isArray(workers)) continue;
    for (const worker of workers as PthreadWorker[]) {
      worker.unref();
      // A thread XNNPACK starts later would reference its worker again.
      worker.ref = () => undefined;
    }
  }
}
