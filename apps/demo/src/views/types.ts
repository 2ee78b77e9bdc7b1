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
}

export interface ViewHandle {
  /** Stops training and disposes every tensor and variable the view made. */
  dispose(): void;
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
