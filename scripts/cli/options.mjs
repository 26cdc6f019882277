// @ts-check
/**
 * The CLI's commands and flags, in one table that both the parser and the
 * help text read, so every flag is documented where it is declared.
 */
import { parseArgs } from 'node:util';
import {
  BACKBONES,
  DEFAULT_TRAIN_CONFIG,
  HEAD_LOSSES as LOSSES,
  MODEL_KINDS as KINDS,
  SETTING_LIMITS,
  TRAINING_BACKENDS,
  TRANSFER_DEFAULTS,
} from '../../src/config/registry.js';

/** The choices and defaults come from the app's own registry: the help cannot drift from the form. */
export const BACKENDS = TRAINING_BACKENDS;
export const MODEL_KINDS = KINDS.map((kind) => kind.id);
export const BACKBONE_IDS = BACKBONES.map((backbone) => backbone.id);
export const HEAD_LOSSES = LOSSES.map((loss) => loss.id);

/**
 * "1..1000; default 20 (60 for pretrained models)": a number setting's range and default, from the registry.
 * @param {keyof typeof SETTING_LIMITS} key
 * @param {string} what
 */
function rangeHelp(key, what) {
  const { min, max, integer } = SETTING_LIMITS[key];
  const fallback = DEFAULT_TRAIN_CONFIG[key];
  const transfer = key in TRANSFER_DEFAULTS ? TRANSFER_DEFAULTS[/** @type {keyof typeof TRANSFER_DEFAULTS} */ (key)] : fallback;
  const defaults = transfer === fallback ? `default ${fallback}` : `default ${fallback}, ${transfer} for pretrained models`;
  return `${what}, ${integer ? 'a whole number ' : ''}${min}..${max} (${defaults})`;
}

/** Exit statuses: documented in the help text. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 };

/** A failure the user can act on: printed without a stack trace. */
export class CliError extends Error {
  /** @param {string} message @param {number} [exitCode] */
  constructor(message, exitCode = EXIT.failed) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** @param {string} message */
export const usageError = (message) => new CliError(message, EXIT.usage);

/**
 * @typedef {object} FlagSpec
 * @property {'string' | 'boolean'} type
 * @property {string} [value]  placeholder shown in the help, e.g. DIR
 * @property {boolean} [required]
 * @property {string} help
 */

/** @type {Record<string, FlagSpec>} */
const APP_FLAGS = {
  backend: { type: 'string', value: 'NAME', help: `force a TensorFlow.js backend: ${BACKENDS.join('|')} (default: the app's choice, webgpu first)` },
  url: { type: 'string', value: 'URL', help: 'use the app already served at URL instead of starting a preview server' },
  'no-build': { type: 'boolean', help: 'serve dist/ as it is, even when src/ is newer (default: rebuild a stale or missing dist/)' },
  'timeout-min': { type: 'string', value: 'N', help: 'give up after N minutes of training or prediction (default: no limit)' },
  profile: {
    type: 'string',
    value: 'DIR',
    help: 'browser profile kept between runs, with the port the app is served on, so a second run reuses its embedding cache (default: a fresh profile, deleted afterwards)',
  },
  verbose: { type: 'boolean', help: "echo the page's console messages to stderr" },
  help: { type: 'boolean', help: 'show this help' },
};

/**
 * @typedef {object} CommandSpec
 * @property {string} summary
 * @property {string} synopsis
 * @property {string[]} notes
 * @property {Record<string, FlagSpec>} flags
 */

/** @type {Record<'train' | 'predict' | 'evaluate', CommandSpec>} */
export const COMMANDS = {
  train: {
    summary: 'train a model on a labelled poster folder; write the model, its metrics and its log',
    synopsis: 'train --data DIR --out MODEL_DIR [flags]',
    notes: [
      'Streams the training log to stdout and the progress line to stderr every ~10 s.',
      'Writes MODEL_DIR/model.json, weights.bin, metadata.json, metrics.json and training-log.txt.',
      'Training settings left out keep the app defaults; the settings used are printed to stderr.',
    ],
    flags: {
      data: {
        type: 'string',
        value: 'DIR',
        required: true,
        help: 'poster folder (searched recursively); holds the labels CSV unless --csv is given',
      },
      csv: { type: 'string', value: 'FILE', help: 'labels CSV (Id,Genre,<one 0/1 column per genre>) when it is not inside DIR' },
      out: {
        type: 'string',
        value: 'MODEL_DIR',
        required: true,
        help: 'folder to write the model files into (created if missing; files are overwritten)',
      },
      model: { type: 'string', value: 'KIND', help: `model to train: ${MODEL_KINDS.join('|')} (default ${DEFAULT_TRAIN_CONFIG.modelKind})` },
      epochs: { type: 'string', value: 'N', help: rangeHelp('epochs', 'epochs (pretrained models: head epochs; early stopping may end sooner)') },
      batch: { type: 'string', value: 'N', help: rangeHelp('batchSize', 'batch size') },
      lr: { type: 'string', value: 'X', help: rangeHelp('learningRate', 'learning rate') },
      size: {
        type: 'string',
        value: 'HxW',
        help: `tutorial CNN: input height x width in pixels, each ${SETTING_LIMITS.height.min}..${SETTING_LIMITS.height.max} (default ${DEFAULT_TRAIN_CONFIG.height}x${DEFAULT_TRAIN_CONFIG.width}; pretrained models take ${TRANSFER_DEFAULTS.height}x${TRANSFER_DEFAULTS.width})`,
      },
      val: { type: 'string', value: 'X', help: rangeHelp('valFraction', 'validation fraction of the unique posters') },
      seed: { type: 'string', value: 'N', help: rangeHelp('seed', 'seed for the split, the shuffles and the initialisers') },
      backbone: { type: 'string', value: 'ID', help: `pretrained models: ${BACKBONE_IDS.join('|')} (default ${DEFAULT_TRAIN_CONFIG.backbone})` },
      'backbone-url': {
        type: 'string',
        value: 'URL',
        help: "pretrained models: the backbone's model.json (default: the copy the app serves under /models/)",
      },
      'head-loss': {
        type: 'string',
        value: 'KIND',
        help: `pretrained models: imbalance handling of the head, ${HEAD_LOSSES.join('|')} (default ${DEFAULT_TRAIN_CONFIG.headLoss})`,
      },
      mirror: {
        type: 'string',
        value: 'on|off',
        help: `pretrained models: also learn from mirrored posters and average predictions over both (default ${DEFAULT_TRAIN_CONFIG.mirrorPosters ? 'on' : 'off'})`,
      },
      heads: {
        type: 'string',
        value: 'N',
        help: rangeHelp('headEnsemble', 'pretrained models: heads trained from different seeds whose outputs are averaged'),
      },
      'fine-tune-epochs': {
        type: 'string',
        value: 'N',
        help: rangeHelp('fineTuneEpochs', 'mobilenet-finetune: epochs with the top backbone layers unfrozen'),
      },
      ...APP_FLAGS,
    },
  },
  predict: {
    summary: 'predict every poster in a folder; write the probabilities as CSV',
    synopsis: 'predict --model MODEL_DIR --images DIR --out FILE.csv [flags]',
    notes: ['The CSV reads: Id,<one probability column per genre>,predicted (genres at or above their threshold, |-joined).'],
    flags: {
      model: {
        type: 'string',
        value: 'MODEL_DIR',
        required: true,
        help: 'folder holding model.json, weights.bin and metadata.json (as `train` writes them)',
      },
      images: { type: 'string', value: 'DIR', required: true, help: 'folder of posters to predict (searched recursively)' },
      out: { type: 'string', value: 'FILE', required: true, help: 'CSV file to write (its folder is created if missing)' },
      ...APP_FLAGS,
    },
  },
  evaluate: {
    summary: 'score a model on a labelled poster folder; print the metrics as JSON on stdout',
    synopsis: 'evaluate --model MODEL_DIR --data DIR [--csv FILE] [flags]',
    notes: ["Prints the app's evaluation JSON (mapMacro, aucMacro, F1 and per-genre metrics) and nothing else on stdout."],
    flags: {
      model: { type: 'string', value: 'MODEL_DIR', required: true, help: 'folder holding model.json, weights.bin and metadata.json' },
      data: { type: 'string', value: 'DIR', required: true, help: 'labelled poster folder; holds the labels CSV unless --csv is given' },
      csv: { type: 'string', value: 'FILE', help: 'labels CSV when it is not inside DIR' },
      out: { type: 'string', value: 'FILE', help: 'also write the JSON to FILE' },
      ...APP_FLAGS,
    },
  },
};

/** @typedef {keyof typeof COMMANDS} CommandName */

const PROGRAM = 'npm run cli --';

/** @param {Record<string, FlagSpec>} flags */
function flagLines(flags) {
  const rows = Object.entries(flags).map(([name, spec]) => [
    `--${name}${spec.value ? ` ${spec.value}` : ''}`,
    `${spec.required ? '(required) ' : ''}${spec.help}`,
  ]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

export function mainHelp() {
  const names = /** @type {CommandName[]} */ (Object.keys(COMMANDS));
  return [
    'Poster Genres CLI: drives the real app (its page, its worker, its model code) in headless Chromium.',
    '',
    'Usage:',
    `  ${PROGRAM} <command> [flags]`,
    `  ${PROGRAM} <command> --help`,
    '',
    'Commands:',
    ...names.map((name) => `  ${name.padEnd(10)}${COMMANDS[name].summary}`),
    '',
    'Serving: builds dist/ when it is missing or older than src/, then starts a Vite preview server on a free',
    'port of 127.0.0.1 (what it does goes to stderr); --url reuses a running app, --no-build skips the build.',
    '',
    `Exit status: ${EXIT.ok} done, ${EXIT.failed} failed (bad data, app error, page error), ${EXIT.usage} bad usage, ${EXIT.interrupted} interrupted.`,
  ].join('\n');
}

/** @param {CommandName} name */
export function commandHelp(name) {
  const spec = COMMANDS[name];
  const own = Object.fromEntries(Object.entries(spec.flags).filter(([flag]) => !(flag in APP_FLAGS)));
  return [
    `${PROGRAM} ${spec.synopsis}`,
    '',
    `${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`,
    ...spec.notes,
    '',
    'Flags:',
    ...flagLines(own),
    '',
    'App and browser:',
    ...flagLines(APP_FLAGS),
  ].join('\n');
}

/**
 * @typedef {{ kind: 'help', text: string }
 *   | { kind: 'run', command: CommandName, flags: Record<string, string | boolean | undefined> }} ParsedArgs
 */

/**
 * Splits argv into a command and its flags; throws a usage CliError on
 * anything unknown or missing. `--help` anywhere wins over other problems.
 * @param {string[]} argv  process.argv.slice(2)
 * @returns {ParsedArgs}
 */
export function parseCommandLine(argv) {
  const [first, ...rest] = argv;
  if (first === undefined) throw usageError(`no command given\n\n${mainHelp()}`);
  if (first === '--help' || first === '-h' || first === 'help') return { kind: 'help', text: mainHelp() };
  if (!Object.hasOwn(COMMANDS, first)) {
    throw usageError(`unknown command "${first}"; the commands are ${Object.keys(COMMANDS).join(', ')} (see ${PROGRAM} --help)`);
  }
  const command = /** @type {CommandName} */ (first);
  if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', text: commandHelp(command) };
  const spec = COMMANDS[command];
  const options = Object.fromEntries(Object.entries(spec.flags).map(([name, flag]) => [name, { type: flag.type }]));
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw usageError(`${command}: ${error instanceof Error ? error.message : String(error)} (see ${PROGRAM} ${command} --help)`);
  }
  const missing = Object.entries(spec.flags).filter(([name, flag]) => flag.required && values[name] === undefined);
  if (missing.length > 0) {
    throw usageError(`${command}: missing ${missing.map(([name, flag]) => `--${name} ${flag.value}`).join(', ')} (see ${PROGRAM} ${command} --help)`);
  }
  return { kind: 'run', command, flags: values };
}

/**
 * @param {string} name @param {string | undefined} text
 * @param {{ integer?: boolean, min?: number, max?: number, minExclusive?: boolean, maxExclusive?: boolean }} range
 * @returns {number | undefined}
 */
export function numberFlag(name, text, range) {
  if (text === undefined) return undefined;
  const value = Number(text);
  const kind = range.integer ? 'a whole number' : 'a number';
  if (text.trim() === '' || !Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
    throw usageError(`--${name} needs ${kind}, got "${text}"`);
  }
  const { min, max } = range;
  const tooLow = min !== undefined && (range.minExclusive ? value <= min : value < min);
  const tooHigh = max !== undefined && (range.maxExclusive ? value >= max : value > max);
  if (tooLow || tooHigh) {
    const lower = min === undefined ? '' : `${range.minExclusive ? '>' : '>='} ${min}`;
    const upper = max === undefined ? '' : `${range.maxExclusive ? '<' : '<='} ${max}`;
    throw usageError(`--${name} needs ${kind} ${[lower, upper].filter(Boolean).join(' and ')}, got ${text}`);
  }
  return value;
}

/**
 * @template {string} T
 * @param {string} name @param {string | undefined} text @param {readonly T[]} allowed
 * @returns {T | undefined}
 */
export function choiceFlag(name, text, allowed) {
  if (text === undefined) return undefined;
  if (!allowed.includes(/** @type {T} */ (text))) throw usageError(`--${name} must be one of ${allowed.join(', ')}, got "${text}"`);
  return /** @type {T} */ (text);
}

/** @param {string | undefined} text @returns {{ height: number, width: number } | undefined} */
export function sizeFlag(text) {
  if (text === undefined) return undefined;
  const match = /^(\d+)x(\d+)$/i.exec(text.trim());
  if (!match) throw usageError(`--size needs HEIGHTxWIDTH in pixels, e.g. 400x300, got "${text}"`);
  const [height, width] = [Number(match[1]), Number(match[2])];
  const { min, max } = SETTING_LIMITS.height;
  if ([height, width].some((side) => side < min || side > max))
    throw usageError(`--size needs each side within ${min}..${max} pixels, got "${text}"`);
  return { height, width };
}

/** @param {string | undefined} text @returns {string | undefined} */
export function urlFlag(text) {
  if (text === undefined) return undefined;
  let url;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`--url needs an http(s) URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--url needs an http(s) URL, got "${text}"`);
  return url.href;
}
