import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { AppPage, type SmallRun } from './appPage';
import { expect, makePosterSubset, test } from './fixtures';

/**
 * Untrusted model files, two tabs, a full disk, leftovers and the CSP
 * (issue 14): nothing bricks the app, nothing is lost, nothing leaves.
 */
const subset = makePosterSubset(16, 'untrusted');
const TINY: SmallRun = { epochs: 1, batchSize: 8, height: 80, width: 76, valFraction: 0.25 };

/** A tiny model trained here and exported: model.json, weights.bin, metadata.json in a folder. */
async function exportedModel(page: Page): Promise<string> {
  const app = new AppPage(page);
  await app.open('webgl');
  await app.dropDataset(subset.dir);
  await app.configure(TINY);
  await app.trainToCompletion();
  const dir = mkdtempSync(join(tmpdir(), 'poster-genres-exported-'));
  const saved: string[] = [];
  page.on(
    'download',
    (download) => void download.saveAs(join(dir, download.suggestedFilename())).then(() => saved.push(download.suggestedFilename())),
  );
  await page.getByRole('button', { name: 'Export model' }).click();
  await expect.poll(() => saved.length).toBe(3);
  return dir;
}

/** Rows of the saved-runs index, as the worker keeps it. */
function savedRunCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('poster-genres-runs', 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('runs').objectStore('runs').count();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

test('a metadata.json with a wrong type is refused naming the field, and the page stays usable (case 1)', async ({ page }) => {
  const dir = await exportedModel(page);
  const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as { validation: { mapMacro: unknown } };
  metadata.validation.mapMacro = '0.41';
  const bad = mkdtempSync(join(tmpdir(), 'poster-genres-bad-'));
  writeFileSync(join(bad, 'metadata.json'), JSON.stringify(metadata));
  const runsBefore = await savedRunCount(page);

  const importInput = page.getByLabel('Import model files (model.json, weights.bin, metadata.json)');
  await importInput.setInputFiles([join(dir, 'model.json'), join(dir, 'weights.bin'), join(bad, 'metadata.json')]);
  await expect(page.getByRole('alert')).toContainText(
    'import refused: metadata.json: "validation.mapMacro" must be a number in [0, 1] (it is the string "0.41")',
  );
  // Nothing was stored, and a reload shows the app as before.
  expect(await savedRunCount(page)).toBe(runsBefore);
  await page.reload();
  await expect(page.getByTestId('backend-name')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('heading', { name: 'Poster Genres' })).toBeVisible();

  // The good files import, as a run of their own (case 2: the trained run is still there).
  await importInput.setInputFiles(['model.json', 'weights.bin', 'metadata.json'].map((name) => join(dir, name)));
  await expect(page.getByTestId('model-info')).toContainText('imported');
  expect(await savedRunCount(page)).toBe(runsBefore + 1);
});

test('a second tab neither offers nor overwrites the run the first is training (case 4)', async ({ page, context }) => {
  const first = new AppPage(page);
  await first.open('webgl');
  await first.dropDataset(subset.dir);
  await first.configure({ ...TINY, epochs: 40 });
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-log')).toContainText('checkpoint saved after epoch 1', { timeout: 3 * 60_000 });

  const second = await context.newPage();
  const tab = new AppPage(second);
  await tab.open('webgl');
  await tab.dropDataset(subset.dir);
  await expect(second.getByRole('status').filter({ hasText: 'A run is training in another tab of this app' })).toBeVisible();
  await expect(second.getByRole('status', { name: 'Saved run' })).toHaveCount(0);
  await tab.configure(TINY);
  await tab.trainToCompletion();

  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/stopped|completed/, { timeout: 3 * 60_000 });
  // Both runs are saved, each under its own id.
  expect(await savedRunCount(second)).toBe(2);
  await second.close();
});

test('a full disk: the checkpoint failure is an alert with the reason, and the run completes (case 5)', async ({ page, baseURL }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin, quotaSize: 64 * 1024 });
  const app = new AppPage(page);
  await app.open('webgl');
  await app.dropDataset(subset.dir);
  await app.configure(TINY);
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText('completed', { timeout: 3 * 60_000 });
  await expect(page.getByRole('alert')).toContainText(
    "Checkpoints are not being saved: the browser's storage for this site is full (QuotaExceededError",
  );
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseURL!).origin });
});

test('a spill file left by a closed tab is deleted at start-up; old caches go (case 5, case 8)', async ({ page }) => {
  const app = new AppPage(page);
  await app.open('cpu');
  await page.evaluate(async () => {
    const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('decoded-posters', { create: true });
    const writable = await (await folder.getFileHandle('run-of-a-closed-tab.rgb', { create: true })).createWritable();
    await writable.write(new Uint8Array(1_000_000));
    await writable.close();
    await (await caches.open('poster-genres-old-build')).put('/old', new Response('old'));
  });
  await page.reload();
  await expect(page.getByTestId('backend-name')).toBeVisible({ timeout: 60_000 });
  const leftovers = () =>
    page.evaluate(async () => {
      const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('decoded-posters', { create: true });
      const names: string[] = [];
      for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      return names;
    });
  await expect.poll(leftovers).toEqual([]);
  // A new build registers its own version of the service worker: activating, it deletes the caches of older ones.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    await navigator.serviceWorker.register('/sw.js?v=next-build');
  });
  await expect.poll(() => page.evaluate(() => caches.keys())).not.toContain('poster-genres-old-build');
});

test('the CSP covers the page and its workers; a foreign backbone URL is refused in words (case 7)', async ({ page, request }) => {
  for (const path of ['/', '/selfcheck.html']) {
    const response = await request.get(path);
    expect(response.headers()['content-security-policy']).toMatch(/connect-src 'self' blob: data: https:\/\/storage\.googleapis\.com;/);
  }
  const app = new AppPage(page);
  await app.open('cpu');
  // The training worker's own script is served with the policy too, and obeys it.
  const worker = page.workers().find((candidate) => candidate.url().includes('trainingWorker'));
  expect(worker).toBeDefined();
  const violated = await worker!.evaluate(
    () =>
      new Promise<string>((resolve) => {
        self.addEventListener('securitypolicyviolation', (event) => resolve((event as SecurityPolicyViolationEvent).effectiveDirective), {
          once: true,
        });
        void fetch('http://198.51.100.7/model.json').catch(() => undefined);
      }),
  );
  expect(violated).toBe('connect-src');

  await app.dropDataset(subset.dir);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('mobilenet-frozen');
  const url = page.getByRole('textbox', { name: /^Backbone URL/ });
  await url.fill('http://198.51.100.7/model.json');
  await url.blur();
  await expect(page.getByRole('alert')).toContainText('backbone URL not used: http://198.51.100.7 is not this site');
});
