/**
 * A minimal static file server for the built demo, with the COOP/COEP headers that make the page
 * cross-origin isolated (SharedArrayBuffer for the wasm backend), as `vite preview` sends them.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Response headers that make the page cross-origin isolated. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

function resolveFile(root: string, base: string, urlPath: string): string | undefined {
  const path = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  if (!path.startsWith(base)) return undefined;
  const decoded = `/${path.slice(base.length)}`;
  const file = normalize(join(root, decoded.endsWith('/') ? `${decoded}index.html` : decoded));
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Options of {@link serveStatic}. */
export interface ServeOptions {
  /**
   * The folder the files appear under, as a site that hosts the build in a subfolder does
   * (e.g. '/gen/demo/'); '/' by default. Requests outside it get 404.
   */
  base?: string;
}

/**
 * Serves `root` on 127.0.0.1 at a free port, under `options.base`; `url` is the base's address,
 * `close()` stops it.
 */
export function serveStatic(
  root: string,
  options: ServeOptions = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const base = options.base ?? '/';
  if (!base.startsWith('/') || !base.endsWith('/')) {
    throw new Error(`serveStatic: option 'base' must start and end with '/', got '${base}'`);
  }
  const server = createServer((request, response) => {
    const file = resolveFile(root, base, request.url ?? '/');
    if (file === undefined) {
      response.writeHead(404, { 'Content-Type': 'text/plain', ...ISOLATION_HEADERS });
      response.end('not found');
      return;
    }
    response.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
      ...ISOLATION_HEADERS,
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}${base}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.closeAllConnections();
            server.close((error) => (error ? fail(error) : done()));
          }),
      });
    });
  });
}
