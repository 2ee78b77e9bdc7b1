import { type JsonValue, toJson } from '@gen/nn';

/** How a transform or a base was built: its class (or function) name and JSON options. */
export interface PartConfig {
  type: string;
  options: { [key: string]: JsonValue };
}

// Keyed by the object, so a transform carries its config without a public field; a part built
// from something JSON cannot hold (an Rng, your own conditioner network) records nothing.
const configs = new WeakMap<object, PartConfig>();

/** Remembers that `part` was built as `type` from `options`, when JSON holds them exactly. */
export function recordPart(part: object, type: string, options: object): void {
  const json = toJson({ ...options });
  if (json !== undefined) configs.set(part, { type, options: json as PartConfig['options'] });
}

/** What {@link recordPart} remembered about `part`, if anything. */
export function partConfig(part: object): PartConfig | undefined {
  return configs.get(part);
}
