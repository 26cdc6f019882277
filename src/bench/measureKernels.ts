import * as tf from '@tensorflow/tfjs';
import { getBackbone } from '../config/trainConfig';
import { extractFeatures, loadBackbone } from '../ml/backbones';
import { filterGradientInUse, useFilterGradient } from '../ml/filterGradientByProducts';
import { applyDirectKernelsOnEveryAdapter, directKernelsApply, directKernelsInUse, useDirectConvKernels } from '../ml/webgpuDirectConv';
import { setFusedInference } from '../ml/fusedInference';
import { trainOnBatch } from '../ml/trainStep';
import { buildTutorialCnn } from '../ml/tutorialCnn';
import { createRng } from '../lib/random';
import { sizeLabel } from './benchConfig';
import type { KernelProfile, KernelProfileConfig, KernelProfileMeasurement, KernelTime } from './benchProtocol';
import { roundTo3 } from './stats';

/** Kernels listed by name in a profile; the rest are summed into one line, so the JSON stays readable. */
const LISTED_KERNELS = 25;

/**
 * How the active backend times one kernel under tf.profile: a GPU's own
 * timer, or the wall clock around the kernel and a read of its output
 * (which includes the read), or nothing (WebGPU without timestamp-query
 * reports 0 for every kernel).
 */
function kernelTimer(): string {
  const backend = tf.backend() as unknown as { timerAvailable?: () => boolean; supportTimestampQuery?: boolean };
  switch (tf.getBackend()) {
    case 'webgpu':
      return backend.supportTimestampQuery ? 'GPU timestamps' : 'none: no timestamp-query on this device, every kernel reads 0 ms';
    case 'webgl':
      return backend.timerAvailable?.() ? 'GPU timer queries' : 'wall clock around each kernel and a read of its output';
    default:
      return 'wall clock around each kernel (it runs synchronously)';
  }
}

/**
 * An op with a custom gradient (fused convolutions, for one) is profiled as a
 * kernel named after its op scope, `fusedConv2d__op`, around the real kernels
 * it runs: counting it would count their time twice.
 */
const OP_SCOPE_WRAPPER = /__op$/;

/** Per-kernel totals from tf.profile's list: by total time, then the rest in one line; op-scope wrappers left out. */
export function summarizeKernels(kernels: ReadonlyArray<{ name: string; ms: number | { error: string } }>): {
  kernels: KernelTime[];
  kernelMs: number;
  untimed: number;
} {
  const byName = new Map<string, { calls: number; ms: number }>();
  let untimed = 0;
  for (const kernel of kernels) {
    if (OP_SCOPE_WRAPPER.test(kernel.name)) continue;
    const ms = typeof kernel.ms === 'number' && Number.isFinite(kernel.ms) ? kernel.ms : 0;
    if (typeof kernel.ms !== 'number') untimed++;
    const entry = byName.get(kernel.name) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += ms;
    byName.set(kernel.name, entry);
  }
  const kernelMs = [...byName.values()].reduce((total, entry) => total + entry.ms, 0);
  const sorted = [...byName].map(([name, entry]) => ({ name, ...entry })).sort((a, b) => b.ms - a.ms || a.name.localeCompare(b.name));
  const listed = sorted.slice(0, LISTED_KERNELS);
  const rest = sorted.slice(LISTED_KERNELS);
  if (rest.length > 0) {
    listed.push({
      name: `(${rest.length} other kernels)`,
      calls: rest.reduce((total, entry) => total + entry.calls, 0),
      ms: rest.reduce((total, entry) => total + entry.ms, 0),
    });
  }
  return {
    kernels: listed.map((entry) => ({
      name: entry.name,
      calls: entry.calls,
      ms: roundTo3(entry.ms),
      share: kernelMs > 0 ? roundTo3(entry.ms / kernelMs) : 0,
    })),
    kernelMs: roundTo3(kernelMs),
    untimed,
  };
}

/** Runs `work` once under tf.profile and says which kernels took the time. */
export async function profileKernels(what: string, work: () => Promise<void>): Promise<KernelProfile> {
  // tf.profile would also read every kernel's output to check it for NaN: not what is being timed.
  const checking = tf.env().getBool('CHECK_COMPUTATION_FOR_ERRORS');
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const start = performance.now();
  let info: Awaited<ReturnType<typeof tf.profile>>;
  try {
    info = await tf.profile(async () => {
      await work();
      return [];
    });
  } finally {
    tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', checking);
  }
  const wallMs = performance.now() - start;
  // tf.profile has awaited every kernel's time before it returns.
  const summary = summarizeKernels(info.kernels.map((kernel) => ({ name: kernel.name, ms: kernel.kernelTimeMs as number | { error: string } })));
  return { what, backend: tf.getBackend(), timer: kernelTimer(), wallMs: roundTo3(wallMs), ...summary };
}

/** Random pixels: a kernel's cost does not depend on the values. */
function noise(length: number, seed: number): Uint8Array {
  const rng = createRng(seed);
  return Uint8Array.from({ length }, () => Math.floor(rng() * 256));
}

/** Runs `work` once untimed (shader compilation is not what is asked), then profiles a second run. */
async function warmThenProfile(label: string, progress: (message: string) => void, work: () => Promise<void>): Promise<KernelProfile> {
  await work();
  progress(`profile: ${label}`);
  return profileKernels(label, work);
}

/**
 * Where a training step of the tutorial CNN and a backbone batch spend their
 * time on the active backend: each profiled once, after one untimed run of
 * the same shapes (shader compilation is not what is asked).
 */
export async function measureKernelProfile(
  config: KernelProfileConfig,
  numGenres: number,
  progress: (message: string) => void,
): Promise<KernelProfileMeasurement> {
  let trainingStep: KernelProfile | null = null;
  let trainingStepStockKernels: KernelProfile | null = null;
  let trainingStepDirectKernels: KernelProfile | null = null;
  if (config.training) {
    const { height, width, batchSize } = config.training;
    const spec = { height, width, scaling: 'unit' as const };
    const model = buildTutorialCnn({ height, width, numGenres, seed: 1 });
    const optimizer = tf.train.adam(1e-3);
    const batch = { pixels: noise(batchSize * height * width * 3, 2), labels: new Uint8Array(batchSize * numGenres), size: batchSize };
    const what = `tutorial CNN training step, ${sizeLabel(config.training)}, batch ${batchSize}`;
    const profileStep = (label: string) =>
      warmThenProfile(label, progress, async () => {
        await trainOnBatch(model, optimizer, batch, { spec, numGenres });
      });
    try {
      if (tf.getBackend() === 'webgpu') {
        // The app's convolution kernels and tfjs' own, each warmed up, in this one run: the app keeps its own only where they win.
        const appDirect = directKernelsInUse('webgpu').length > 0;
        useDirectConvKernels(false, 'webgpu');
        // Read after the direct kernels step aside: the filter gradient they stood in front of.
        const appFilterGradient = filterGradientInUse('webgpu');
        useFilterGradient('stock', 'webgpu');
        try {
          trainingStepStockKernels = await profileStep(`${what}, tfjs' own convolution kernels`);
        } finally {
          useFilterGradient(appFilterGradient, 'webgpu');
          useDirectConvKernels(appDirect, 'webgpu');
        }
        if (appDirect && !directKernelsApply()) {
          // A real GPU: the app keeps the kernels it had, and this says what the direct ones would do there.
          applyDirectKernelsOnEveryAdapter(true);
          try {
            trainingStepDirectKernels = await profileStep(`${what}, the direct convolution kernels (a software adapter's)`);
          } finally {
            applyDirectKernelsOnEveryAdapter(false);
          }
        }
      }
      trainingStep = await profileStep(what);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  }
  let backboneBatch: KernelProfile | { unavailable: string } | null = null;
  let backboneBatchLayerByLayer: KernelProfile | null = null;
  if (config.backbone) {
    const info = getBackbone(config.backbone.id);
    const loaded = await loadBackbone(info, info.localPath);
    if (!loaded.ok) backboneBatch = { unavailable: loaded.error };
    else {
      const size = config.backbone.batchSize;
      const pixels = noise(size * info.input.height * info.input.width * 3, 3);
      const what = `${info.id} forward pass (embedding), batch ${size}`;
      const profileBatch = (label: string) =>
        warmThenProfile(label, progress, async () => {
          await extractFeatures(loaded.model, pixels, size, info.input);
        });
      try {
        // Layer by layer as tfjs-layers runs it, then fused as the app runs it, in this one run.
        setFusedInference(false);
        backboneBatchLayerByLayer = await profileBatch(`${what}, layer by layer (model.predict)`);
        setFusedInference(true);
        backboneBatch = await profileBatch(what);
      } finally {
        setFusedInference(true);
        loaded.model.dispose();
      }
    }
  }
  return { trainingStep, trainingStepStockKernels, trainingStepDirectKernels, backboneBatch, backboneBatchLayerByLayer };
}
