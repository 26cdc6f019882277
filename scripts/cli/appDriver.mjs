// @ts-check
/**
 * Drives the one-page app in headless Chromium the way a user does: labelled
 * inputs, buttons, downloads. The CLI's only knowledge of the app is here, in
 * the same locators e2e/appPage.ts uses.
 *
 * Every wait is a poll loop that also stops on a page error, a crash or an
 * error alert, so the CLI fails with the app's own message instead of a timeout.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchWithProfile } from '../chromium.mjs';
import { CliError } from './options.mjs';

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('@playwright/test').Locator} Locator */
/** @typedef {import('@playwright/test').Download} Download */

const POLL_MS = 250;
/** A single click or fill; Playwright's library default is no limit at all. */
const STEP_TIMEOUT_MS = 60_000;
/** Starting TensorFlow.js, reading a dataset or a model: seconds normally, longer on a big folder. */
const LOAD_TIMEOUT_MS = 10 * 60_000;
const DOWNLOAD_TIMEOUT_MS = 2 * 60_000;
const PROGRESS_EVERY_MS = 10_000;
const TERMINAL_STATUSES = new Set(['completed', 'stopped', 'failed']);

/**
 * The lines of `current` not yet seen in `previous`. The app keeps only the
 * last 500 log lines, so once full the log shifts: the overlap is found
 * rather than assumed to be a prefix.
 * @param {string[]} previous @param {string[]} current
 * @returns {string[]}
 */
export function newLogLines(previous, current) {
  // The longest k where previous' last k lines are current's first k; k = previous.length when the log just grew.
  for (let k = Math.min(previous.length, current.length); k > 0; k--) {
    let overlaps = true;
    for (let i = 0; i < k && overlaps; i++) overlaps = previous[previous.length - k + i] === current[i];
    if (overlaps) return current.slice(k);
  }
  return current;
}

/** @param {string | null} text */
const squash = (text) => (text ?? '').replace(/\s+/g, ' ').trim();

/**
 * @typedef {object} DriverOptions
 * @property {(message: string) => void} log  to stderr
 * @property {boolean} verbose  echo the page's console
 * @property {string} [profile]  browser profile folder to keep; default a fresh one, deleted on close
 */

export class AppDriver {
  /** @type {CliError | null} */
  #failure = null;
  /** @type {(error: CliError) => void} */
  #rejectFailed = () => {};
  /** Settles only on failure; raced against every Playwright call. */
  #failed = new Promise((_, reject) => {
    this.#rejectFailed = reject;
  });
  #closing = false;
  /** Closes the browser (and deletes a temporary profile). */
  #close = async () => {};

  /**
   * @param {import('@playwright/test').Browser} browser
   * @param {Page} page
   * @param {DriverOptions} options
   */
  constructor(browser, page, options) {
    this.browser = browser;
    this.page = page;
    this.log = options.log;
    this.#failed.catch(() => {});
    page.on('pageerror', (error) => this.#fail(`page error: ${error.stack ?? error.message}`));
    page.on('crash', () => this.#fail('the page crashed (out of memory?)'));
    browser.on('disconnected', () => this.#closing || this.#fail('the browser closed unexpectedly'));
    page.on('console', (message) => {
      if (options.verbose) this.log(`console.${message.type()}: ${message.text()}`);
    });
  }

  /** @param {DriverOptions} options */
  static async launch(options) {
    const { chromium } = await import('@playwright/test');
    const launched = await launchWithProfile(chromium, { profile: options.profile, acceptDownloads: true });
    launched.context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const driver = new AppDriver(launched.browser, launched.page, options);
    driver.#close = launched.close;
    return driver;
  }

  async close() {
    this.#closing = true;
    await this.#close();
  }

  /** @param {string} message */
  #fail(message) {
    if (this.#failure) return;
    this.#failure = new CliError(message);
    this.#rejectFailed(this.#failure);
  }

  /**
   * @template T
   * @param {Promise<T>} promise
   * @returns {Promise<T>}
   */
  #guard(promise) {
    promise.catch(() => {});
    return Promise.race([promise, this.#failed]);
  }

  /** The text of every error alert on the page, or null when there is none. */
  async alertText() {
    const texts = await this.#guard(this.page.getByRole('alert').allInnerTexts());
    const text = texts
      .map((t) => t.replace(/\s*Dismiss\s*$/, '').trim())
      .filter(Boolean)
      .join('\n');
    return text || null;
  }

  /**
   * Polls `check` until it returns something other than undefined.
   * @template T
   * @param {string} what  for the timeout message
   * @param {() => Promise<T | undefined>} check
   * @param {{ timeoutMs?: number, failOnAlert?: boolean, onTick?: () => Promise<void> }} [options]
   * @returns {Promise<T>}
   */
  async waitUntil(what, check, { timeoutMs = LOAD_TIMEOUT_MS, failOnAlert = true, onTick } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#failure) throw this.#failure;
      if (failOnAlert) {
        const alert = await this.alertText();
        if (alert) throw new CliError(`the app reports an error while waiting for ${what}:\n${alert}`);
      }
      const result = await this.#guard(check());
      if (result !== undefined) return result;
      if (onTick) await this.#guard(onTick());
      if (Date.now() > deadline) throw new CliError(`gave up after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
      await sleep(POLL_MS);
    }
  }

  /**
   * Opens the app and waits for TensorFlow.js to pick its backend.
   * @param {string} url @param {string} [backend]
   */
  async open(url, backend) {
    const target = new URL(url);
    if (backend) target.searchParams.set('backend', backend);
    await this.#guard(this.page.goto(target.href));
    const name = this.page.getByTestId('backend-name');
    const used = await this.waitUntil('TensorFlow.js to start', async () =>
      (await name.isVisible()) ? squash(await name.textContent()) : undefined,
    );
    this.log(squash(await this.page.getByTestId('backend').textContent()));
    if (backend && used !== backend) throw new CliError(`--backend ${backend} was asked for, but the app runs on ${used}`);
    return used;
  }

  /**
   * Picks the model kind in the "Model" select, which only newer builds of the app have.
   * @param {string} kind
   */
  async selectModel(kind) {
    const select = this.page.getByRole('combobox', { name: 'Model', exact: true });
    if ((await this.#guard(select.count())) === 0) {
      throw new CliError(`--model ${kind}: this build of the app has no "Model" select (rebuild dist/, or leave out --model)`);
    }
    const values = await this.#guard(
      select.locator('option').evaluateAll((options) => options.map((option) => /** @type {HTMLOptionElement} */ (option).value)),
    );
    if (!values.includes(kind)) throw new CliError(`--model ${kind}: the app's "Model" select offers ${values.join(', ')}`);
    await this.#guard(select.selectOption(kind));
  }

  /**
   * Picks `value` in a labelled select that only some model kinds show.
   * @param {string} label @param {string} value @param {string} flag  as typed, for messages
   */
  async selectChoice(label, value, flag) {
    const select = this.page.getByRole('combobox', { name: label, exact: true });
    if ((await this.#guard(select.count())) === 0)
      throw new CliError(`${flag}: the app shows no "${label}" select (not used by the chosen model? add --model)`);
    const values = await this.#guard(
      select.locator('option').evaluateAll((options) => options.map((option) => /** @type {HTMLOptionElement} */ (option).value)),
    );
    if (!values.includes(value)) throw new CliError(`${flag}: the app's "${label}" select offers ${values.join(', ')}`);
    await this.#guard(select.selectOption(value));
  }

  /**
   * Ticks or clears a checkbox whose label starts with `label`.
   * @param {string} label @param {boolean} checked @param {string} flag  as typed, for messages
   */
  async setCheckbox(label, checked, flag) {
    const box = this.page.getByRole('checkbox', { name: new RegExp(`^${label}`) });
    if ((await this.#guard(box.count())) === 0)
      throw new CliError(`${flag}: the app shows no "${label}" checkbox (not used by the chosen model? add --model)`);
    await this.#guard(box.setChecked(checked));
  }

  /**
   * Fills a text field whose label starts with `label` (fill, then blur).
   * @param {string} label @param {string} value @param {string} flag  as typed, for messages
   */
  async setText(label, value, flag) {
    const field = this.page.getByRole('textbox', { name: new RegExp(`^${label}`) });
    if ((await this.#guard(field.count())) === 0)
      throw new CliError(`${flag}: the app shows no "${label}" field (not used by the chosen model? add --model)`);
    await this.#guard(field.fill(value));
    await this.#guard(field.blur());
  }

  /**
   * Fills a labelled number field as a user does (fill, then blur), then reads
   * it back: the app clamps out-of-range values rather than refusing them.
   * @param {string} label @param {number} value @param {string} flag  as typed, for messages
   */
  async setNumber(label, value, flag) {
    const field = this.page.getByLabel(label, { exact: true });
    if ((await this.#guard(field.count())) === 0) throw new CliError(`${flag}: the app shows no "${label}" field (not used by the chosen model?)`);
    if (!(await this.#guard(field.isEnabled()))) throw new CliError(`${flag}: "${label}" is disabled in the app (fixed by the chosen model?)`);
    await this.#guard(field.fill(String(value)));
    await this.#guard(field.blur());
    const kept = Number(await this.#guard(field.inputValue()));
    if (kept !== value) {
      const [min, max] = await this.#guard(field.evaluate((input) => [input.getAttribute('min'), input.getAttribute('max')]));
      throw new CliError(`${flag}: the app allows ${label} from ${min} to ${max} and kept ${kept}`);
    }
  }

  /** "Epochs=1, Batch size=8, …": what the training form holds now. */
  async settingsSummary() {
    const labels = this.page.getByRole('group', { name: 'Training settings' }).locator('label');
    const pairs = await this.#guard(
      labels.evaluateAll((nodes) =>
        nodes.map((label) => {
          const name = Array.from(label.childNodes)
            .filter((node) => node.nodeType === Node.TEXT_NODE)
            .map((node) => node.textContent)
            .join('')
            .trim();
          const control = /** @type {HTMLInputElement | HTMLSelectElement | null} */ (label.querySelector('input, select'));
          if (control instanceof HTMLInputElement && control.type === 'file') return null;
          const value = control instanceof HTMLInputElement && control.type === 'checkbox' ? (control.checked ? 'on' : 'off') : control?.value;
          return `${name}=${value ?? '?'}`;
        }),
      ),
    );
    return pairs.filter(Boolean).join(', ');
  }

  /**
   * Picks the labels CSV (when given) and the poster folder; returns the dataset report's numbers.
   * @param {string} dir @param {string} [csvPath]
   */
  async loadDataset(dir, csvPath) {
    if (csvPath) await this.#guard(this.page.getByLabel('Labels CSV', { exact: true }).setInputFiles(csvPath));
    await this.#guard(this.page.getByLabel('Poster folder', { exact: true }).setInputFiles(dir));
    const report = this.page.getByRole('region', { name: 'Dataset report' });
    await this.waitUntil('the dataset report', async () => ((await report.isVisible()) ? true : undefined));
    /** @param {string} id */
    const count = async (id) => Number(squash(await report.getByTestId(id).textContent()));
    const problems = await report.getByLabel('Dataset problems').getByRole('listitem').allTextContents();
    return {
      postersFound: await count('posters-found'),
      rowsRead: await count('rows-read'),
      usableExamples: await count('usable-examples'),
      genres: await count('genre-count'),
      problems: problems.map(squash),
    };
  }

  /**
   * A button once the app enables it (the model, say, arrives just after the run ends).
   * @param {string} name
   */
  async #enabledButton(name) {
    const button = this.page.getByRole('button', { name, exact: true });
    await this.waitUntil(`"${name}" to be enabled`, async () => ((await button.count()) > 0 && (await button.isEnabled()) ? true : undefined), {
      timeoutMs: STEP_TIMEOUT_MS,
    });
    return button;
  }

  async startTraining() {
    await this.#guard((await this.#enabledButton('Train')).click());
  }

  /**
   * Follows a run to its end: new log lines as they appear, the progress line
   * every ~10 s. An alert while the run goes on is reported and remembered;
   * the run's own failure ends the wait at once.
   * @param {{ timeoutMs?: number, onLogLine: (line: string) => void, onProgress: (text: string) => void }} options
   * @returns {Promise<{ status: string, alerts: string[] }>}
   */
  async followTraining({ timeoutMs, onLogLine, onProgress }) {
    const logBox = this.page.getByTestId('training-log');
    const status = this.page.getByTestId('training-status');
    const progress = this.page.getByTestId('progress-text');
    // Pretrained models first embed every poster: the app shows that stage in its own line.
    const embedding = this.page.getByRole('progressbar', { name: 'Embedding progress' }).locator('..');
    /** @type {string[]} */
    let shown = [];
    /** @type {string[]} */
    const alerts = [];
    let lastProgress = Date.now();
    const flushLog = async () => {
      const text = (await logBox.count()) > 0 ? ((await logBox.textContent()) ?? '') : '';
      const lines = text === '' ? [] : text.split('\n');
      newLogLines(shown, lines).forEach(onLogLine);
      shown = lines;
    };
    const finalStatus = await this.waitUntil(
      'training to finish',
      async () => {
        await flushLog();
        const current = (await status.count()) > 0 ? squash(await status.textContent()) : null;
        const alert = await this.alertText();
        if (alert && !alerts.includes(alert)) {
          // Before the run has started, or once it has failed, an alert is the run's own failure.
          if (current === null || current === 'failed') return 'failed';
          alerts.push(alert);
          this.log(`the app reports an error (training goes on):\n${alert}`);
        }
        return current !== null && TERMINAL_STATUSES.has(current) ? current : undefined;
      },
      {
        timeoutMs: timeoutMs ?? Number.POSITIVE_INFINITY,
        failOnAlert: false,
        onTick: async () => {
          if (Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
          lastProgress = Date.now();
          if ((await embedding.count()) > 0) onProgress(squash(await embedding.textContent()));
          else if ((await progress.count()) > 0) onProgress(squash(await progress.textContent()));
        },
      },
    );
    await this.#guard(flushLog());
    if ((await progress.count()) > 0) onProgress(squash(await progress.textContent()));
    const alert = await this.alertText();
    if (alert && !alerts.includes(alert)) alerts.push(alert);
    return { status: finalStatus, alerts };
  }

  /**
   * Clicks a button and saves the files it downloads, by name, into `dir`.
   * @param {string} buttonName @param {readonly string[]} names @param {string} dir
   */
  async saveDownloads(buttonName, names, dir) {
    const button = await this.#enabledButton(buttonName);
    mkdirSync(dir, { recursive: true });
    /** @type {Set<string>} */
    const saved = new Set();
    /** @param {Download} download */
    const onDownload = (download) => {
      const name = download.suggestedFilename();
      if (!names.includes(name)) {
        this.#fail(`"${buttonName}" downloaded ${name}; expected ${names.join(', ')}`);
        return;
      }
      download.saveAs(join(dir, name)).then(
        () => saved.add(name),
        (error) => this.#fail(`could not save ${name}: ${error.message}`),
      );
    };
    this.page.on('download', onDownload);
    try {
      await this.#guard(button.click());
      await this.waitUntil(`${names.join(', ')} from "${buttonName}"`, async () => (names.every((name) => saved.has(name)) ? true : undefined), {
        timeoutMs: DOWNLOAD_TIMEOUT_MS,
      });
    } finally {
      this.page.off('download', onDownload);
    }
  }

  /**
   * When the page offers "Download problems (CSV)" (it does once a problem was
   * found), saves it at `path`; returns whether it did.
   * @param {string} path
   */
  async saveProblems(path) {
    const button = this.page.getByRole('button', { name: 'Download problems (CSV)', exact: true });
    if ((await this.#guard(button.count())) === 0) return false;
    await this.saveDownloadAs('Download problems (CSV)', path);
    return true;
  }

  /**
   * Clicks a button and saves the one file it downloads at `path`, whatever its name.
   * @param {string} buttonName @param {string} path
   */
  async saveDownloadAs(buttonName, path) {
    const button = await this.#enabledButton(buttonName);
    const [download] = await this.#guard(Promise.all([this.page.waitForEvent('download', { timeout: DOWNLOAD_TIMEOUT_MS }), button.click()]));
    mkdirSync(dirname(path), { recursive: true });
    await this.#guard(download.saveAs(path));
  }

  /**
   * Imports model.json, weights.bin and metadata.json; returns the app's line about the model.
   * @param {string[]} paths
   */
  async importModel(paths) {
    await this.#guard(this.page.getByLabel(/^Import model files/).setInputFiles(paths));
    const info = this.page.getByTestId('model-info');
    return this.waitUntil('the model import', async () => {
      const text = (await info.count()) > 0 ? squash(await info.textContent()) : '';
      return text.includes('(imported)') ? text : undefined;
    });
  }

  /**
   * Predicts a folder in section "6. Predict a folder" and waits for the table.
   * @param {string} dir @param {{ csvPath?: string, timeoutMs?: number, onProgress: (text: string) => void }} options
   * @returns {Promise<{ predicted: number, skipped: string[], evaluated: boolean, seenNote?: string }>}
   */
  async predictFolder(dir, { csvPath, timeoutMs, onProgress }) {
    if (csvPath) await this.#guard(this.page.getByLabel(/^Labels CSV for evaluation/).setInputFiles(csvPath));
    await this.#guard(this.page.getByLabel('Folder to predict', { exact: true }).setInputFiles(dir));
    const table = this.page.getByRole('table', { name: 'Batch predictions' });
    // The count beside the bar (the bar's box also holds the Cancel button).
    const progress = this.page.getByRole('progressbar', { name: 'Batch prediction progress' }).locator('..').locator('span').first();
    let lastProgress = Date.now();
    await this.waitUntil('the batch predictions', async () => ((await table.isVisible()) ? true : undefined), {
      timeoutMs: timeoutMs ?? Number.POSITIVE_INFINITY,
      onTick: async () => {
        if (Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = Date.now();
        if ((await progress.count()) > 0) onProgress(`predicting: ${squash(await progress.textContent())}`);
      },
    });
    const summary = squash(await this.#guard(this.page.getByText(/^\d+ posters predicted$/).textContent()));
    const skipped = await this.#guard(this.page.getByRole('group', { name: 'Skipped files' }).getByRole('listitem').allTextContents());
    const evaluated = (await this.#guard(this.page.getByRole('button', { name: 'Download evaluation (JSON)' }).count())) > 0;
    const seen = this.page.getByText(/were in this model's training split/);
    const seenNote = (await this.#guard(seen.count())) > 0 ? squash(await this.#guard(seen.textContent())) : undefined;
    return { predicted: Number.parseInt(summary, 10), skipped: skipped.map(squash), evaluated, seenNote };
  }
}
