import type { Page } from '@playwright/test';
import type { EpochMetrics } from '../src/worker/protocol';
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

  /** Fills labelled number fields, in order, as a user does. */
  async setNumbers(values: Record<string, number>): Promise<void> {
    for (const [label, value] of Object.entries(values)) await setNumber(this.page, label, value);
  }

  /** Clicks Train and waits for the run to end; a failed or stopped run fails at once, with the app's alert. */
  async trainToCompletion(timeout = 6 * 60_000): Promise<void> {
    await this.page.getByRole('button', { name: 'Train' }).click();
    await this.waitForRunEnd(timeout);
  }

  async waitForRunEnd(timeout = 6 * 60_000): Promise<void> {
    const status = this.page.getByTestId('training-status');
    await expect(status).toHaveText(/^(completed|failed|stopped)$/, { timeout });
    const alerts = await this.page.getByRole('alert').allInnerTexts();
    expect(`${await status.textContent()} ${alerts.join(' ')}`.trim(), 'the run ended').toBe('completed');
  }

  /** Clicks a download button and returns what it saved, as text. */
  async downloadText(buttonName: string): Promise<string> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByRole('button', { name: buttonName }).click()]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** The per-epoch metrics the app offers as metrics.json. */
  async epochMetrics(): Promise<EpochMetrics[]> {
    return (JSON.parse(await this.downloadText('Download metrics (JSON)')) as { epochs: EpochMetrics[] }).epochs;
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
