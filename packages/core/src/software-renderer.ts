/**
 * Judges whether a GPU backend would run on the CPU anyway. On a machine without a usable GPU,
 * browsers still offer WebGPU through a software fallback adapter (SwiftShader) and WebGL through
 * SwiftShader or llvmpipe; both were measured 30–400× slower than the wasm backend, so `'auto'`
 * skips them. Each function returns why a backend should be skipped, or `undefined` to use it.
 */

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; description?: string; vendor?: string };
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

/**
 * Why WebGPU should be skipped given `navigator.gpu` (absent, no adapter, or only a software
 * fallback adapter), or `undefined` when a hardware adapter exists.
 */
export async function webGpuSkipReason(gpu: unknown): Promise<string | undefined> {
  if (gpu === undefined || gpu === null || typeof (gpu as GpuLike).requestAdapter !== 'function') {
    return 'no navigator.gpu in this environment';
  }
  let adapter: GpuAdapterLike | null;
  try {
    // tfjs-backend-webgpu asks for the same adapter.
    adapter = await (gpu as GpuLike).requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return `requesting a WebGPU adapter failed (${(error as Error).message})`;
  }
  if (adapter === null || adapter === undefined) return 'no WebGPU adapter';
  // Chrome moved the flag from the adapter to adapter.info.
  if (adapter.isFallbackAdapter === true || adapter.info?.isFallbackAdapter === true) {
    const name = adapter.info?.description || adapter.info?.vendor;
    return `the only WebGPU adapter is a software fallback${name ? ` (${name})` : ''}`;
  }
  return undefined;
}

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software rasterizer|basic render/i;

/** Why WebGL should be skipped given its renderer string, or `undefined` for a hardware GPU. */
export function webGlSkipReason(renderer: string | undefined): string | undefined {
  if (renderer === undefined) return 'no WebGL context';
  return SOFTWARE_RENDERERS.test(renderer) ? `WebGL renders in software (${renderer})` : undefined;
}

interface GlLike {
  RENDERER: number;
  getParameter(name: number): unknown;
  getExtension(name: string): unknown;
}

/** The WebGL renderer of this browser (the unmasked one where allowed), or undefined without WebGL. */
export function webGlRenderer(): string | undefined {
  const g = globalThis as {
    document?: { createElement(tag: 'canvas'): { getContext(kind: string): unknown } };
    OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown };
  };
  let canvas: { getContext(kind: string): unknown } | undefined;
  if (g.OffscreenCanvas !== undefined) canvas = new g.OffscreenCanvas(1, 1);
  else canvas = g.document?.createElement('canvas');
  if (canvas === undefined) return undefined;
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as GlLike | null;
  if (gl === null || gl === undefined) return undefined;
  const debug = gl.getExtension('WEBGL_debug_renderer_info') as {
    UNMASKED_RENDERER_WEBGL: number;
  } | null;
  const renderer = gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  (gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
  return typeof renderer === 'string' ? renderer : undefined;
}
