import Papa from 'papaparse';
import { posterIdFromFileName } from './vocabulary';

/**
 * An evenly spaced sample of `count` poster file names (all when fewer).
 * Spread over the sorted list rather than its head: IMDb Ids grow with time,
 * so the first N would all be old films.
 */
export function spreadSample(names: readonly string[], count: number): string[] {
  if (count >= names.length) return [...names];
  return Array.from({ length: count }, (_, k) => names[Math.floor((k * names.length) / count)]);
}

/**
 * The labels CSV cut down to the rows of the sampled posters (header kept,
 * duplicate rows kept as they are: the loader reports them as it would for
 * the full file). Without the cut, every row left out would be reported as a
 * row without a poster.
 */
export function labelsForSample(csvText: string, posterNames: readonly string[]): string {
  const ids = new Set(posterNames.map((name) => posterIdFromFileName(name)).filter((id) => id !== null));
  const parsed = Papa.parse<string[]>(csvText, { skipEmptyLines: 'greedy' });
  const [header, ...rows] = parsed.data;
  if (!header) return csvText;
  const idColumn = header.findIndex((cell) => cell.trim().toLowerCase() === 'id');
  if (idColumn < 0) return csvText;
  return Papa.unparse([header, ...rows.filter((row) => ids.has(row[idColumn]?.trim() ?? ''))], { newline: '\n' }) + '\n';
}
