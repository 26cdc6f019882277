/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import '../worker/registerBackends';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { buildDatasetReport } from '../data/datasetReport';
import { parseLabelsCsv } from '../data/labelsCsv';
import { chooseBackend } from '../ml/backend';
import { DecodePool } from '../worker/decodePool';
import type { PosterSourceItem } from '../worker/posterBatches';
import { describeAdapter } from './adapterInfo';
import { parseBenchConfig } from './benchConfig';
import type { BackendResult, BenchBackendName, BenchConfig, BenchEvent, BenchRequest, BenchResult, TrainingMeasurement } from './benchProtocol';
import { measureDecodeThroughput } from './measureDecode';
import { measureFeed } from './measureFeed';
import { measureInputPreparation } from './measureInput';
import { measureKernelProfile } from './measureKernels';
import { measurePretrained } from './measurePretrained';
import { measureMemory, measurePrediction, measureTraining, type MeasureContext } from './measureTraining';
import { roundTo3, summarizeDecode } from './stats';

declare const self: DedicatedWorkerGlobalScope;

const emit = (event: BenchEvent) => self.postMessage(event);
const progress = (message: string) => emit({ type: 'progress', message });

const waitingCheckpoints = new Map<string, (jsHeapUsedBytes: number | null) => void>();

/** Pauses until the page (and its driver, if any) has measured the heap. */
function checkpoint(label: string): Promise<number | null> {
  return new Promise((resolve) => {
    waitingCheckpoints.set(label, resolve);
    emit({ type: 'checkpoint', label });
  });
}

async function labelledPosters(posters: File[], labelsCsv: File): Promise<{ items: PosterSourceItem[]; numGenres: number }> {
  const parsed = parseLabelsCsv(await labelsCsv.text());
  if (!parsed.ok) throw new Error(`${labelsCsv.name}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const byName = new Map(posters.map((file) => [file.name, file]));
  const report = buildDatasetReport(parsed.value, [...byName.keys()]);
  if (report.examples.length === 0) throw new Error(`none of the ${posters.length} files has a row in ${labelsCsv.name}`);
  const items = report.examples.map((example) => ({ file: byName.get(example.file)!, name: example.file, labels: example.labels }));
  return { items, numGenres: report.genres.length };
}

type BackendConfig = BenchConfig & { backend: BenchBackendName };

/** Makes `backend` the active one, or throws; no fallback: a number under "webgpu" must come from WebGPU. */
async function activateBackend(backend: BenchBackendName): Promise<string[]> {
  if (backend !== 'wasm') return (await chooseBackend(backend, [backend])).skipped;
  // Not a training backend, so not one chooseBackend tries: the same check that it computes.
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm: could not initialise (are the .wasm files served?)');
  await tf.ready();
  const probe = tf.tidy(() => tf.tensor1d([1, 2, 3]).square().sum());
  const value = (await probe.data())[0];
  probe.dispose();
  if (value !== 14) throw new Error(`wasm: test op returned ${value} instead of 14`);
  return [];
}

async function benchmarkBackend(config: BackendConfig, context: Omit<MeasureContext, 'decode'>): Promise<BackendResult> {
  const { backend } = config;
  let skipped: string[];
  try {
    // Before the backend starts: some flags are read once, when it builds its programs.
    for (const [flag, value] of Object.entries(config.tfFlags)) tf.env().set(flag, value);
    // Read when the WASM backend starts: over registerBackends' one per core.
    if (config.wasmThreads !== null) setThreadsCount(config.wasmThreads);
    skipped = await activateBackend(backend);
  } catch (error) {
    return { backend, available: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const adapter = await describeAdapter(backend);
  progress(`${backend} ready on ${adapter.description}`);
  const pool = new DecodePool(config.decodeWorkers);
  const measureContext: MeasureContext = { ...context, decode: pool.decode };
  try {
    // Prediction first, so that "cold" meets kernels that no earlier run compiled.
    const prediction = config.prediction ? await measurePrediction(config.prediction, measureContext) : null;
    const training: TrainingMeasurement[] = [];
    for (const run of config.training) training.push(await measureTraining(run, measureContext));
    const memory = config.memory ? await measureMemory(config.memory, measureContext, checkpoint) : null;
    const input = config.input ? await measureInputPreparation(config.input, progress) : null;
    const pretrainedBackbone = config.pretrained ? await measurePretrained(config.pretrained, measureContext) : null;
    const kernelProfile = config.profile ? await measureKernelProfile(config.profile, context.numGenres, progress) : null;
    return {
      backend,
      available: true,
      adapter,
      skipped,
      training,
      pretrainedBackbone,
      prediction,
      memory,
      input,
      kernelProfile,
    };
  } finally {
    pool.dispose();
  }
}

async function run(request: Extract<BenchRequest, { type: 'run' }>): Promise<void> {
  const start = performance.now();
  const parsed = parseBenchConfig(request.configText, navigator.hardwareConcurrency);
  if (!parsed.ok) throw new Error(`bad benchmark config: ${parsed.errors.join('; ')}`);
  const config = parsed.value;
  const { items, numGenres } = await labelledPosters(request.posters, request.labelsCsv);
  progress(`${items.length} labelled posters, ${numGenres} genres`);
  let decode: BenchResult['decode'] = null;
  if (config.decode) {
    const files = items.slice(0, config.decode.posters).map((item) => item.file);
    const bySize = await measureDecodeThroughput(files, config.decode.sizes, config.decode.workerCounts, config.decode.rounds, progress);
    const feed =
      config.decode.feedEpochs > 0
        ? await measureFeed(
            items.slice(0, config.decode.posters),
            config.decode.sizes,
            config.decode.feedEpochs,
            config.decodeWorkers,
            numGenres,
            progress,
          )
        : {};
    decode = {
      posters: files.length,
      sizes: Object.fromEntries(Object.entries(bySize).map(([size, runs]) => [size, { summary: summarizeDecode(runs), runs }])),
      feed,
    };
  }
  const backend = config.backend
    ? await benchmarkBackend({ ...config, backend: config.backend }, { items, numGenres, seed: config.seed, progress })
    : null;
  const result: BenchResult = {
    config,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
    posters: items.length,
    decode,
    backend,
    seconds: roundTo3((performance.now() - start) / 1000),
  };
  emit({ type: 'done', result });
}

self.onmessage = (message: MessageEvent<BenchRequest>) => {
  const request = message.data;
  switch (request.type) {
    case 'run':
      run(request).catch((error: unknown) => emit({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
      return;
    case 'checkpointMeasured':
      waitingCheckpoints.get(request.label)?.(request.jsHeapUsedBytes);
      waitingCheckpoints.delete(request.label);
      return;
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
};
