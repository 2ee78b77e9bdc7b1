import { readFileSync } from 'node:fs';

/** Python's json writes NaN and ±Infinity as bare tokens, which JSON.parse rejects. */
const BARE = /([:,[]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g;

function revive(_key: string, value: unknown): unknown {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return value;
}

/**
 * Reads `fixtures/<group>.json` of this package (test-only). Non-finite numbers may be written
 * as the strings "NaN", "Infinity", "-Infinity" or as Python's bare tokens; both come back as
 * numbers.
 */
export function loadFixture(group: string): unknown {
  const text = readFileSync(new URL(`../../fixtures/${group}.json`, import.meta.url), 'utf8');
  return JSON.parse(text.replace(BARE, '$1"$2"'), revive);
}
