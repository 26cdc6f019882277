import type { Locator, Page } from '@playwright/test';
import { checkPosterHeader } from '../src/data/imageHeader';
import { AppPage, type SmallRun } from './appPage';
import { expect, test } from './fixtures';
import { makeHostileCsvCorpus, makeHostilePosterCorpus, makeHugeCsvCorpus, posterCaseBytes, type HostilePosterCase } from './hostileCorpus';

/** The smallest input the form allows; one epoch is all that is needed to decode every poster once. */
const TINY_RUN: SmallRun = { epochs: 1, batchSize: 4, height: 80, width: 76, valFraction: 0 };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `<file>: skipped, <reason>`, the whole line, as posterBatches words it. */
function skipLine(hostileCase: HostilePosterCase, reason: RegExp): RegExp {
  return new RegExp(`^${escapeRegExp(`${hostileCase.file}: skipped, `)}${reason.source.replace(/^\^/, '')}`);
}

/** Opens a <details> the way a user does, unless it is already open. */
async function openDisclosure(details: Locator): Promise<void> {
  await expect(details).toBeVisible();
  const isOpen = await details.evaluate((element) => element.hasAttribute('open'));
  if (!isOpen) await details.locator('summary').click();
  await expect(details).toHaveAttribute('open', '');
}

test('hostile headers: every generated file is what its case says (no browser)', () => {
  const corpus = makeHostilePosterCorpus();
  for (const hostileCase of corpus.cases) {
    const check = checkPosterHeader(posterCaseBytes(corpus, hostileCase));
    const expected = hostileCase.header;
    if (expected.ok) {
      expect(check, hostileCase.file).toMatchObject({ ok: true });
      if (check.ok) {
        const { ok: _ok, ...sniffExpected } = expected;
        expect(check.sniff, hostileCase.file).toMatchObject(sniffExpected);
      }
    } else {
      expect(check.ok, hostileCase.file).toBe(false);
      if (!check.ok) expect(check.reason, hostileCase.file).toMatch(expected.reason);
    }
  }
});

test('hostile posters are skipped by name, other formats are used, and training completes', async ({ page, pageErrors }) => {
  const corpus = makeHostilePosterCorpus();
  const app = new AppPage(page);
  await app.open('webgl');
  await app.dropDataset(corpus.dir);
  // Every file has a clean CSV row, so the report cannot tell good bytes from bad: all are usable until decoded.
  await expect(page.getByTestId('posters-found')).toHaveText(String(corpus.posterCount));
  await expect(page.getByTestId('usable-examples')).toHaveText(String(corpus.posterCount));

  await app.configure(TINY_RUN);
  await app.trainToCompletion();
  await expect(page.getByTestId('training-log')).toContainText(/epoch 1: train loss \d+\.\d+/);
  await expect(page.getByRole('alert')).toHaveCount(0);

  const skipped = page.getByRole('group', { name: 'Skipped posters' });
  await openDisclosure(skipped);
  const items = skipped.getByRole('listitem');
  // What the app said, shown beside any failure.
  await test.info().attach('skipped-posters.txt', { body: (await items.allTextContents()).join('\n'), contentType: 'text/plain' });
  const itemFor = (file: string): Locator => items.filter({ hasText: `${file}: ` });

  for (const hostileCase of corpus.cases) {
    if (hostileCase.expected.outcome === 'trained') {
      await expect(itemFor(hostileCase.file), `${hostileCase.file} (${hostileCase.description}) must decode`).toHaveCount(0);
    } else if (!hostileCase.expected.needsHeaderCheck) {
      await expect(itemFor(hostileCase.file), hostileCase.description).toHaveText(skipLine(hostileCase, hostileCase.expected.reason));
    }
  }
  for (const id of corpus.realIds) await expect(itemFor(`${id}.jpg`)).toHaveCount(0);

  // Soft: these pass only once decodePoster runs checkPosterHeader (src/data/imageHeader.ts) before decoding.
  const pending = corpus.cases.filter((c) => c.expected.outcome === 'skipped' && c.expected.needsHeaderCheck);
  for (const hostileCase of pending) {
    if (hostileCase.expected.outcome !== 'skipped') continue;
    await expect
      .soft(itemFor(hostileCase.file), `${hostileCase.description}: needs checkPosterHeader in decodePoster`)
      .toHaveText(skipLine(hostileCase, hostileCase.expected.reason), { timeout: 1_000 });
  }
  const skippedCount = corpus.cases.filter((c) => c.expected.outcome === 'skipped').length;
  await expect.soft(items, 'one line per undecodable poster, nothing else').toHaveCount(skippedCount, { timeout: 1_000 });
  expect(pageErrors).toEqual([]);
});

test('a hostile labels CSV: every problem reported with its line, the valid rows train', async ({ page, pageErrors }) => {
  const corpus = makeHostileCsvCorpus();
  const app = new AppPage(page);
  await app.open('webgl');
  await app.dropDataset(corpus.dir);

  await expect(page.getByTestId('rows-read')).toHaveText(String(corpus.rowsRead));
  await expect(page.getByTestId('posters-found')).toHaveText(String(corpus.postersFound));
  await expect(page.getByTestId('usable-examples')).toHaveText(String(corpus.usableExamples));
  await expect(page.getByTestId('genre-count')).toHaveText(String(corpus.genreCount));

  const report = page.getByRole('region', { name: 'Dataset report' });
  // The exact count: no spurious issue (a genre-list mismatch, a shifted line) on the valid rows.
  await expect(report.getByRole('heading', { name: `Problems (${corpus.problems.length})` }), corpus.lineNotes.join('\n')).toBeVisible();
  const problems = report.getByLabel('Dataset problems');
  for (const problem of corpus.problems) {
    const group = problems.getByRole('group').filter({ has: page.getByText(new RegExp(`^${escapeRegExp(problem.kind)}: \\d+$`)) });
    await expect(
      group.getByRole('listitem').filter({ hasText: problem.message }),
      `${problem.description}\n${corpus.lineNotes.join('\n')}`,
    ).toHaveCount(1);
  }

  await app.configure(TINY_RUN);
  await app.trainToCompletion();
  await expect(page.getByRole('group', { name: 'Skipped posters' })).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

/** Longest main-thread task (ms) since `watchLongTasks`, from the Long Tasks API. */
interface LongTaskWatch {
  longestTaskMs: number;
}

async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const watch: LongTaskWatch = { longestTaskMs: 0 };
    Object.assign(window, { longTaskWatch: watch });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) watch.longestTaskMs = Math.max(watch.longestTaskMs, entry.duration);
    }).observe({ type: 'longtask' });
  });
}

async function longestTaskMs(page: Page): Promise<number> {
  return page.evaluate(() => (window as Window & { longTaskWatch?: LongTaskWatch }).longTaskWatch?.longestTaskMs ?? -1);
}

/** How long the page takes to answer a trivial script: a frozen main thread cannot. */
async function roundTripMs(page: Page): Promise<number> {
  const start = Date.now();
  await page.evaluate(() => document.title);
  return Date.now() - start;
}

test('a 50,000-row CSV with almost no posters loads, and the page stays responsive', async ({ page, pageErrors }) => {
  const corpus = makeHugeCsvCorpus();
  const missing = corpus.rowCount - corpus.realCount;
  const app = new AppPage(page);
  await app.open('webgl');
  await watchLongTasks(page);

  await app.dropDataset(corpus.dir);
  await expect(page.getByTestId('rows-read')).toHaveText(String(corpus.rowCount));
  await expect(page.getByTestId('usable-examples')).toHaveText(String(corpus.realCount));
  await expect(page.getByRole('heading', { name: `Problems (${missing})` })).toBeVisible();
  expect.soft(await roundTripMs(page), 'ms for a page.evaluate round trip once the report is shown').toBeLessThan(1_000);

  // The report lists the first rows and offers the rest on demand.
  const group = page
    .getByLabel('Dataset problems')
    .getByRole('group')
    .filter({ has: page.getByText(`row-without-poster: ${missing}`) });
  await openDisclosure(group);
  await expect(group.getByRole('listitem')).toHaveCount(20);
  await expect(group.getByRole('listitem').first()).toHaveText(/^Line 14: no poster file for Id "tt9/);
  await expect(group.getByRole('button', { name: `Show all ${missing}` })).toBeVisible();

  // Editing another control re-renders the app; with 50,000 issues on screen that must stay instant.
  // IMPORTANT: timed by hand, since web-first assertions would wait out a frozen tab and pass.
  const epochs = page.getByLabel('Epochs', { exact: true });
  const editStart = Date.now();
  await epochs.fill('3');
  await epochs.blur();
  await roundTripMs(page);
  expect.soft(Date.now() - editStart, 'ms to type into Epochs, leave it, and get a page.evaluate answered').toBeLessThan(2_000);
  await expect(epochs).toHaveValue('3');

  expect.soft(await longestTaskMs(page), 'longest main-thread task (ms) from the drop to here').toBeLessThan(2_000);
  expect(pageErrors).toEqual([]);
});
