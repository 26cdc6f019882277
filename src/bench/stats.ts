import type { DecodeMeasurement } from './benchProtocol';

/** Middle value (mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Rounded to 3 significant digits: benchmark numbers carry no more precision than that. */
export function roundTo3(value: number): number {
  return Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(3)) : value;
}

/** True when every value from index `from` on equals the one at `from`. */
export function flatFrom(values: readonly number[], from: number): boolean {
  return values.slice(from).every((value) => value === values[from]);
}

/** Median images/s over the rounds, per decoder count. */
export interface DecodeSummary {
  /** Decoded in the worker that asked (the app before the pool). */
  inRequestingWorker: number | null;
  oneWorker: number | null;
  /** The largest pool measured. */
  pool: { workers: number; imagesPerSecond: number } | null;
  /** pool / oneWorker: above 1 when the extra workers pay for themselves. */
  poolOverOneWorker: number | null;
}

export function summarizeDecode(measurements: readonly DecodeMeasurement[]): DecodeSummary {
  // The median of the rounds: one round disturbed by another process should not decide.
  const medianFor = (workers: number): number | null => {
    const rounds = measurements.filter((m) => m.workers === workers).map((m) => m.imagesPerSecond);
    return rounds.length > 0 ? roundTo3(median(rounds)) : null;
  };
  const largest = Math.max(...measurements.map((m) => m.workers));
  const oneWorker = medianFor(1);
  const poolRate = largest > 1 ? medianFor(largest) : null;
  return {
    inRequestingWorker: medianFor(0),
    oneWorker,
    pool: poolRate === null ? null : { workers: largest, imagesPerSecond: poolRate },
    poolOverOneWorker: poolRate !== null && oneWorker ? roundTo3(poolRate / oneWorker) : null,
  };
}
