/**
 * View 5, VAE on MNIST: starts `Vae.mlp` (784-256-2 by default, Bernoulli decoder) from the
 * trained model shipped with the build (or from scratch), trains it on the demo's offline MNIST
 * asset in small async chunks and shows reconstructions, prior samples, the 2-D latent map
 * (Observable Plot), the decoded latent manifold and an interpolation.
 */
import type { DemoView, ViewContext, ViewHandle } from './types.js';
import { buildLayout } from './vae/layout.js';
import './vae/style.css';
import { disposeMnistTensors, loadMnistTensors } from './vae/mnist-tensors.js';
import {
  disposePretrainedVae,
  fetchPretrainedVae,
  PRETRAINED_VAE_PATH,
} from './vae/pretrained-vae.js';
import { type PretrainedSource, VaeSession } from './vae/session.js';

async function mount(root: HTMLElement, ctx: ViewContext): Promise<ViewHandle> {
  const els = buildLayout(root);
  const base = import.meta.env.BASE_URL;
  const [loaded, fetched] = await Promise.allSettled([
    loadMnistTensors(base, ctx.signal),
    fetchPretrainedVae(`${base}${PRETRAINED_VAE_PATH}`, ctx.signal),
  ]);
  if (loaded.status === 'rejected') {
    if (fetched.status === 'fulfilled') disposePretrainedVae(fetched.value);
    throw loaded.reason;
  }
  const data = loaded.value;
  let source: PretrainedSource;
  if (fetched.status === 'fulfilled') {
    source = { pretrained: fetched.value };
  } else {
    // The view still works from scratch; the origin line says why the trained model is missing.
    const reason: unknown = fetched.reason;
    console.warn(reason);
    source = { error: reason instanceof Error ? reason.message : String(reason) };
  }
  let session: VaeSession | undefined;
  try {
    session = new VaeSession(data, els, source);
    ctx.signal.addEventListener('abort', () => session?.stop(), { once: true });
    await session.start();
  } catch (error) {
    if (session !== undefined) session.dispose();
    else {
      disposeMnistTensors(data);
      if ('pretrained' in source) disposePretrainedVae(source.pretrained);
    }
    throw error;
  }
  const started = session;
  return { dispose: () => started.dispose() };
}

const view: DemoView = { id: 'vae', title: 'VAE on MNIST', mount };
export default view;
