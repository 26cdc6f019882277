import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import type { Connect, Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * Pretrained backbones are served at `/models/` from a folder outside the repo
 * (default `../shared/models`, override with POSTER_MODELS_DIR), so the weights
 * are never copied into the repository or the build. Users online point the app
 * at a public URL instead; users offline pick the folder in the UI.
 */
const modelsDir = resolve(process.env.POSTER_MODELS_DIR ?? join(import.meta.dirname, '..', 'shared', 'models'));

const contentTypes: Record<string, string> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
};

function serveModels(): Connect.NextHandleFunction {
  return (req, res, next) => {
    if (!req.url?.startsWith('/models/') || !existsSync(modelsDir)) return next();
    const relative = decodeURIComponent(req.url.slice('/models/'.length).split('?')[0]);
    const file = normalize(join(modelsDir, relative));
    // IMPORTANT: never serve anything outside the models folder.
    if (!file.startsWith(modelsDir + sep) || !existsSync(file) || !statSync(file).isFile()) return next();
    const ext = file.slice(file.lastIndexOf('.'));
    res.setHeader('Content-Type', contentTypes[ext] ?? 'application/octet-stream');
    createReadStream(file).pipe(res);
  };
}

const modelsPlugin: Plugin = {
  name: 'poster-genres-models',
  configureServer(server) {
    server.middlewares.use(serveModels());
  },
  configurePreviewServer(server) {
    server.middlewares.use(serveModels());
  },
};

export default defineConfig({
  plugins: [react(), modelsPlugin],
  worker: { format: 'es' },
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
