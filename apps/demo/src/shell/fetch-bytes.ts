/**
 * Fetches a file shipped with the build as bytes. A failed request throws FormatError naming
 * the public function the caller offers (`fn`), the URL and the status.
 */
import { FormatError } from '@gen/core';

export async function fetchBytes(
  fn: string,
  url: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const response = await fetch(url, signal === undefined ? {} : { signal });
  if (!response.ok) {
    throw new FormatError(`${fn}: GET ${url} answered ${response.status} ${response.statusText}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
