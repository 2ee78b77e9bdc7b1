/**
 * The contract between the demo shell (src/main.ts) and its views. Each view lives in
 * `src/views/<id>.ts` and default-exports a {@link DemoView}.
 *
 * Every view renders, inside its root:
 * - a button `[data-testid="train"]` that starts and pauses training (its text says which);
 * - `[data-testid="step"]`, the number of training steps done so far (an integer as text);
 * - `[data-testid="metric"]`, the view's headline metric as a number (loss, coverage, …),
 *   updated while training.
 * The browser tests click `train`, wait, and assert that `step` and `metric` changed.
 */
export interface ViewContext {
  /** The active tfjs backend ('webgpu' | 'webgl' | 'wasm' | 'cpu'). */
  backend(): string;
  /** Aborted when the view is unmounted or the backend switches: stop training loops then. */
  signal: AbortSignal;
  /**
   * What this view's {@link ViewHandle.suspend} returned before the shell unmounted it to switch
   * backend; absent on a first mount. A view continues from it (same weights, same step).
   */
  restored?: unknown;
}

export interface ViewHandle {
  /** Stops training and disposes every tensor and variable the view made. */
  dispose(): void;
  /**
   * Optional: captures the view's state (e.g. checkpoint bytes, step and settings) before the
   * shell unmounts it for a backend switch; the shell gives it back as `ViewContext.restored`
   * when it mounts the same view again. Plain data only (it outlives the backend).
   */
  suspend?(): Promise<unknown>;
}

export interface DemoView {
  /** URL id: `?view=<id>`. */
  id:
    | 'divergences'
    | 'estimators'
    | 'discriminator'
    | 'density'
    | 'mode-collapse'
    | 'vae'
    | 'autoencoders'
    | 'sequential'
    | 'dcgan';
  title: string;
  mount(root: HTMLElement, ctx: ViewContext): ViewHandle | Promise<ViewHandle>;
}
