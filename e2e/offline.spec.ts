import { expect, test } from './fixtures';

test('after one visit the app loads and starts its worker offline', async ({ page, context }) => {
  await page.goto('/?backend=cpu');
  await expect(page.getByTestId('backend-name')).toHaveText('cpu', { timeout: 60_000 });
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // Load once more under the service worker's control so every asset is cached.
  await page.reload();
  await expect(page.getByTestId('backend-name')).toHaveText('cpu', { timeout: 60_000 });

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Poster Genres' })).toBeVisible();
  await expect(page.getByTestId('backend-name')).toHaveText('cpu', { timeout: 60_000 });
  await context.setOffline(false);
});
