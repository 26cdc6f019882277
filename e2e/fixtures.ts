import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test as base, type Page } from '@playwright/test';

/** The real dataset, beside the repository (never copied into it). */
export const POSTERS_DIR = join(import.meta.dirname, '..', '..', 'shared', 'posters');
export const LABELS_CSV = join(POSTERS_DIR, 'labels.csv');

export interface PosterSubset {
  dir: string;
  csvPath: string;
  ids: string[];
  genres: string[];
}

/**
 * A temporary dataset folder with the first `count` labelled posters (copied
 * at test time from ../shared/posters) and a `train.csv` with their rows.
 */
export function makePosterSubset(count: number, name = 'subset'): PosterSubset {
  const lines = readFileSync(LABELS_CSV, 'utf8').trim().split(/\r?\n/);
  const header = lines[0];
  const seen = new Set<string>();
  const rows: string[] = [];
  for (const line of lines.slice(1)) {
    const id = line.slice(0, line.indexOf(','));
    if (seen.has(id) || !existsSync(join(POSTERS_DIR, 'images', `${id}.jpg`))) continue;
    seen.add(id);
    rows.push(line);
    if (rows.length === count) break;
  }
  const dir = mkdtempSync(join(tmpdir(), `poster-genres-${name}-`));
  mkdirSync(dir, { recursive: true });
  const ids = [...seen];
  for (const id of ids) copyFileSync(join(POSTERS_DIR, 'images', `${id}.jpg`), join(dir, `${id}.jpg`));
  const csvPath = join(dir, 'train.csv');
  writeFileSync(csvPath, [header, ...rows].join('\n') + '\n');
  return { dir, csvPath, ids, genres: header.split(',').slice(2).map((genre) => genre.trim()) };
}

/** A page that fails the test on any uncaught page error or failed request to a foreign origin. */
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await use(errors);
    expect(errors, 'uncaught errors on the page').toEqual([]);
  },
});

export { expect };

/** Fills a labelled number field the way a user does. */
export async function setNumber(page: Page, label: string, value: number): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(String(value));
  await field.blur();
}
