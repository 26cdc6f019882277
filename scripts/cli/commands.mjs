// @ts-check
/**
 * The three commands. Each checks its flags and folders first (no browser
 * for a typo), then serves the app, opens it and drives it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Papa from 'papaparse';
import { AppDriver } from './appDriver.mjs';
import { checkModelFolder, checkPosterFolder, labelsFor, MODEL_FILES } from './files.mjs';
import { SETTING_LIMITS } from '../../src/config/registry.js';
import { BACKBONE_IDS, BACKENDS, choiceFlag, CliError, HEAD_LOSSES, MODEL_KINDS, numberFlag, sizeFlag, urlFlag } from './options.mjs';
import { savedPort, savePort, serveApp } from './server.mjs';

/**
 * @typedef {object} Io
 * @property {(line: string) => void} out  stdout: the command's output
 * @property {(message: string) => void} log  stderr: what the CLI does
 * @property {(close: () => Promise<void>) => void} onCleanup  run on exit and on Ctrl-C
 * @typedef {Record<string, string | boolean | undefined>} Flags
 */

/** @param {Flags} flags @param {string} name @returns {string | undefined} */
const text = (flags, name) => /** @type {string | undefined} */ (flags[name]);

/** The flags every command shares, checked. @param {Flags} flags */
function appFlags(flags) {
  const minutes = numberFlag('timeout-min', text(flags, 'timeout-min'), { min: 0, minExclusive: true });
  return {
    backend: choiceFlag('backend', text(flags, 'backend'), BACKENDS),
    url: urlFlag(text(flags, 'url')),
    noBuild: flags['no-build'] === true,
    verbose: flags.verbose === true,
    profile: text(flags, 'profile'),
    timeoutMs: minutes === undefined ? undefined : minutes * 60_000,
  };
}

/**
 * Serves the app, opens it in a fresh browser, and hands it to `use`; closes both after.
 * @template T
 * @param {ReturnType<typeof appFlags>} options @param {Io} io
 * @param {(app: AppDriver) => Promise<T>} use
 * @returns {Promise<T>}
 */
async function withApp(options, io, use) {
  const port = options.profile ? savedPort(options.profile) : undefined;
  const server = await serveApp({ url: options.url, noBuild: options.noBuild, log: io.log, port });
  if (options.profile && !options.url && port === undefined) savePort(options.profile, server.url);
  io.onCleanup(() => server.close());
  io.log(`starting Chromium`);
  const app = await AppDriver.launch({ log: io.log, verbose: options.verbose, profile: options.profile });
  io.onCleanup(() => app.close());
  await app.open(server.url, options.backend);
  return use(app);
}

/** @param {string} path @param {string} flag */
function ensureFolder(path, flag) {
  const dir = resolve(path);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new CliError(`${flag} ${path}: exists and is not a folder`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** @param {Flags} flags @param {Io} io */
export async function train(flags, io) {
  const options = appFlags(flags);
  const size = sizeFlag(text(flags, 'size'));
  /**
   * A number setting: checked against the registry's range (the form's own), labelled as the form labels it.
   * @param {string} flag @param {keyof typeof SETTING_LIMITS} key
   * @returns {[string, number | undefined, string]}  [label, value, the flag as typed]
   */
  const setting = (flag, key) => {
    const { label, min, max, integer } = SETTING_LIMITS[key];
    return [label, numberFlag(flag, text(flags, flag), { integer, min, max }), `--${flag} ${flags[flag]}`];
  };
  /** The training form's fields, in the order a user fills them. */
  const fields = [
    setting('epochs', 'epochs'),
    setting('batch', 'batchSize'),
    setting('lr', 'learningRate'),
    /** @type {[string, number | undefined, string]} */ ([SETTING_LIMITS.height.label, size?.height, `--size ${flags.size}`]),
    /** @type {[string, number | undefined, string]} */ ([SETTING_LIMITS.width.label, size?.width, `--size ${flags.size}`]),
    setting('val', 'valFraction'),
    setting('seed', 'seed'),
    setting('heads', 'headEnsemble'),
    setting('fine-tune-epochs', 'fineTuneEpochs'),
  ];
  /** The pretrained models' selects: [label, value, the flag as typed]. */
  const choices = /** @type {Array<[string, string | undefined, string]>} */ ([
    ['Backbone', choiceFlag('backbone', text(flags, 'backbone'), BACKBONE_IDS), `--backbone ${flags.backbone}`],
    ['Imbalance handling', choiceFlag('head-loss', text(flags, 'head-loss'), HEAD_LOSSES), `--head-loss ${flags['head-loss']}`],
  ]);
  const backboneUrl = text(flags, 'backbone-url');
  const mirror = choiceFlag('mirror', text(flags, 'mirror'), /** @type {const} */ (['on', 'off']));
  const modelKind = choiceFlag('model', text(flags, 'model'), MODEL_KINDS);
  const folder = checkPosterFolder('--data', String(flags.data));
  const labels = labelsFor(folder, text(flags, 'csv'), '--data');
  const outDir = ensureFolder(String(flags.out), '--out');
  io.log(`data: ${folder.images} images under ${folder.dir}; ${labels.description}`);

  await withApp(options, io, async (app) => {
    if (modelKind) await app.selectModel(modelKind);
    for (const [label, value, flag] of choices) {
      if (value !== undefined) await app.selectChoice(label, value, flag);
    }
    if (backboneUrl !== undefined) await app.setText('Backbone URL', backboneUrl, `--backbone-url ${backboneUrl}`);
    if (mirror !== undefined) await app.setCheckbox('Mirror posters', mirror === 'on', `--mirror ${mirror}`);
    for (const [label, value, flag] of fields) {
      if (value !== undefined) await app.setNumber(label, value, flag);
    }
    io.log(`settings: ${await app.settingsSummary()}`);

    const report = await app.loadDataset(folder.dir, labels.csvPath);
    io.log(
      `dataset: ${report.postersFound} posters, ${report.rowsRead} CSV rows, ${report.usableExamples} usable, ${report.genres} genres, ${report.problems.length} problems`,
    );
    if (report.usableExamples === 0) {
      const shown = report.problems.slice(0, 10).map((problem) => `  ${problem}`);
      throw new CliError(['no usable examples: no poster matches a CSV row (Id = file name without extension)', ...shown].join('\n'));
    }

    await app.startTraining();
    const run = await app.followTraining({ timeoutMs: options.timeoutMs, onLogLine: io.out, onProgress: io.log });
    if (run.status !== 'completed') {
      throw new CliError(`training ${run.status}${run.alerts.length > 0 ? `:\n${run.alerts.join('\n')}` : ''}`);
    }

    await reportProblems(app, join(outDir, PROBLEMS_CSV), io);
    await app.saveDownloads('Export model', MODEL_FILES, outDir);
    await app.saveDownloads('Download metrics (JSON)', ['metrics.json'], outDir);
    await app.saveDownloads('Download log', ['training-log.txt'], outDir);
    io.log(`wrote ${[...MODEL_FILES, 'metrics.json', 'training-log.txt'].join(', ')} to ${outDir}`);
    const last = JSON.parse(readFileSync(join(outDir, 'metrics.json'), 'utf8')).epochs?.at(-1);
    if (last?.validation?.mapMacro != null) {
      io.log(
        `epoch ${last.epoch}: validation mAP ${last.validation.mapMacro.toFixed(3)} (constant prior ${last.baseline?.mapMacro?.toFixed(3) ?? '?'})`,
      );
    }
    // Pretrained heads keep their best epoch (early stopping), which need not be the last one.
    const kept = JSON.parse(readFileSync(join(outDir, 'metadata.json'), 'utf8')).validation;
    if (kept?.mapMacro != null) {
      io.log(
        `the saved model: validation mAP ${kept.mapMacro.toFixed(3)}, AUC ${kept.aucMacro?.toFixed(3) ?? '?'}, macro F1 (tuned thresholds) ${kept.f1MacroTuned?.toFixed(3) ?? '?'}`,
      );
    }
    // Checked after saving: a run that completed is worth keeping even when something else went wrong.
    if (run.alerts.length > 0)
      throw new CliError(`training completed and its files were written, but the app reported errors:\n${run.alerts.join('\n')}`);
  });
}

/** @param {Flags} flags @param {Io} io */
export async function predict(flags, io) {
  const options = appFlags(flags);
  const modelFiles = checkModelFolder(String(flags.model));
  const folder = checkPosterFolder('--images', String(flags.images));
  const outPath = resolve(String(flags.out));
  if (existsSync(outPath) && statSync(outPath).isDirectory())
    throw new CliError(`--out ${flags.out}: is a folder; give a file name such as probs.csv`);
  io.log(`images: ${folder.images} under ${folder.dir}`);

  await withApp(options, io, async (app) => {
    io.log(await app.importModel(modelFiles));
    const result = await app.predictFolder(folder.dir, { timeoutMs: options.timeoutMs, onProgress: io.log });
    await reportProblems(app, join(dirname(outPath), PROBLEMS_CSV), io);
    if (result.predicted === 0) throw new CliError(`no poster under ${folder.dir} could be predicted`);
    await app.saveDownloadAs('Download CSV', outPath);
    io.log(`${result.predicted} posters predicted; wrote ${outPath}`);
  });
}

/** @param {Flags} flags @param {Io} io */
export async function evaluate(flags, io) {
  const options = appFlags(flags);
  const modelFiles = checkModelFolder(String(flags.model));
  const folder = checkPosterFolder('--data', String(flags.data));
  const labels = labelsFor(folder, text(flags, 'csv'), '--data');
  const outPath = text(flags, 'out') === undefined ? undefined : resolve(String(flags.out));
  io.log(`data: ${folder.images} images under ${folder.dir}; ${labels.description}`);

  const json = await withApp(options, io, async (app) => {
    io.log(await app.importModel(modelFiles));
    const result = await app.predictFolder(folder.dir, { csvPath: labels.csvPath, timeoutMs: options.timeoutMs, onProgress: io.log });
    await reportProblems(app, join(outPath ? dirname(outPath) : process.cwd(), PROBLEMS_CSV), io);
    if (result.seenNote) io.log(result.seenNote);
    if (!result.evaluated) {
      throw new CliError(
        result.seenNote
          ? "the app evaluated nothing: every labelled poster was in the model's training split"
          : 'the app evaluated nothing: no predicted poster has a row in the labels CSV (Id = file name without extension)',
      );
    }
    const scratch = mkdtempSync(join(tmpdir(), 'poster-genres-cli-'));
    try {
      const path = join(scratch, 'evaluation.json');
      await app.saveDownloadAs('Download evaluation (JSON)', path);
      return readFileSync(path, 'utf8');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
  if (outPath) {
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, json);
    io.log(`wrote ${outPath}`);
  }
  io.out(json.trimEnd());
}

/** Where every command writes the problems the app found (the page's own "Download problems (CSV)"). */
const PROBLEMS_CSV = 'problems.csv';

/**
 * Writes the app's problems.csv at `path` and prints each problem (the CSV's
 * message column names the file or the CSV line): the CLI drops nothing silently.
 * @param {AppDriver} app @param {string} path @param {Io} io
 */
async function reportProblems(app, path, io) {
  if (!(await app.saveProblems(path))) return;
  const rows = /** @type {string[][]} */ (Papa.parse(readFileSync(path, 'utf8'), { skipEmptyLines: true }).data).slice(1);
  io.log(`${rows.length} problem${rows.length === 1 ? '' : 's'} (written to ${path}):`);
  for (const [, , , message] of rows) io.log(`  ${message}`);
}
