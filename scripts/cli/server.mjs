// @ts-check
/**
 * Serves the built app for the CLI: Vite's own preview server with the
 * project's vite.config.ts (so /models/ is served as in `npm run preview`),
 * on a free port of 127.0.0.1. Rebuilds dist/ first when it is stale.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './options.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIST_INDEX = join(ROOT, 'dist', 'index.html');

/** What goes into the build; unit tests do not. */
const BUILD_INPUTS = ['src', 'public', 'index.html', 'selfcheck.html', 'bench.html', 'vite.config.ts', 'package.json'];

/** @param {string} path @returns {number} newest modification time under path, 0 when absent */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || /\.test\.tsx?$/.test(entry.name)) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * @param {{ noBuild: boolean, log: (message: string) => void }} options
 */
async function ensureBuilt({ noBuild, log }) {
  const built = existsSync(DIST_INDEX) ? statSync(DIST_INDEX).mtimeMs : 0;
  const sources = Math.max(...BUILD_INPUTS.map((input) => newestMtime(join(ROOT, input))));
  if (noBuild) {
    if (!built) throw new CliError('dist/ has no build (--no-build given): run `npx vite build`, or leave out --no-build');
    if (sources > built) log('dist/ is older than src/; serving it as it is (--no-build)');
    return;
  }
  if (built && sources <= built) {
    log('dist/ is up to date with src/');
    return;
  }
  log(built ? 'dist/ is older than src/: running vite build' : 'dist/ is missing: running vite build');
  const { build } = await import('vite');
  const started = Date.now();
  try {
    // IMPORTANT: logLevel 'warn' keeps Vite's info lines off stdout, which carries the command's output.
    await build({ root: ROOT, logLevel: 'warn' });
  } catch (error) {
    throw new CliError(
      `vite build failed: ${error instanceof Error ? error.message : String(error)}\n(--no-build serves the existing dist/ instead)`,
    );
  }
  log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * @typedef {object} AppServer
 * @property {string} url  the app's address, ending in /
 * @property {() => Promise<void>} close
 */

/**
 * The app's IndexedDB (its embedding cache) belongs to its origin, port
 * included: a browser profile kept with --profile keeps the port it was first
 * served on, in this file inside the profile.
 */
const PORT_FILE = 'poster-genres-port';

/** @param {string} profile @returns {number | undefined} */
export function savedPort(profile) {
  const file = join(profile, PORT_FILE);
  const port = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/** @param {string} profile @param {string} url */
export function savePort(profile, url) {
  mkdirSync(profile, { recursive: true });
  writeFileSync(join(profile, PORT_FILE), `${new URL(url).port}\n`);
}

/**
 * @param {{ url?: string, noBuild: boolean, log: (message: string) => void, port?: number }} options
 *   port: serve on this one (a kept profile's); default a free one
 * @returns {Promise<AppServer>}
 */
export async function serveApp({ url, noBuild, log, port }) {
  if (url) {
    log(`using the app at ${url}`);
    return { url: url.endsWith('/') ? url : `${url}/`, close: async () => {} };
  }
  await ensureBuilt({ noBuild, log });
  const { preview } = await import('vite');
  // Port 0: the system picks a free port; several CLIs and the test server can run side by side.
  let server;
  try {
    server = await preview({ root: ROOT, logLevel: 'warn', preview: { host: '127.0.0.1', port: port ?? 0, strictPort: true, open: false } });
  } catch (error) {
    if (port === undefined) throw error;
    throw new CliError(
      `port ${port}, where this profile's app (and its embedding cache) lives, is busy: is another run using the same --profile? (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new CliError('the preview server did not report its port');
  const served = `http://127.0.0.1:${address.port}/`;
  log(`serving dist/ at ${served}`);
  return { url: served, close: () => server.close() };
}
