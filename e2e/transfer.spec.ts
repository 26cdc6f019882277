import { join } from 'node:path';
import { AppPage } from './appPage';
import { expect, makePosterSubset, setNumber, test } from './fixtures';

const MODELS_DIR = join(import.meta.dirname, '..', '..', 'shared', 'models');

const subset = makePosterSubset(32, 'transfer');

test('pretrained MobileNetV2 from ../shared/models: embed, train a head, classify a poster', async ({ page, pageErrors }) => {
  const app = new AppPage(page);
  await app.open('webgl');
  await app.dropDataset(subset.dir);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('mobilenet-frozen');
  // The smaller backbone keeps this test short; the 1.0 default loads the same way.
  await page.getByRole('combobox', { name: 'Backbone', exact: true }).selectOption('mobilenet_v2_035_224');
  // The backbone is fetched from /models/ (served from ../shared/models) and summarised.
  await expect(page.getByTestId('total-params')).not.toHaveText('2,758,265', { timeout: 60_000 });
  await setNumber(page, 'Epochs', 8);
  await setNumber(page, 'Batch size', 16);
  await setNumber(page, 'Validation fraction', 0.25);
  await page.getByRole('combobox', { name: 'Imbalance handling' }).selectOption('weighted-bce');
  await app.trainToCompletion();
  await expect(page.getByTestId('training-log')).toContainText('32 computed');
  await expect(page.getByTestId('model-info')).toContainText('mobilenet-frozen');
  await expect(page.getByRole('table', { name: 'Per-genre metrics' })).toBeVisible();

  const top = await app.classify(join(subset.dir, `${subset.ids[1]}.jpg`));
  for (const { genre } of top) expect(subset.genres).toContain(genre);

  // A second run hits the embedding cache: nothing is computed again.
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText('completed', { timeout: 4 * 60_000 });
  await expect(page.getByTestId('training-log')).toContainText('32 from the cache, 0 computed');

  // The same backbone picked as a folder: checked at once, then used instead of the URL.
  await page.getByLabel('Backbone folder (model.json + weight files)').setInputFiles(join(MODELS_DIR, 'mobilenet_v2_035_224'));
  await expect(page.getByRole('status', { name: 'Backbone source' })).toContainText('Using model.json + 1 weight file (410,208 parameters)');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
