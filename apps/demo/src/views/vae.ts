/**
 * View 5, VAE on MNIST: starts `Vae.mlp` (784-256-2 by default, Bernoulli decoder) from the
 * trained model shipped with the build (or from scratch) and trains it on the demo's offline
 * MNIST asset in a Web Worker (`src/worker/vae.worker.ts`), so the page stays responsive; the
 * page fetches the released weights and moves the bytes to the worker, and only draws what the
 * worker reads back: reconstructions, prior samples, the 2-D latent map (Observable Plot), the
 * decoded latent manifold and an interpolation. "Conditional (by digit)" makes the model a
 * conditional VAE on the digits' one-hot labels, its samples one labelled row per digit. A
 * backend switch hands the run over (checkpoint bytes, step, settings, curves).
 */
import * as Comlink from 'comlink';
import { startTrainingWorker } from '../worker/client.js';
import type { VaeWorkerApi } from '../worker/vae.worker.js';
import type { DemoView, ViewContext, ViewHandle } from './types.js';
import { buildLayout } from './vae/layout.js';
import './vae/style.css';
import { fetchPretrainedVaeBytes, PRETRAINED_VAE_PATH } from './vae/pretrained-vae.js';
import { isVaeSuspended, VaeSession } from './vae/session.js';

async function mount(root: HTMLElement, ctx: ViewContext): Promise<ViewHandle> {
  const els = buildLayout(root);
  const base = import.meta.env.BASE_URL;
  const restored = isVaeSuspended(ctx.restored) ? ctx.restored : undefined;
  // The page fetches the released weights (a continued run has its own in the checkpoint) and
  // moves the bytes to the worker; the worker fetches the digits itself, from the absolute base.
  const [worker, fetched] = await Promise.allSettled([
    startTrainingWorker<VaeWorkerApi>(
      new Worker(new URL('../worker/vae.worker.ts', import.meta.url), {
        type: 'module',
        name: 'vae training',
      }),
      ctx.backend(),
      ctx.signal,
    ),
    fetchPretrainedVaeBytes(`${base}${PRETRAINED_VAE_PATH}`, ctx.signal),
  ]);
  if (worker.status === 'rejected') throw worker.reason;
  const started = worker.value;
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
    const init = await started.api.init(
      // A worker resolves relative URLs against its own script: it gets the page's absolute base.
      new URL(base, document.baseURI).href,
      bytes === null ? null : Comlink.transfer(bytes, [bytes.buffer]),
    );
    const note = started.backend.note;
    const session = new VaeSession(
      started.api,
      init,
      fetchError,
      els,
      restored,
      started.backend.active,
    );
    ctx.signal.addEventListener('abort', () => session.stop(), { once: true });
    await session.start();
    if (note !== '') els.status.textContent = `${note} ${els.status.textContent ?? ''}`.trim();
    return {
      dispose: () => {
        session.dispose();
        started.terminate();
      },
      suspend: () => session.suspend(),
    };
  } catch (error) {
    started.terminate();
    throw error;
  }
}

const view: DemoView = { id: 'vae', title: 'VAE on MNIST', mount };
export default view;
