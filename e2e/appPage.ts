import type { Page } from '@playwright/test';
import { expect, setNumber } from './fixtures';

export interface SmallRun {
  epochs: number;
  batchSize: number;
  height: number;
  width: number;
  valFraction?: number;
}

/** Page object for the one-page app: the steps a user takes. */
export class AppPage {
  constructor(readonly page: Page) {}

  /** `options`: more of the address bar's overrides (src/features/useTrainingWorker.ts), e.g. `{ pixelBudgetMB: '0' }`. */
  async open(backend?: 'webgpu' | 'webgl' | 'cpu', options: Record<string, string> = {}): Promise<void> {
    const query = new URLSearchParams({ ...(backend ? { backend } : {}), ...options }).toString();
    await this.page.goto(query ? `/?${query}` : '/');
    await expect(this.page.getByTestId('backend-name')).toBeVisible({ timeout: 60_000 });
  }

  async dropDataset(dir: string, csvPath?: string): Promise<void> {
    if (csvPath) await this.page.getByLabel('Labels CSV').setInputFiles(csvPath);
    await this.page.getByLabel('Poster folder').setInputFiles(dir);
    await expect(this.page.getByRole('region', { name: 'Dataset report' })).toBeVisible({ timeout: 60_000 });
  }

  async configure(run: SmallRun): Promise<void> {
    await setNumber(this.page, 'Epochs', run.epochs);
    await setNumber(this.page, 'Batch size', run.batchSize);
    await setNumber(this.page, 'Input height', run.height);
    await setNumber(this.page, 'Input width', run.width);
    if (run.valFraction !== undefined) await setNumber(this.page, 'Validation fraction', run.valFraction);
  }

  async trainToCompletion(timeout = 6 * 60_000): Promise<void> {
    await this.page.getByRole('button', { name: 'Train' }).click();
    await expect(this.page.getByTestId('training-status')).toHaveText('completed', { timeout });
  }

  async classify(posterPath: string): Promise<Array<{ genre: string; percent: number }>> {
    await this.page.getByLabel('Poster to classify').setInputFiles(posterPath);
    const items = this.page.getByRole('list', { name: 'Top genres' }).getByRole('listitem');
    await expect(items).toHaveCount(3);
    const genres = await items.locator('.genre-name').allTextContents();
    const percents = await items.locator('.probability').allTextContents();
    return genres.map((genre, k) => ({ genre, percent: Number.parseFloat(percents[k]) }));
  }
}
