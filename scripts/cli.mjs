#!/usr/bin/env node
// @ts-check
/**
 * `npm run cli -- <train|predict|evaluate> [flags]`: the app without a
 * screen. Runs the real app (same page, same worker, same tf.js code) in
 * headless Chromium through Playwright; there is no second implementation.
 *
 * stdout carries the command's output (the training log, the evaluation
 * JSON); stderr carries what the CLI does. `--help` lists every flag.
 */
import * as commands from './cli/commands.mjs';
import { CliError, EXIT, parseCommandLine } from './cli/options.mjs';

/** @param {string} message */
const log = (message) => process.stderr.write(`[cli ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** Browser and server closers, newest first. */
/** @type {Array<() => Promise<void>>} */
const cleanups = [];

async function cleanUp() {
  while (cleanups.length > 0) {
    const close = /** @type {() => Promise<void>} */ (cleanups.pop());
    await close().catch((/** @type {unknown} */ error) => log(`while closing: ${error instanceof Error ? error.message : String(error)}`));
  }
}

/** @param {NodeJS.Signals} signal */
async function onSignal(signal) {
  log(`${signal}: closing the browser and the server`);
  await cleanUp();
  process.exit(EXIT.interrupted);
}

async function main() {
  const parsed = parseCommandLine(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return EXIT.ok;
  }
  process.once('SIGINT', (signal) => void onSignal(signal));
  process.once('SIGTERM', (signal) => void onSignal(signal));
  const io = {
    out: (/** @type {string} */ line) => process.stdout.write(`${line}\n`),
    log,
    onCleanup: (/** @type {() => Promise<void>} */ close) => cleanups.push(close),
  };
  try {
    await commands[parsed.command](parsed.flags, io);
  } finally {
    await cleanUp();
  }
  return EXIT.ok;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof CliError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = error.exitCode;
    } else {
      process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.failed;
    }
  },
);
