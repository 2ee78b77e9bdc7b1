/**
 * Pure logic of the demo's backend choice: parsing `?backend=` and falling back through the
 * browser order webgpu → webgl → wasm (→ cpu) when the requested backend cannot start.
 */

/** Backends the demo can run on, best first. */
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type DemoBackendName = (typeof BACKENDS)[number];
/** A backend request: a name, or 'auto' for the best available. */
export type BackendRequest = DemoBackendName | 'auto';

/** Thrown for a `?backend=` value that names no backend. */
export class UnknownBackendError extends Error {
  constructor(value: string) {
    super(`backend: unknown value '${value}' (choose auto, ${BACKENDS.join(', ')})`);
    this.name = 'UnknownBackendError';
  }
}

/** Reads `?backend=`: absent or empty means 'auto'; an unknown name throws. */
export function parseBackendParam(value: string | null): BackendRequest {
  if (value === null || value === '' || value === 'auto') return 'auto';
  if ((BACKENDS as readonly string[]).includes(value)) return value as DemoBackendName;
  throw new UnknownBackendError(value);
}

/** The order to try: the requested backend first, then the others best first. */
export function candidateOrder(request: BackendRequest): DemoBackendName[] {
  if (request === 'auto') return [...BACKENDS];
  return [request, ...BACKENDS.filter((name) => name !== request)];
}

/** What {@link chooseBackend} settled on. */
export interface BackendChoice {
  requested: BackendRequest;
  active: DemoBackendName;
  /** One line per backend that failed before `active` started (empty when the first worked). */
  failures: string[];
  /**
   * For 'auto': the GPU backends passed over, and why (`initBackend('auto')` of @gen/core skips a
   * software WebGPU adapter or a software WebGL renderer, both far slower than wasm).
   */
  skipped?: { name: string; reason: string }[];
}

/**
 * Tries `activate` on each candidate in {@link candidateOrder} until one succeeds. Throws when
 * none does, naming every failure.
 */
export async function chooseBackend(
  request: BackendRequest,
  activate: (name: DemoBackendName) => Promise<void>,
): Promise<BackendChoice> {
  const failures: string[] = [];
  for (const name of candidateOrder(request)) {
    try {
      await activate(name);
      return { requested: request, active: name, failures };
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`chooseBackend: no backend could start (${failures.join('; ')})`);
}

/**
 * The note shown beside the backend: empty when the request was met; for 'auto', which GPU
 * backends were passed over because they would run in software (or could not start).
 */
export function fallbackNote(choice: BackendChoice): string {
  if (choice.requested === 'auto') {
    const skipped = choice.skipped ?? [];
    if (skipped.length === 0) return '';
    const names = skipped.map((s) => s.name);
    const list =
      names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    const software = skipped.every((s) =>
      /software|no webgpu adapter|no navigator\.gpu/i.test(s.reason),
    );
    return software
      ? `auto chose ${choice.active}: ${list} would run in software on this machine (no usable GPU), far slower than ${choice.active}. Pick one in the menu to try it anyway.`
      : `auto chose ${choice.active}: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}.`;
  }
  if (choice.requested === choice.active) return '';
  return `${choice.requested} is not available here; using ${choice.active} instead.`;
}
