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
  return {
    dir,
    csvPath,
    ids,
    genres: header
      .split(',')
      .slice(2)
      .map((genre) => genre.trim()),
  };
}

/**
 * Every test's page fails the test, at its end, on any uncaught page error
 * (in the page or its workers) and on any request to an origin other than
 * the app's own (blob: and data: URLs excepted): nothing may leave the
 * machine. `auto`, so no spec can forget it; `pageErrors` stays readable for
 * specs that assert on it mid-test.
 */
export const test = base.extend<{ pageErrors: string[]; foreignRequests: string[]; guardPage: void }>({
  pageErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await use(errors);
  },
  foreignRequests: async ({ page, baseURL }, use) => {
    const foreign: string[] = [];
    const origin = new URL(baseURL!).origin;
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin) foreign.push(url);
    });
    await use(foreign);
  },
  guardPage: [
    async ({ pageErrors, foreignRequests }, use) => {
      await use();
      expect(pageErrors, 'uncaught errors on the page').toEqual([]);
      expect(foreignRequests, 'requests to other origins').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Fills a labelled number field the way a user does. */
export async function setNumber(page: Page, label: string, value: number): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(String(value));
  await field.blur();
}
