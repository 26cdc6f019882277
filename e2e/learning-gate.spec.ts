import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppPage } from './appPage';
import { expect, makePosterSubset, POSTERS_DIR, test } from './fixtures';

/**
 * Learning gate, part 2: on real posters, the pretrained path learns, on the
 * app's default backend (WebGPU) and on WebGL. A model that trains but does
 * not learn (validation AUC exactly 0.500, the same scores for every poster:
 * what a backbone with zeroed weights gave) fails here.
 *
 * Margins measured with the same settings and posters (`npm run cli -- train
 * --model mobilenet-frozen --backbone mobilenet_v2_035_224 --mirror off
 * --heads 1 --val 0.25`, seeds 1-4): validation AUC 0.62-0.70, mAP 2.2-2.4x
 * the constant prior's. The broken model scored AUC 0.500 and mAP = prior.
 */
const MIN_AUC = 0.6;
const MIN_MAP_OVER_PRIOR = 1.5;

// Made in beforeAll, not at import: Playwright also imports spec files in its runner process.
let subset: ReturnType<typeof makePosterSubset>;
/** Eight posters without labels, in a folder of their own: the app predicts whole folders. */
let unseen: string;
test.beforeAll(() => {
  subset = makePosterSubset(600, 'gate');
  unseen = mkdtempSync(join(tmpdir(), 'poster-genres-unseen-'));
  const names = readdirSync(join(POSTERS_DIR, 'unlabeled'))
    .filter((name) => name.endsWith('.jpg'))
    .slice(0, 8);
  names.forEach((name) => copyFileSync(join(POSTERS_DIR, 'unlabeled', name), join(unseen, name)));
});

for (const backend of [undefined, 'webgl'] as const) {
  test(`the pretrained path learns on 600 real posters on ${backend ?? 'the default backend (webgpu)'}`, async ({ page, pageErrors }) => {
    test.setTimeout(6 * 60_000);
    const app = new AppPage(page);
    await app.open(backend);
    await expect(page.getByTestId('backend-name')).toHaveText(backend ?? 'webgpu');
    await app.dropDataset(subset.dir);
    await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('mobilenet-frozen');
    await page.getByRole('combobox', { name: 'Backbone', exact: true }).selectOption('mobilenet_v2_035_224');
    await page.getByRole('checkbox', { name: /^Mirror posters/ }).setChecked(false);
    await app.setNumbers({ 'Heads averaged': 1, 'Validation fraction': 0.25, Seed: 1 });
    await app.trainToCompletion(5 * 60_000);

    // The model keeps its best epoch (early stopping on validation mAP): judge that one.
    const epochs = await app.epochMetrics();
    const best = epochs.reduce((a, b) => ((b.validation?.mapMacro ?? 0) > (a.validation?.mapMacro ?? 0) ? b : a));
    const auc = best.validation?.aucMacro ?? 0;
    const map = best.validation?.mapMacro ?? 0;
    const prior = best.baseline?.mapMacro ?? 1;
    console.log(
      `${backend ?? 'default'}: epoch ${best.epoch} of ${epochs.length}, validation AUC ${auc.toFixed(3)}, mAP ${map.toFixed(3)} (prior ${prior.toFixed(3)})`,
    );
    expect(auc, 'validation AUC of the kept epoch').toBeGreaterThanOrEqual(MIN_AUC);
    expect(map / prior, 'validation mAP over the constant prior').toBeGreaterThanOrEqual(MIN_MAP_OVER_PRIOR);

    // Unseen posters get scores of their own.
    await page.getByLabel('Folder to predict', { exact: true }).setInputFiles(unseen);
    await expect(page.getByRole('table', { name: 'Batch predictions' })).toBeVisible({ timeout: 2 * 60_000 });
    const rows = (await app.downloadText('Download CSV'))
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(',').slice(1, -1).join(','));
    expect(rows).toHaveLength(8);
    expect(new Set(rows).size, 'distinct score rows among 8 posters').toBe(8);
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(pageErrors).toEqual([]);
  });
}
