#!/usr/bin/env node
/**
 * `npm run bench [-- flags]`: builds the benchmark page (bench.html) into
 * .bench/dist, serves it (and the pretrained backbones at /models/), and runs
 * it in headless Chromium once for decoding and once per tf.js backend, each
 * in a fresh browser. Prints ONE JSON object on stdout; progress goes to
 * stderr. `--help` lists the flags.
 *
 * The page and its worker (src/bench/) run the app's own modules; this script
 * only copies posters, drives the page and measures the worker's JS heap over
 * the DevTools protocol (a worker has no performance.memory).
 */
import {
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { CHROMIUM_ARGS, launchWithProfile } from './chromium.mjs';
import { DEFAULT_TRAIN_CONFIG } from '../src/config/registry.js';
import { wasmThreadsPlugin } from './wasmThreadsPlugin.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const OUT_DIR = join(ROOT, '.bench', 'dist');
/** wasm runs only the pretrained path: the app uses it for the frozen-backbone stages alone. */
const BACKENDS = ['webgpu', 'webgl', 'cpu', 'wasm'];
/** wasm runs twice: with a thread per core, as the app, and with one (`wasmThreads`). */
const SINGLE_THREAD_WASM = 'wasm-1-thread';
/** As vite.config.ts: the app's dev and preview servers serve this folder at /models/. */
const MODELS_DIR = process.env.POSTER_MODELS_DIR ?? join(ROOT, '..', 'shared', 'models');
/** The page's default backbone is the app's (src/bench/benchConfig.ts); src/ml/backbones.ts serves it at /models/<id>/model.json. */
const PRETRAINED_BACKBONE = DEFAULT_TRAIN_CONFIG.backbone;

const HELP = `npm run bench -- [flags]
  --data DIR          posters: DIR/images/*.jpg + DIR/labels.csv, or DIR/*.jpg + one *.csv
                      (default ../shared/posters)
  --backends LIST     comma-separated subset of webgpu,webgl,cpu,wasm (default: all four;
                      wasm measures only the pretrained path, once with a thread per core
                      and once with one: wasmThreads in the JSON)
  --quick             a smoke run: fewest steps and posters, numbers only indicative
  --posters N         posters copied for the run (default 96; --quick 24)
  --pool-sizes LIST   decoder counts to compare, 0 = no pool (default 0,1,max(2,cores))
  --decode-sizes LIST sizes to decode and feed at, e.g. 400x300,200x150 (the default; --quick 200x150)
  --decode-rounds N   rounds of the decode comparison (default 3; --quick 1)
  --feed-epochs N     epochs per way of keeping posters in the feed measurement, 0 skips it
                      (default 3; --quick 2)
  --decode-workers N  pool size behind training and prediction (default: from hardwareConcurrency)
  --large-batch N --large-warmup N --large-steps N     tutorial size 400x300 (default 2, 1, 1)
  --small-size HxW --small-batch N --small-warmup N --small-steps N   (default 128x96, 8, 1, 2)
  --epochs N          memory check: epochs at the small size (default 3)
  --embed-batches N   pretrained path: timed backbone batches of 32 posters (default 2; --quick 1)
  --head-epochs N     pretrained path: timed head epochs of 2000 feature rows (default 2; --quick 1)
  --models DIR        served at /models/ (default $POSTER_MODELS_DIR or ../shared/models)
  --no-pretrained     skip the pretrained path (and the wasm run)
  --no-profile        skip the per-kernel profile (one training step at 400x300, batch 2,
                      and one backbone batch, each after an untimed one)
  --profile-only      only the per-kernel profile (no decode, training, prediction, memory,
                      input or pretrained measurements)
  --config JSON       raw overrides of the page config's top-level keys (src/bench/benchConfig.ts)
  --no-decode         skip the decode measurement
  --no-build          reuse .bench/dist
  --build-only        build .bench/dist and stop (scripts/gpu-bench.sh pack uses it)
  --timeout-min N     per page run (default 30)
  --out FILE          also write the JSON there
  --chromium PATH     browser (default $CHROMIUM_PATH or /usr/bin/chromium)
  --chromium-arg ARG  extra browser flag, repeatable
  --no-swiftshader    drop --use-webgpu-adapter=swiftshader (a real GPU)`;

const { values: flags } = parseArgs({
  options: {
    data: { type: 'string', default: join(ROOT, '..', 'shared', 'posters') },
    backends: { type: 'string', default: BACKENDS.join(',') },
    quick: { type: 'boolean', default: false },
    posters: { type: 'string' },
    'pool-sizes': { type: 'string' },
    'decode-sizes': { type: 'string' },
    'decode-rounds': { type: 'string' },
    'feed-epochs': { type: 'string' },
    'decode-workers': { type: 'string' },
    'large-batch': { type: 'string' },
    'large-warmup': { type: 'string' },
    'large-steps': { type: 'string' },
    'small-size': { type: 'string' },
    'small-batch': { type: 'string' },
    'small-warmup': { type: 'string' },
    'small-steps': { type: 'string' },
    epochs: { type: 'string' },
    'embed-batches': { type: 'string' },
    'head-epochs': { type: 'string' },
    models: { type: 'string', default: MODELS_DIR },
    'no-pretrained': { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    'profile-only': { type: 'boolean', default: false },
    config: { type: 'string' },
    'no-decode': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'build-only': { type: 'boolean', default: false },
    'timeout-min': { type: 'string', default: '30' },
    out: { type: 'string' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    'chromium-arg': { type: 'string', multiple: true, default: [] },
    'no-swiftshader': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  console.log(HELP);
  process.exit(0);
}

const log = (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

function count(name, fallback) {
  const text = flags[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number, got "${text}"`);
  return value;
}

function size(name, fallback) {
  const text = flags[name];
  if (text === undefined) return fallback;
  const match = /^(\d+)x(\d+)$/.exec(text);
  if (!match) throw new Error(`--${name} needs HEIGHTxWIDTH, e.g. 128x96, got "${text}"`);
  return { height: Number(match[1]), width: Number(match[2]) };
}

/**
 * The page config (see src/bench/benchConfig.ts, whose defaults are these
 * numbers without --quick). The default run took about 14 minutes on two
 * cores with SwiftShader before the pretrained path, which adds about 10
 * (estimated; more since its batches are posters with their mirror images, as
 * the app embeds them); most of it is WebGPU's and the CPU backend's 400x300
 * steps and WebGPU's MobileNet batches.
 */
function pageConfig() {
  const quick = flags.quick;
  const small = size('small-size', { height: 128, width: 96 });
  const config = {
    training: [
      {
        height: 400,
        width: 300,
        batchSize: count('large-batch', 2),
        warmupSteps: count('large-warmup', quick ? 0 : 1),
        timedSteps: count('large-steps', 1),
      },
      {
        ...small,
        batchSize: count('small-batch', quick ? 4 : 8),
        warmupSteps: count('small-warmup', 1),
        timedSteps: count('small-steps', quick ? 1 : 2),
      },
    ],
    prediction: { size: { height: 400, width: 300 }, warmRuns: quick ? 1 : 2 },
    memory: { size: small, posters: quick ? 8 : 16, batchSize: count('small-batch', quick ? 4 : 8), epochs: count('epochs', 3) },
    input: { size: { height: 400, width: 300 }, batchSize: quick ? 8 : 32, repeats: quick ? 2 : 5 },
    // The other fields (batch 32 and 64, 2000 rows, one warm-up each) are the page's defaults.
    pretrained: flags['no-pretrained']
      ? null
      : { embedTimedBatches: count('embed-batches', quick ? 1 : 2), headTimedEpochs: count('head-epochs', quick ? 1 : 2) },
  };
  if (flags['decode-workers'] !== undefined) config.decodeWorkers = count('decode-workers');
  // The page's default profile (src/bench/benchConfig.ts) unless skipped.
  if (flags['no-profile']) config.profile = null;
  if (flags['profile-only']) Object.assign(config, { training: [], prediction: null, memory: null, input: null, pretrained: null });
  return { ...config, ...(flags.config ? JSON.parse(flags.config) : {}) };
}

function decodeConfig(posters) {
  const config = {
    sizes: flags['decode-sizes']
      ? flags['decode-sizes'].split(',').map((text) => {
          const match = /^(\d+)x(\d+)$/.exec(text.trim());
          if (!match) throw new Error(`--decode-sizes needs HEIGHTxWIDTH,...; got "${text}"`);
          return { height: Number(match[1]), width: Number(match[2]) };
        })
      : flags.quick
        ? [{ height: 200, width: 150 }]
        : [
            { height: 400, width: 300 },
            { height: 200, width: 150 },
          ],
    posters,
    rounds: count('decode-rounds', flags.quick ? 1 : 3),
    feedEpochs: count('feed-epochs', flags.quick ? 2 : 3),
  };
  if (flags['pool-sizes'] !== undefined) config.workerCounts = flags['pool-sizes'].split(',').map(Number);
  return config;
}

/** A temporary folder of `wanted` labelled posters and their labels.csv (mirrors e2e/fixtures.ts makePosterSubset). */
function copyPosters(dataDir, wanted) {
  const imagesDir = existsSync(join(dataDir, 'images')) ? join(dataDir, 'images') : dataDir;
  const csvPath = existsSync(join(dataDir, 'labels.csv'))
    ? join(dataDir, 'labels.csv')
    : readdirSync(dataDir)
        .filter((name) => name.endsWith('.csv'))
        .map((name) => join(dataDir, name))[0];
  if (!csvPath) throw new Error(`no labels CSV in ${dataDir}`);
  const lines = readFileSync(csvPath, 'utf8').trim().split('\n');
  const rows = [];
  const seen = new Set();
  for (const line of lines.slice(1)) {
    const id = line.slice(0, line.indexOf(','));
    if (seen.has(id) || !existsSync(join(imagesDir, `${id}.jpg`))) continue;
    seen.add(id);
    rows.push(line);
    if (rows.length === wanted) break;
  }
  if (rows.length === 0) throw new Error(`no poster in ${imagesDir} has a row in ${csvPath}`);
  const dir = mkdtempSync(join(tmpdir(), 'poster-genres-bench-'));
  for (const id of seen) copyFileSync(join(imagesDir, `${id}.jpg`), join(dir, `${id}.jpg`));
  writeFileSync(join(dir, 'labels.csv'), [lines[0], ...rows].join('\n') + '\n');
  return { dir, posters: rows.length, csvPath, imagesDir };
}

/**
 * Builds only bench.html, without the app's config, so a half-edited app
 * cannot break the benchmark and .bench/dist never clobbers dist/.
 */
async function buildBenchPage() {
  const { build } = await import('vite');
  log('building bench.html into .bench/dist');
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    // The app's WASM patches, or its threads die ("e is not defined") and the page runs one.
    plugins: [wasmThreadsPlugin],
    worker: { format: 'es', plugins: () => [wasmThreadsPlugin] },
    build: {
      outDir: OUT_DIR,
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 4000,
      rolldownOptions: { input: { bench: join(ROOT, 'bench.html') } },
    },
  });
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
};

/**
 * A static server on a free port of 127.0.0.1: `dir` (.bench/dist) at /, and
 * `modelsDir` at /models/ as the app's own servers do (vite.config.ts).
 */
function serve(dir, modelsDir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const [root, rest] = path.startsWith('/models/') ? [modelsDir, path.slice('/models/'.length)] : [dir, path === '/' ? 'bench.html' : path];
    const file = normalize(join(root, rest));
    // IMPORTANT: never serve anything outside the two folders.
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    // Cross-origin isolated, as the app's preview server (vite.config.ts): WASM gets its threads.
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolveServer) => server.listen(0, '127.0.0.1', () => resolveServer(server)));
}

/**
 * Embedding posters/s with every WASM thread over one thread, from the two
 * wasm runs of one bench run; null when either is missing.
 */
function wasmThreadSpeedup(threaded, single) {
  const rate = (run) => (run?.pretrainedBackbone?.available ? run.pretrainedBackbone.embedding.imagesPerSecond : undefined);
  const [all, one] = [rate(threaded), rate(single)];
  if (all === undefined || one === undefined) return null;
  return {
    threaded: threaded.adapter?.description,
    embedImagesPerSecond: { threaded: all, oneThread: one },
    speedup: Math.round((all / one) * 100) / 100,
  };
}

/**
 * The benchmark worker's used JS heap after a forced GC, read over the
 * DevTools protocol: the browser session attaches to the worker's target.
 */
function heapMeter(browserSession) {
  let sessionId;
  let nextId = 0;
  const replies = new Map();
  browserSession.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message);
    replies.get(message.id)?.(message);
  });
  const call = (method, params = {}) =>
    new Promise((resolveCall, reject) => {
      const id = ++nextId;
      replies.set(id, (message) => {
        replies.delete(id);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolveCall(message.result);
      });
      browserSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
    });
  return async () => {
    if (!sessionId) {
      const { targetInfos } = await browserSession.send('Target.getTargets');
      const worker = targetInfos.find((target) => target.type === 'worker' && target.url.includes('benchWorker'));
      if (!worker) throw new Error('benchmark worker target not found');
      // Not flattened: Playwright's CDPSession cannot address a child session directly.
      ({ sessionId } = await browserSession.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false }));
    }
    await call('HeapProfiler.collectGarbage');
    return (await call('Runtime.getHeapUsage')).usedSize;
  };
}

async function runPage({ chromium, baseUrl, posterDir, config, label, chromiumArgs }) {
  // A fresh profile on disk, as a user's (see launchWithProfile), deleted afterwards.
  const { browser, page, close } = await launchWithProfile(chromium, { executablePath: flags.chromium, args: chromiumArgs });
  try {
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.text().startsWith('[bench]')) log(`${label}: ${message.text().slice(8)}`);
    });
    const measureHeap = heapMeter(await browser.newBrowserCDPSession());
    await page.exposeFunction('benchMeasureHeap', (checkpoint) => {
      log(`${label}: measuring the worker heap at ${checkpoint}`);
      return measureHeap();
    });
    await page.goto(`${baseUrl}/bench.html?config=${encodeURIComponent(JSON.stringify(config))}`);
    await page.getByLabel('Poster folder').setInputFiles(posterDir);
    await page.getByRole('button', { name: 'Run benchmark' }).click();
    const result = page.getByTestId('bench-result');
    const error = page.getByTestId('bench-error');
    // Both exist from the start; whichever gets text first ends the run.
    await result
      .or(error)
      .filter({ hasText: /\S/ })
      .waitFor({ timeout: Number(flags['timeout-min']) * 60_000 });
    const failure = (await error.textContent())?.trim();
    if (failure) throw new Error(`${label}: ${failure}`);
    if (pageErrors.length > 0) throw new Error(`${label}: page errors: ${pageErrors.join('; ')}`);
    return { browserVersion: browser.version(), result: JSON.parse(await result.textContent()) };
  } finally {
    await close();
  }
}

async function main() {
  if (flags['build-only']) {
    await buildBenchPage();
    return;
  }
  const started = Date.now();
  const backends = flags.backends
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const unknown = backends.filter((b) => !BACKENDS.includes(b));
  if (unknown.length > 0) throw new Error(`unknown backend(s) ${unknown.join(', ')}; use ${BACKENDS.join(',')}`);
  const chromiumArgs = [
    ...CHROMIUM_ARGS.filter((arg) => !(flags['no-swiftshader'] && arg.startsWith('--use-webgpu-adapter='))),
    ...flags['chromium-arg'],
  ];
  const config = pageConfig();
  const modelsDir = resolve(flags.models);
  const modelJson = join(modelsDir, config.pretrained?.backbone ?? PRETRAINED_BACKBONE, 'model.json');
  // The page reports a missing model itself (pretrainedBackbone.available false); this only names the folder.
  const modelsMissing = existsSync(modelJson) ? null : `${modelJson} does not exist (set POSTER_MODELS_DIR or --models)`;
  if (modelsMissing && config.pretrained) log(`pretrained path: ${modelsMissing}; it is reported as unavailable`);
  if (flags['no-pretrained'] && backends.includes('wasm')) {
    log('--no-pretrained: skipping wasm, which measures only the pretrained path');
    backends.splice(backends.indexOf('wasm'), 1);
  }
  const wanted = count('posters', flags.quick ? 24 : 96);
  const subset = copyPosters(resolve(flags.data), wanted);
  log(`${subset.posters} posters copied to ${subset.dir}`);
  if (!flags['no-build'] || !existsSync(join(OUT_DIR, 'bench.html'))) await buildBenchPage();
  const server = await serve(OUT_DIR, modelsDir);
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = await import('@playwright/test');
  const output = {
    benchmark: 'poster-genres',
    startedAt: new Date(started).toISOString(),
    seconds: null,
    command: process.argv.slice(2),
    environment: {
      chromium: null,
      chromiumPath: flags.chromium,
      chromiumArgs,
      hardwareConcurrency: null,
      userAgent: null,
      cpuModel: cpus()[0]?.model ?? null,
      cpus: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    data: { from: subset.csvPath, imagesFrom: subset.imagesDir, posters: subset.posters, models: modelsDir, modelsMissing },
    config: { page: config, decode: null },
    decode: null,
    backends: {},
  };
  const note = (run) => {
    output.environment.chromium = run.browserVersion;
    output.environment.hardwareConcurrency = run.result.hardwareConcurrency;
    output.environment.userAgent = run.result.userAgent;
  };
  try {
    const runs = [];
    if (!flags['no-decode'] && !flags['profile-only']) {
      // decodeWorkers: the pool behind \`feed\`, as behind training.
      runs.push({
        label: 'decode',
        config: {
          decode: decodeConfig(subset.posters),
          decodeWorkers: config.decodeWorkers,
          backend: null,
          training: [],
          prediction: null,
          memory: null,
          input: null,
          pretrained: null,
        },
      });
    }
    for (const backend of backends) {
      // The app trains and predicts with the CNN on the training backend only; wasm runs the frozen stages.
      const cnnParts =
        backend === 'wasm'
          ? // The page merges profile field by field over its default: only the training step goes.
            {
              training: [],
              prediction: null,
              memory: null,
              input: null,
              profile: config.profile === null ? null : { ...config.profile, training: null },
            }
          : {};
      runs.push({ label: backend, config: { ...config, ...cnnParts, decode: null, backend } });
      // The same frozen stages on one WASM thread, in this run: what the cores buy (output.wasmThreads).
      if (backend === 'wasm') runs.push({ label: SINGLE_THREAD_WASM, config: { ...config, ...cnnParts, decode: null, backend, wasmThreads: 1 } });
    }
    for (const run of runs) {
      const runStart = Date.now();
      log(`${run.label}: starting a fresh browser`);
      try {
        const outcome = await runPage({ chromium, baseUrl, posterDir: subset.dir, config: run.config, label: run.label, chromiumArgs });
        note(outcome);
        if (run.label === 'decode') {
          output.decode = outcome.result.decode;
          output.config.decode = outcome.result.config.decode;
        } else {
          const backend = outcome.result.backend;
          if (modelsMissing && backend.pretrainedBackbone?.available === false) backend.pretrainedBackbone.reason += `; ${modelsMissing}`;
          output.backends[run.label] = { ...backend, pageSeconds: outcome.result.seconds };
          if (backend.backend !== 'wasm') output.config.page = { ...outcome.result.config, backend: undefined, decode: undefined };
        }
      } catch (error) {
        log(`${run.label}: FAILED ${error.message}`);
        if (run.label === 'decode') output.decode = { error: error.message };
        else output.backends[run.label] = { backend: run.label, available: false, reason: error.message };
      }
      log(`${run.label}: ${((Date.now() - runStart) / 1000).toFixed(0)} s`);
    }
  } finally {
    server.close();
    rmSync(subset.dir, { recursive: true, force: true });
  }
  output.wasmThreads = wasmThreadSpeedup(output.backends.wasm, output.backends[SINGLE_THREAD_WASM]);
  output.seconds = Math.round((Date.now() - started) / 1000);
  const text = JSON.stringify(output, null, 2);
  if (flags.out) {
    mkdirSync(resolve(flags.out, '..'), { recursive: true });
    writeFileSync(flags.out, text + '\n');
  }
  process.stdout.write(text + '\n');
}

main().catch((error) => {
  log(`failed: ${error.stack ?? error}`);
  process.exit(1);
});
