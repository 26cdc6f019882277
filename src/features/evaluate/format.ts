/** Shown for a metric that is undefined on this data (null), never a misleading 0. */
export const MISSING_VALUE = '–';

/** A metric in [0, 1] (or a loss) with fixed decimals; null/undefined as a dash. */
export function formatMetric(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? MISSING_VALUE : value.toFixed(digits);
}

/** A probability in [0, 1] as a percentage, e.g. 0.4231 -> "42%". */
export function formatPercent(probability: number, digits = 0): string {
  return `${(probability * 100).toFixed(digits)}%`;
}
