/**
 * The shortest decimal that rounds to the same float32 as `v` (0.1, not 0.10000000149011612),
 * for error messages about values read back from float32 tensors.
 */
export function float32String(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let digits = 1; digits < 9; digits++) {
    const short = Number(v.toPrecision(digits));
    if (Math.fround(short) === v) return String(short);
  }
  return String(v);
}
