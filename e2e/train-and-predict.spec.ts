import { join } from 'node:path';
import { AppPage } from './appPage';
import { expect, makePosterSubset, test } from './fixtures';

const subset = makePosterSubset(48, 'e2e');

for (const backend of ['webgpu', 'webgl'] as const) {
  test(`drop 48 real posters, train 2 epochs on ${backend}, classify a poster`, async ({ page, pageErrors }) => {
    const app = new AppPage(page);
    // On WebGL no poster fits in memory: epoch 2 reads them back from the disk spill (OPFS).
    await app.open(backend, backend === 'webgl' ? { pixelBudgetMB: '0' } : {});
    await expect(page.getByTestId('backend-name')).toHaveText(backend);

    // The folder holds train.csv, so the app picks it up by itself.
    await app.dropDataset(subset.dir);
    await expect(page.getByTestId('posters-found')).toHaveText('48');
    await expect(page.getByTestId('usable-examples')).toHaveText('48');
    await expect(page.getByTestId('genre-count')).toHaveText('25');
    // The default 400x300 summary carries the tutorial's parameter count.
    await expect(page.getByTestId('total-params')).toHaveText('2,758,265');

    await app.configure({ epochs: 2, batchSize: 8, height: 96, width: 76, valFraction: 0.25 });
    await expect(page.getByTestId('total-params')).not.toHaveText('2,758,265');
    await app.trainToCompletion();

    // Two epochs: each line chart has a point per epoch.
    const lossChart = page.getByRole('figure', { name: 'Loss (binary cross-entropy)' });
    await expect(lossChart.locator('.recharts-line-dots').first().locator('circle, path')).toHaveCount(2);
    await expect(page.getByTestId('training-log')).toContainText('epoch 2: train loss');
    // Learning gate, part 3: the tutorial CNN learns on this backend: its training loss falls.
    const epochs = await app.epochMetrics();
    console.log(`${backend}: train loss ${epochs.map((epoch) => epoch.train.loss.toFixed(4)).join(' -> ')}`);
    expect(epochs[1].train.loss).toBeLessThan(epochs[0].train.loss);
    const kept = backend === 'webgl' ? '48 (0 in memory (0 MB), 48 on disk (Origin Private File System)' : '48 (48 in memory';
    await expect(page.getByTestId('training-log')).toContainText(`decoded posters kept for the next epochs: ${kept}`);
    // The run deletes its spill file when it ends.
    const spilled = await page.evaluate(async () => {
      const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('decoded-posters', { create: true });
      const names: string[] = [];
      for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      return names;
    });
    expect(spilled).toEqual([]);

    const top = await app.classify(join(subset.dir, `${subset.ids[0]}.jpg`));
    for (const { genre } of top) expect(subset.genres).toContain(genre);
    expect(top[0].percent).toBeGreaterThanOrEqual(top[1].percent);
    expect(top[1].percent).toBeGreaterThanOrEqual(top[2].percent);
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(pageErrors).toEqual([]);
  });
}
