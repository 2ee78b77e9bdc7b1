/**
 * DCGAN on MNIST: `Gan.dcgan` of @gen/gan started from the released run pretrained/dcgan-mnist
 * (or from scratch) and trained further in the page by @gen/train's adversarial loop, one
 * generator step per chunk, on the demo's bundled MNIST digits. Shows 64 samples from fixed
 * latent draws, the discriminator's and generator's losses over time, and a spherical latent
 * interpolation.
 */
import { buildLayout } from './dcgan/layout.js';
import {
  disposePretrainedDcgan,
  fetchPretrainedDcgan,
  PRETRAINED_DCGAN_PATH,
} from './dcgan/pretrained-dcgan.js';
import { DcganSession, type PretrainedSource } from './dcgan/session.js';
import type { DemoView, ViewContext, ViewHandle } from './types.js';
import { disposeMnistTensors, loadMnistTensors } from './vae/mnist-tensors.js';

async function mount(root: HTMLElement, ctx: ViewContext): Promise<ViewHandle> {
  const els = buildLayout(root);
  const base = import.meta.env.BASE_URL;
  const [loaded, fetched] = await Promise.allSettled([
    loadMnistTensors(base, ctx.signal),
    fetchPretrainedDcgan(`${base}${PRETRAINED_DCGAN_PATH}`, ctx.signal),
  ]);
  if (loaded.status === 'rejected') {
    if (fetched.status === 'fulfilled') disposePretrainedDcgan(fetched.value);
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
  let session: DcganSession | undefined;
  try {
    session = new DcganSession(data, els, source, ctx.signal);
    await session.start();
  } catch (error) {
    if (session !== undefined) session.dispose();
    else {
      disposeMnistTensors(data);
      if ('pretrained' in source) disposePretrainedDcgan(source.pretrained);
    }
    throw error;
  }
  const started = session;
  return { dispose: () => started.dispose() };
}

const view: DemoView = { id: 'dcgan', title: 'DCGAN on MNIST', mount };
export default view;
