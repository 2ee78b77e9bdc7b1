/**
 * One number format for the whole demo: a fixed number of significant digits, plain decimals for
 * everyday magnitudes and "1.23 × 10⁻⁵" beyond them, so no table is widened by
 * `2.6370590635584594e+37` and no axis shows "100m". Non-finite values are words, never "NaN".
 */

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/** Options of {@link formatNumber}. */
export interface FormatOptions {
  /** Significant digits (default 4). */
  digits?: number;
  /** Fixed decimals instead of significant digits (for columns that must line up). */
  decimals?: number;
}

/** "−" for negatives (typographic minus), "∞" for infinities and "—" for NaN. */
export function formatNumber(value: number, options: FormatOptions = {}): string {
  if (Number.isNaN(value)) return '—';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  const sign = value < 0 ? '−' : '';
  const magnitude = Math.abs(value);
  if (magnitude === 0) return options.decimals !== undefined ? (0).toFixed(options.decimals) : '0';
  if (magnitude >= 1e-3 && magnitude < 1e6) {
    const text =
      options.decimals !== undefined
        ? magnitude.toFixed(options.decimals)
        : trimZeros(String(Number(magnitude.toPrecision(options.digits ?? 4))));
    return Number(text) === 0 ? text : sign + text;
  }
  const [mantissa, exponent] = magnitude.toExponential((options.digits ?? 4) - 1).split('e');
  const power = Number(exponent)
    .toString()
    .split('')
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join('');
  return `${sign}${trimZeros(mantissa ?? '')} × 10${power}`;
}

function trimZeros(text: string): string {
  // toPrecision may give exponent form for large numbers; the caller bounds the magnitude first.
  if (!text.includes('.') || text.includes('e')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

/** An integer with thin-space thousands groups: 12 345. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

/**
 * Mean ± standard error with both rounded to the error's first two significant digits, so a
 * column of them has the same number of decimals per row: "0.0123 ± 0.0045".
 */
export function formatMeanError(mean: number, error: number): string {
  if (!Number.isFinite(mean) || !Number.isFinite(error) || error <= 0) {
    return `${formatNumber(mean)} ± ${formatNumber(error)}`;
  }
  const decimals = Math.max(0, 1 - Math.floor(Math.log10(error)));
  if (decimals > 8 || Math.abs(mean) >= 1e6) {
    return `${formatNumber(mean)} ± ${formatNumber(error, { digits: 2 })}`;
  }
  return `${formatNumber(mean, { decimals })} ± ${formatNumber(error, { decimals })}`;
}

const DIGIT_OF: Record<string, string> = Object.fromEntries(
  Object.entries(SUPERSCRIPT).map(([plain, sup]) => [sup, plain]),
);

/**
 * Reads back what {@link formatNumber}, {@link formatCount} or {@link formatMeanError} (its mean)
 * wrote: typographic minus, "× 10ⁿ", thin-space groups, "—" (NaN), "∞". The tests read the
 * page's numbers with it.
 */
export function parseFormatted(text: string): number {
  const t = text
    .trim()
    .split(' ± ')[0]!
    .replace(/\u2009/g, '')
    .replace(/−/g, '-');
  if (t === '—' || t === '') return Number.NaN;
  if (t === '∞') return Number.POSITIVE_INFINITY;
  if (t === '-∞') return Number.NEGATIVE_INFINITY;
  const power = /^(-?[\d.]+) × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.exec(t);
  if (power !== null) {
    const exponent = [...power[2]!].map((c) => DIGIT_OF[c]).join('');
    return Number(`${power[1]}e${exponent}`);
  }
  return /^-?[\d.]+$/.test(t) ? Number(t) : Number.NaN;
}

/** A tick formatter for Observable Plot axes (`tickFormat: axisFormat`), 3 significant digits. */
export function axisFormat(value: number): string {
  return formatNumber(value, { digits: 3 });
}

/**
 * What the screenshot test looks for on screen: "NaN", "Infinity", and raw JavaScript number
 * strings with more than 8 significant digits or an "e+"/"e-" exponent.
 */
export const UNFORMATTED_NUMBER = /NaN|Infinity|\d\.\d{8,}|\d(?:\.\d+)?e[+-]\d/;
