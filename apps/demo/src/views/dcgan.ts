/**
 * DCGAN on MNIST: `Gan.dcgan` of @gen/gan started from the released run pretrained/dcgan-mnist
 * (or from scratch) and trained further by @gen/train's adversarial loop, one generator step per
 * chunk, on the demo's bundled MNIST digits. Shows 64 samples from fixed latent draws, the
 * discriminator's and generator's losses over time, and a spherical latent interpolation. The
 * model trains in a Web Worker (`src/worker/dcgan.worker.ts`) on the page's backend; the page
 * only draws. A backend switch hands the run over (checkpoint bytes, step, settings, history).
 */
import * as Comlink from 'comlink';
import { startTrainingWorker } from '../worker/client.js';
import type { DcganWorkerApi } from '../worker/dcgan.worker.js';
import { buildLayout } from './dcgan/layout.js';
import { fetchPretrainedDcganBytes, PRETRAINED_DCGAN_PATH } from './dcgan/pretrained-dcgan.js';
import { DcganSession, isDcganSuspended } from './dcgan/session.js';
import type { DemoView, ViewContext, ViewHandle } from './types.js';

async function mount(root: HTMLElement, ctx: ViewContext): Promise<ViewHandle> {
  const els = buildLayout(root);
  const base = import.meta.env.BASE_URL;
  // The page fetches the weights (so a failed request names the URL it asked for) and moves the
  // bytes to the worker; the worker fetches the digits itself, from the page's absolute base.
  const [started, fetched] = await Promise.allSettled([
    startTrainingWorker<DcganWorkerApi>(
      new Worker(new URL('../worker/dcgan.worker.ts', import.meta.url), {
        type: 'module',
        name: 'dcgan training',
      }),
      ctx.backend(),
      ctx.signal,
    ),
    fetchPretrainedDcganBytes(`${base}${PRETRAINED_DCGAN_PATH}`, ctx.signal),
  ]);
  if (started.status === 'rejected') throw started.reason;
  const worker = started.value;
  let bytes: Uint8Array | null = null;
  let fetchError: string | undefined;
  if (fetched.status === 'fulfilled') {
    bytes = fetched.value;
  } else {
    // The view still works from scratch; the origin line says why the trained model is missing.
    const reason: unknown = fetched.reason;
    console.warn(reason);
    fetchError = reason instanceof Error ? reason.message : String(reason);
  }
  try {
    const absoluteBase = new URL(base, document.baseURI).href;
    const init = await worker.api.init(
      absoluteBase,
      bytes === null ? null : Comlink.transfer(bytes, [bytes.buffer]),
    );
    const restored = isDcganSuspended(ctx.restored) ? ctx.restored : undefined;
    const session = new DcganSession(worker, init, fetchError, els, ctx.signal, restored);
    els.workerNote.textContent = worker.backend.note;
    await session.start();
    return { dispose: () => session.dispose(), suspend: () => session.suspend() };
  } catch (error) {
    worker.terminate();
    throw error;
  }
}

const view: DemoView = { id: 'dcgan', title: 'DCGAN on MNIST', mount };
export default view;
