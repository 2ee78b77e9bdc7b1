/**
 * The shell's static layout: title, the views' navigation, the backend picker with the active
 * backend (`[data-testid="backend"]`) and a note when a fallback was used, and the view root.
 */
import type { DemoView } from '../views/types.js';
import { BACKENDS } from './backend-choice.js';
import { h, labelled } from './dom.js';
import { VIEW_TITLES } from './views.js';

/** The elements the shell updates after building the layout. */
export interface ShellElements {
  nav: HTMLElement;
  backendSelect: HTMLSelectElement;
  backend: HTMLOutputElement;
  note: HTMLElement;
  viewRoot: HTMLElement;
}

function navButton(id: DemoView['id']): HTMLButtonElement {
  return h('button', { type: 'button', class: 'nav-button', 'data-view': id }, VIEW_TITLES[id]);
}

/** Builds the layout into `app` for the views in `ids`. */
export function buildLayout(app: HTMLElement, ids: readonly DemoView['id'][]): ShellElements {
  const nav = h(
    'nav',
    { 'aria-label': 'Views', class: 'views-nav' },
    h('ul', {}, ...ids.map((id) => h('li', {}, navButton(id)))),
  );
  const backendSelect = h('select', { 'data-testid': 'backend-select', name: 'backend' });
  for (const name of ['auto', ...BACKENDS]) {
    backendSelect.append(h('option', { value: name }, name === 'auto' ? 'auto (best)' : name));
  }
  const backend = h('output', { 'data-testid': 'backend', 'data-state': 'loading' }, '…');
  const note = h('p', { 'data-testid': 'backend-note', class: 'note', role: 'status' });
  const bar = h(
    'div',
    { class: 'backend-bar' },
    labelled('Backend', backendSelect),
    h('span', { class: 'active-backend' }, 'active: ', backend),
  );
  const header = h(
    'header',
    { class: 'app-header' },
    h('h1', {}, '@gen', h('span', { class: 'subtitle' }, ' generative models, live')),
    nav,
    bar,
    note,
  );
  const viewRoot = h('main', { class: 'view-root', 'data-testid': 'view-root', tabindex: '-1' });
  app.replaceChildren(header, viewRoot);
  return { nav, backendSelect, backend, note, viewRoot };
}

/** Marks the nav button of `id` as the current page. */
export function markCurrent(nav: HTMLElement, id: string): void {
  nav.querySelectorAll<HTMLButtonElement>('button[data-view]').forEach((button) => {
    if (button.dataset.view === id) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  });
}
