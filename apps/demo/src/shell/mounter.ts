/**
 * Mounts one view at a time: unmounting aborts the view's signal and calls its `dispose()`.
 * Transitions run one after another, so a fast sequence of clicks cannot interleave them.
 */
import type { ViewHandle } from '../views/types.js';
import { h } from './dom.js';
import { availableViews, loadView, VIEW_TITLES } from './views.js';

interface Mounted {
  controller: AbortController;
  handle: ViewHandle | undefined;
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

  /** Mounts view `id`, or shows which views exist when there is no such view. */
  async mount(id: string): Promise<void> {
    this.unmount();
    const ids = availableViews();
    if (!(ids as string[]).includes(id)) {
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
    const mounted: Mounted = { controller: new AbortController(), handle: undefined };
    this.current = mounted;
    const container = h('section', { class: 'view', 'data-view': id, 'aria-label': view.title });
    this.root.append(container);
    mounted.handle = await view.mount(container, {
      backend: this.backend,
      signal: mounted.controller.signal,
    });
    // The view may have been replaced while it was mounting.
    if (this.current !== mounted) mounted.handle.dispose();
  }

  private showError(error: unknown): void {
    console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    this.root.append(h('p', { role: 'alert', class: 'error' }, message));
  }
}
