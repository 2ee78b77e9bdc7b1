/** The class name of a distribution, for messages. */
export function className(d: object): string {
  const name = (d as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Distribution';
}
