/**
 * The demo shell: reads `?view=` and `?backend=`, starts the backend (webgpu → webgl → wasm →
 * cpu), shows it in `[data-testid="backend"]`, and mounts the chosen view; switching view or
 * backend aborts the view's signal, disposes it and mounts again.
 */
import './style.css';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './backend.js';
import {
  type BackendRequest,
  fallbackNote,
  parseBackendParam,
  UnknownBackendError,
} from './shell/backend-choice.js';
import { buildLayout, markCurrent } from './shell/layout.js';
import { ViewMounter } from './shell/mounter.js';
import { availableViews } from './shell/views.js';

const app = document.querySelector<HTMLElement>('#app');
if (app === null) throw new Error('main: the page has no #app element');

const params = new URLSearchParams(window.location.search);
const ids = availableViews();
const ui = buildLayout(app, ids);
const mounter = new ViewMounter(ui.viewRoot, () => tf.getBackend());
let viewId = params.get('view') ?? ids[0] ?? '';
let request: BackendRequest = 'auto';
let paramNote = '';
try {
  request = parseBackendParam(params.get('backend'));
} catch (error) {
  if (!(error instanceof UnknownBackendError)) throw error;
  paramNote = `${error.message}; using auto.`;
}

function updateUrl(): void {
  const url = new URL(window.location.href);
  url.searchParams.set('view', viewId);
  if (request === 'auto') url.searchParams.delete('backend');
  else url.searchParams.set('backend', request);
  window.history.replaceState(null, '', url);
}

async function startBackend(): Promise<void> {
  ui.backend.dataset.state = 'loading';
  ui.backend.textContent = '…';
  const choice = await useBackend(request);
  ui.backend.textContent = choice.active;
  ui.backend.dataset.state = 'ready';
  ui.note.textContent = [paramNote, fallbackNote(choice)].filter((s) => s !== '').join(' ');
  paramNote = '';
}

ui.backendSelect.value = request;
markCurrent(ui.nav, viewId);
mounter.enqueue(async () => {
  mounter.loading(request === 'auto' ? 'Starting the best backend…' : `Starting ${request}…`);
  await startBackend();
  await mounter.mount(viewId);
});

ui.backendSelect.addEventListener('change', () => {
  request = parseBackendParam(ui.backendSelect.value);
  updateUrl();
  mounter.enqueue(async () => {
    // The view hands over its state (weights, step, settings) and continues on the new backend.
    const suspended = await mounter.suspend();
    mounter.unmount();
    mounter.loading(request === 'auto' ? 'Starting the best backend…' : `Starting ${request}…`);
    await startBackend();
    await mounter.mount(viewId, suspended);
  });
});

ui.nav.addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>('button[data-view]');
  const id = button?.dataset.view;
  if (id === undefined) return;
  viewId = id;
  markCurrent(ui.nav, id);
  updateUrl();
  mounter.enqueue(() => mounter.mount(id));
});
