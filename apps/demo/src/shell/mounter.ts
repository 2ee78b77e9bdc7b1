/**
 * Mounts one view at a time: unmounting aborts the view's signal and calls its `dispose()`.
 * Transitions run one after another, so a fast sequence of clicks cannot interleave them.
 */
import type { ViewHandle } from '../views/types.js';
import { h } from './dom.js';
import { availableViews, loadView, VIEW_TITLES } from './views.js';

interface Mounted {
  id: string;
  controller: AbortController;
  handle: ViewHandle | undefined;
}

/** A view's state captured by {@link ViewMounter.suspend}, for the same view only. */
export interface Suspended {
  id: string;
  state: unknown;
}

/** Serialises view mounts in `root`. */
export class ViewMounter {
  private current: Mounted | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly root: HTMLElement,
    private readonly backend: () => string,
  ) {}

  /** Runs `task` after every earlier transition; errors are shown in the view root and logged. */
  enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task).catch((error: unknown) => this.showError(error));
    return this.queue;
  }

  /**
   * Shows `<p class="loading" data-testid="loading" role="status">` with `text` (e.g. "Starting
   * webgpu…") in the root until the next view is mounted (or the next call replaces it).
   */
  loading(text: string): void {
    let el = this.root.querySelector<HTMLElement>(':scope > [data-testid="loading"]');
    if (el === null) {
      el = h('p', { class: 'loading', 'data-testid': 'loading', role: 'status' });
      this.root.prepend(el);
    }
    el.textContent = text;
  }

  private clearLoading(): void {
    this.root.querySelector(':scope > [data-testid="loading"]')?.remove();
  }

  /**
   * Asks the mounted view for its state (`ViewHandle.suspend`), to mount it again with it after a
   * backend switch; undefined when the view has none or it fails (then it starts afresh).
   */
  async suspend(): Promise<Suspended | undefined> {
    const mounted = this.current;
    if (mounted?.handle?.suspend === undefined) return undefined;
    try {
      return { id: mounted.id, state: await mounted.handle.suspend() };
    } catch (error) {
      console.warn('the view could not keep its state across the backend switch:', error);
      return undefined;
    }
  }

  /** Stops and disposes the mounted view, if any, and empties the root. */
  unmount(): void {
    const mounted = this.current;
    this.current = undefined;
    if (mounted !== undefined) {
      mounted.controller.abort();
      mounted.handle?.dispose();
    }
    this.root.replaceChildren();
  }

  /**
   * Mounts view `id`, or shows which views exist when there is no such view; `restored` (from
   * {@link suspend}) is handed to the view when it is the same view.
   */
  async mount(id: string, restored?: Suspended): Promise<void> {
    const loadingText = this.root.querySelector(':scope > [data-testid="loading"]')?.textContent;
    this.unmount();
    // A backend that just started still shows its line; otherwise say that the view loads.
    this.loading(loadingText !== undefined && loadingText !== '' ? loadingText : 'Loading view…');
    const ids = availableViews();
    if (!(ids as string[]).includes(id)) {
      this.clearLoading();
      const list = ids.map((known) => `${known} (${VIEW_TITLES[known]})`).join(', ');
      this.root.append(
        h(
          'p',
          { 'data-testid': 'view-error', role: 'alert', class: 'error' },
          `Unknown view '${id}'. Available views: ${list}.`,
        ),
      );
      return;
    }
    const view = await loadView(id);
    this.loading(`Loading view ${view.title}…`);
    const mounted: Mounted = { id, controller: new AbortController(), handle: undefined };
    this.current = mounted;
    const container = h('section', { class: 'view', 'data-view': id, 'aria-label': view.title });
    this.root.append(container);
    try {
      mounted.handle = await view.mount(container, {
        backend: this.backend,
        signal: mounted.controller.signal,
        ...(restored !== undefined && restored.id === id ? { restored: restored.state } : {}),
      });
    } finally {
      if (this.current === mounted) this.clearLoading();
    }
    // The view may have been replaced while it was mounting.
    if (this.current !== mounted) mounted.handle.dispose();
  }

  private showError(error: unknown): void {
    this.clearLoading();
    console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    this.root.append(h('p', { role: 'alert', class: 'error' }, message));
  }
}
