import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import type { Connect, Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { checkBudgets, describeBudgets } from './scripts/bundleBudget.mjs';
import { wasmThreadsPlugin } from './scripts/wasmThreadsPlugin.mjs';
import { PUBLIC_MODEL_ORIGINS } from './src/config/registry.js';

/**
 * Pretrained backbones are served at `/models/` from a folder outside the repo
 * (default `../shared/models`, override with POSTER_MODELS_DIR), so the weights
 * are never copied into the repository or the build. Users online point the app
 * at a public URL instead; users offline pick the folder in the UI.
 */
const modelsDir = resolve(process.env.POSTER_MODELS_DIR ?? join(import.meta.dirname, '..', 'shared', 'models'));

/**
 * The example dataset, the same way at `/examples/` (default
 * `../shared/posters`, override with POSTER_EXAMPLES_DIR): `images/<Id>.jpg`
 * and `labels.csv`, plus an `index.json` listing them, which the page's
 * "Use the example posters" button reads. Absent folder: no button.
 */
const examplesDir = resolve(process.env.POSTER_EXAMPLES_DIR ?? join(import.meta.dirname, '..', 'shared', 'posters'));

const contentTypes: Record<string, string> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.csv': 'text/csv; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
};

/** What `/examples/index.json` says: the poster file names under images/ and the labels file. */
function examplesIndex(): string | undefined {
  const images = join(examplesDir, 'images');
  if (!existsSync(images) || !existsSync(join(examplesDir, 'labels.csv'))) return undefined;
  const posters = readdirSync(images)
    .filter((name) => /\.(jpe?g|png)$/i.test(name))
    .sort();
  return JSON.stringify({ csv: 'labels.csv', images: 'images/', posters });
}

/** Serves the files under `dir` at `prefix`, and `extra` paths computed on request; never anything outside `dir`. */
function serveFolder(prefix: string, dir: string, extra: Record<string, () => string | undefined> = {}): Connect.NextHandleFunction {
  return (req, res, next) => {
    if (!req.url?.startsWith(prefix) || !existsSync(dir)) return next();
    const relative = decodeURIComponent(req.url.slice(prefix.length).split('?')[0]);
    const computed = extra[relative]?.();
    if (computed !== undefined) {
      res.setHeader('Content-Type', contentTypes[relative.slice(relative.lastIndexOf('.'))] ?? 'application/octet-stream');
      res.end(computed);
      return;
    }
    const file = normalize(join(dir, relative));
    // IMPORTANT: never serve anything outside the folder.
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) return next();
    const ext = file.slice(file.lastIndexOf('.')).toLowerCase();
    res.setHeader('Content-Type', contentTypes[ext] ?? 'application/octet-stream');
    createReadStream(file).pipe(res);
  };
}

const localFoldersPlugin: Plugin = {
  name: 'poster-genres-local-folders',
  configureServer(server) {
    server.middlewares.use(serveFolder('/models/', modelsDir));
    server.middlewares.use(serveFolder('/examples/', examplesDir, { 'index.json': examplesIndex }));
  },
  configurePreviewServer(server) {
    server.middlewares.use(serveFolder('/models/', modelsDir));
    server.middlewares.use(serveFolder('/examples/', examplesDir, { 'index.json': examplesIndex }));
  },
};

/**
 * Threads need SharedArrayBuffer, which needs a cross-origin-isolated page.
 * The preview server (npm start, the CLI, the tests) sends these headers;
 * a static host must send them too (README). The dev server does not: its
 * pre-bundled tfjs lacks the patch above, so there WASM runs one thread.
 */
const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Prints the size budgets of the page and the decode worker, and fails the build over them (scripts/bundleBudget.mjs). */
const bundleBudgetPlugin: Plugin = {
  name: 'poster-genres-bundle-budget',
  apply: 'build',
  generateBundle(_options, bundle) {
    const files = Object.values(bundle).map((item) => ({
      fileName: item.fileName,
      bytes:
        item.type === 'chunk'
          ? Buffer.byteLength(item.code)
          : typeof item.source === 'string'
            ? Buffer.byteLength(item.source)
            : item.source.byteLength,
    }));
    // The page's build holds the entry chunk; the workers' own builds pass through here too and are skipped.
    if (!files.some((file) => /(^|\/)main-[\w-]+\.js$/.test(file.fileName))) return;
    const results = checkBudgets(files);
    this.info(`size budgets:\n${describeBudgets(results)}`);
    if (results.some((result) => !result.ok)) this.error(`over the size budget:\n${describeBudgets(results)}`);
  },
};

/**
 * The Content-Security-Policy of every page and worker: nothing but this
 * origin (and the public MobileNet's host) may be fetched, no inline script.
 * `blob:` where WASM needs it: its pthread workers are blob: URLs that load
 * their code from another blob. The build puts it in each page's <meta>; the
 * preview server sends it as a header too, which is what covers the workers
 * (a worker obeys the policy of its own script's response, not the page's).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  `connect-src 'self' blob: data: ${PUBLIC_MODEL_ORIGINS.join(' ')}`,
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const contentSecurityPolicyPlugin: Plugin = {
  name: 'poster-genres-csp',
  apply: 'build',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
  ],
};

/** A build's own id: the service worker's cache is named after it (public/sw.js). */
const BUILD_ID = Date.now().toString(36);

export default defineConfig({
  define: { __BUILD_ID__: JSON.stringify(BUILD_ID) },
  plugins: [react(), localFoldersPlugin, wasmThreadsPlugin, contentSecurityPolicyPlugin, bundleBudgetPlugin],
  // frame-ancestors only works as a header.
  preview: { headers: { ...CROSS_ORIGIN_ISOLATION, 'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'` } },
  // Workers are bundled apart, with their own plugins: the training, bench and self-check workers load WASM.
  worker: { format: 'es', plugins: () => [wasmThreadsPlugin] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // The app, the backend self-check, and the benchmark page that `npm run bench` drives.
    rolldownOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        selfcheck: resolve(import.meta.dirname, 'selfcheck.html'),
        bench: resolve(import.meta.dirname, 'bench.html'),
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Generous: the heaviest tests (a tutorial-CNN step, MobileNet fine-tuning) take ~15 s alone but share 2 cores.
    testTimeout: 180_000,
  },
});
