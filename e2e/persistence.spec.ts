import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppPage } from './appPage';
import { expect, makePosterSubset, test } from './fixtures';

const subset = makePosterSubset(24, 'persist');
const SMALL = { epochs: 2, batchSize: 8, height: 80, width: 76, valFraction: 0.25 };

test('a stopped run survives a reload and resumes with its full history; no foreign requests', async ({ page, foreignRequests, pageErrors }) => {
  const app = new AppPage(page);
  await app.open('webgl');
  await app.dropDataset(subset.dir);
  await app.configure(SMALL);
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-log')).toContainText('checkpoint saved after epoch 1', { timeout: 4 * 60_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/stopped|completed/, { timeout: 4 * 60_000 });
  const stoppedAt = await page.getByTestId('training-status').textContent();

  await page.reload();
  await expect(page.getByTestId('backend-name')).toBeVisible({ timeout: 60_000 });
  const banner = page.getByRole('status', { name: 'Saved run' });
  await expect(banner).toContainText('Drop the dataset it was trained on');
  const savedEpoch = Number(await page.getByTestId('checkpoint-epoch').textContent());
  expect(savedEpoch).toBeGreaterThanOrEqual(1);

  await app.dropDataset(subset.dir);
  await banner.getByRole('button', { name: /Resume from epoch|Continue for/ }).click();
  await expect(page.getByTestId('training-status')).toHaveText('completed', { timeout: 4 * 60_000 });
  // The charts hold the epochs from before the reload as well as the new ones.
  const lossChart = page.getByRole('figure', { name: 'Loss (binary cross-entropy)' });
  const expectedPoints = stoppedAt === 'completed' ? savedEpoch + 5 : 2;
  await expect(lossChart.locator('.recharts-line-dots').first().locator('circle, path')).toHaveCount(expectedPoints);
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(foreignRequests, 'requests to other origins').toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('export a trained model, import it in a fresh page, predict the same; broken files are refused', async ({ page }) => {
  const app = new AppPage(page);
  await app.open('webgl');
  await app.dropDataset(subset.dir);
  await app.configure({ ...SMALL, epochs: 1 });
  await app.trainToCompletion();
  const poster = join(subset.dir, `${subset.ids[3]}.jpg`);
  const before = await app.classify(poster);

  const outDir = mkdtempSync(join(tmpdir(), 'poster-genres-export-'));
  const downloads: string[] = [];
  page.on('download', async (download) => {
    const path = join(outDir, download.suggestedFilename());
    await download.saveAs(path);
    downloads.push(download.suggestedFilename());
  });
  await page.getByRole('button', { name: 'Export model' }).click();
  await expect.poll(() => downloads.sort()).toEqual(['metadata.json', 'model.json', 'weights.bin']);

  await page.evaluate(() => indexedDB.deleteDatabase('poster-genres-runs'));
  await page.reload();
  await expect(page.getByTestId('backend-name')).toBeVisible({ timeout: 60_000 });
  const importInput = page.getByLabel('Import model files (model.json, weights.bin, metadata.json)');

  // A weights file from another model is refused with the reason.
  const { writeFileSync } = await import('node:fs');
  const brokenDir = mkdtempSync(join(tmpdir(), 'poster-genres-broken-'));
  writeFileSync(join(brokenDir, 'weights.bin'), Buffer.alloc(1000));
  await importInput.setInputFiles([join(outDir, 'model.json'), join(brokenDir, 'weights.bin'), join(outDir, 'metadata.json')]);
  await expect(page.getByRole('alert')).toContainText('import refused: weights.bin holds 1000 bytes');
  await page.getByRole('button', { name: 'Dismiss' }).click();

  await importInput.setInputFiles(['model.json', 'weights.bin', 'metadata.json'].map((name) => join(outDir, name)));
  await expect(page.getByTestId('model-info')).toContainText('imported');
  const after = await app.classify(poster);
  expect(after.map((g) => g.genre)).toEqual(before.map((g) => g.genre));
  after.forEach((g, k) => expect(g.percent).toBeCloseTo(before[k].percent, 1));
});
