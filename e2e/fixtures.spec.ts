import { test } from './fixtures';

/** The fixture's own guarantees: each of these must fail (test.fail), or the suite reports it. */
test.describe('the page fixture fails a test', () => {
  test.fail('on an uncaught page error', async ({ page }) => {
    await page.goto('/selfcheck.html');
    await Promise.all([
      page.waitForEvent('pageerror'),
      page.evaluate(() => {
        setTimeout(() => {
          throw new Error('an uncaught error, on purpose');
        });
      }),
    ]);
  });

  test.fail('on a request to another origin', async ({ page }) => {
    await page.goto('/selfcheck.html');
    await Promise.all([
      page.waitForEvent('request'),
      page.evaluate(() => void fetch('https://storage.googleapis.com/poster-genres-test').catch(() => undefined)),
    ]);
  });
});
