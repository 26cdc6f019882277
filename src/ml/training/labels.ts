/** Multi-hot rows packed into one [rows, width] row-major buffer. */
export function flattenLabels(rows: readonly Uint8Array[], width: number): Uint8Array {
  const out = new Uint8Array(rows.length * width);
  rows.forEach((row, i) => out.set(row, i * width));
  return out;
}

/** Rows `rows` of a row-major [*, width] buffer, packed into `out`. */
export function gatherRows<T extends Float32Array | Uint8Array>(source: T, rows: readonly number[], width: number, out: T): T {
  rows.forEach((row, i) => out.set(source.subarray(row * width, (row + 1) * width), i * width));
  return out;
}
