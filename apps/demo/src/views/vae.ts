/**
 * View 5, VAE on MNIST: trains `Vae.mlp` (784-256-2 by default, Bernoulli decoder) on the
 * demo's offline MNIST asset in small async chunks and shows reconstructions, prior samples,
 * the 2-D latent map (Observable Plot), the decoded latent manifold and an interpolation.
 */
import type { DemoView, ViewContext, ViewHandle } from './types.js';
import { buildLayout } from './vae/layout.js';
import { disposeMnistTensors, loadMnistTensors } from './vae/mnist-tensors.js';
import { VaeSession } from './vae/session.js';

async function mount(root: HTMLElement, ctx: ViewContext): Promise<ViewHandle> {
  const els = buildLayout(root);
  const data = await loadMnistTensors(import.meta.env.BASE_URL, ctx.signal);
  let session: VaeSession | undefined;
  try {
    session = new VaeSession(data, els);
    ctx.signal.addEventListener('abort', () => session?.stop(), { once: true });
    await session.start();
  } catch (error) {
    if (session === undefined) disposeMnistTensors(data);
    else session.dispose();
    throw error;
  }
  const started = session;
  return { dispose: () => started.dispose() };
}

const view: DemoView = { id: 'vae', title: 'VAE on MNIST', mount };
export default view;
