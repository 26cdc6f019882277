/// <reference lib="webworker" />
import '../worker/registerBackends';
import { createRng } from '../lib/random';
import {
  compareEmbeddings,
  compareSteps,
  embeddingFingerprint,
  PARITY_STEP_SPEC,
  trainStepFingerprint,
  type StepFingerprint,
} from '../ml/backendParity';
import { getBackbone } from '../config/trainConfig';
import { loadBackbone } from '../ml/backbones';
import { activateBackend } from '../ml/placement';
import { compareDirectKernelsWithStock, directKernelsApply } from '../ml/webgpuDirectConv';
import { pixelsPerPoster, type InputSpec } from '../data/inputSpec';
import { decodePoster } from '../worker/decodePoster';
import type { BackendParity, SelfCheckEvent, SelfCheckRequest, SelfCheckResult } from './selfcheckProtocol';

declare const self: DedicatedWorkerGlobalScope;

const BACKENDS = ['cpu', 'wasm', 'webgl', 'webgpu'] as const;
const BACKBONE = getBackbone('mobilenet_v2_035_224');
const POSTERS = 4;
const GENRES = 5;

const emit = (event: SelfCheckEvent) => self.postMessage(event);
const progress = (message: string) => emit({ type: 'progress', message });
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `count` posters at `spec`: the picked ones, else a seeded test pattern (smooth gradients plus noise, like a photo). */
async function postersAt(files: readonly File[], spec: InputSpec): Promise<Uint8Array> {
  const size = pixelsPerPoster(spec);
  const out = new Uint8Array(POSTERS * size);
  if (files.length > 0) {
    for (let k = 0; k < POSTERS; k++) out.set(await decodePoster(files[k % files.length], spec), k * size);
    return out;
  }
  const rng = createRng(11);
  for (let k = 0; k < out.length; k++) {
    const pixel = Math.floor((k % size) / 3);
    out[k] = (((pixel % spec.width) * 7 + Math.floor(pixel / spec.width) * 3 + Math.floor(k / size) * 50) % 200) + Math.floor(rng() * 56);
  }
  return out;
}

async function run(files: File[]): Promise<SelfCheckResult> {
  const posters = files.filter((file) => /\.(jpe?g|png|webp|gif|bmp)$/i.test(file.name)).slice(0, POSTERS);
  const stepPixels = await postersAt(posters, PARITY_STEP_SPEC);
  const embedPixels = await postersAt(posters, BACKBONE.input);
  const rng = createRng(5);
  const labels = Uint8Array.from({ length: POSTERS * GENRES }, () => (rng() < 0.3 ? 1 : 0));
  const sources = [BACKBONE.localPath, BACKBONE.defaultUrl].filter((url, k, all) => all.indexOf(url) === k);

  let referenceStep: StepFingerprint | undefined;
  let referenceEmbeddings: Float32Array | undefined;
  let backboneSource: string | null = null;
  const results: BackendParity[] = [];
  for (const backend of BACKENDS) {
    const start = performance.now();
    const result: BackendParity = { backend, available: true, notes: [], seconds: 0 };
    results.push(result);
    try {
      await activateBackend(backend);
    } catch (error) {
      result.available = false;
      result.notes.push(describe(error));
      continue;
    }
    progress(`${backend}: a training step…`);
    if (backend === 'wasm') {
      result.notes.push('training step skipped: WASM has no gradient kernels for convolutions (the app never trains on it)');
    } else {
      try {
        const step = await trainStepFingerprint(stepPixels, labels, POSTERS, GENRES);
        if (referenceStep) result.step = compareSteps(referenceStep, step);
        else referenceStep = step;
      } catch (error) {
        result.notes.push(`training step failed: ${describe(error)}`);
      }
    }
    if (directKernelsApply()) {
      progress(`${backend}: the direct convolution kernels against tfjs' own…`);
      try {
        result.kernels = await compareDirectKernelsWithStock();
      } catch (error) {
        result.notes.push(`kernel comparison failed: ${describe(error)}`);
      }
    }
    progress(`${backend}: backbone embeddings…`);
    const loaded = await loadFirst(sources);
    if (!loaded.ok) {
      result.notes.push(`embeddings skipped: ${loaded.error}`);
    } else {
      backboneSource = loaded.source;
      try {
        const features = await embeddingFingerprint(loaded.model, embedPixels, POSTERS, BACKBONE.input);
        if (referenceEmbeddings) result.embeddings = compareEmbeddings(referenceEmbeddings, features);
        else referenceEmbeddings = features;
      } catch (error) {
        result.notes.push(`embeddings failed: ${describe(error)}`);
      } finally {
        loaded.model.dispose();
      }
    }
    result.seconds = Math.round(performance.now() - start) / 1000;
  }
  const failed = results.some(
    (r) =>
      r.available &&
      (r.step?.pass === false ||
        r.embeddings?.pass === false ||
        r.kernels?.some((kernel) => !kernel.pass) ||
        r.notes.some((note) => note.includes('failed'))),
  );
  return {
    reference: 'cpu',
    posters: posters.length,
    backbone: backboneSource && `${BACKBONE.id} from ${backboneSource}`,
    backends: results,
    pass: !failed,
  };
}

async function loadFirst(sources: readonly string[]) {
  const errors: string[] = [];
  for (const source of sources) {
    const loaded = await loadBackbone(BACKBONE, source);
    if (loaded.ok) return { ...loaded, source };
    errors.push(loaded.error);
  }
  return { ok: false as const, error: errors.join('; ') };
}

self.onmessage = (message: MessageEvent<SelfCheckRequest>) => {
  run(message.data.posters).then(
    (result) => emit({ type: 'done', result }),
    (error: unknown) => emit({ type: 'error', message: describe(error) }),
  );
};
