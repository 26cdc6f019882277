import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './backend';
import type { InputSpec } from './preprocess';
import { predictProbabilities } from './trainStep';

/** Backends that can run the frozen stages (backbone inference, head training). */
export type FeatureBackendName = BackendName | 'wasm';

export interface FeatureBackendChoice {
  name: FeatureBackendName;
  /** Measured posters/s per backend tried, for the log. */
  measured: Partial<Record<FeatureBackendName, number>>;
}

const PROBE_POSTERS = 8;

async function postersPerSecond(backbone: tf.LayersModel, spec: InputSpec, now: () => number): Promise<number> {
  const pixels = new Uint8Array(PROBE_POSTERS * spec.height * spec.width * 3).fill(128);
  await predictProbabilities(backbone, pixels, PROBE_POSTERS, spec); // warm-up: shader compilation, weight upload
  const start = now();
  await predictProbabilities(backbone, pixels, PROBE_POSTERS, spec);
  return PROBE_POSTERS / Math.max((now() - start) / 1000, 1e-6);
}

/**
 * The frozen stages need no conv gradients, so they may run on a different
 * backend than training: WASM (XNNPACK) beats a software-emulated GPU by far,
 * while a real GPU beats WASM. Rather than guess, time the backbone on both
 * and keep the faster. Leaves the winner as the active backend.
 * IMPORTANT: tfjs moves tensors between backends on first use, so models
 * built on one backend keep working after the switch.
 */
export async function chooseFeatureBackend(
  backbone: tf.LayersModel,
  spec: InputSpec,
  current: BackendName,
  candidates: readonly FeatureBackendName[],
  now: () => number,
): Promise<FeatureBackendChoice> {
  const measured: Partial<Record<FeatureBackendName, number>> = {};
  for (const name of [current, ...candidates.filter((c) => c !== current)]) {
    try {
      if (!(await tf.setBackend(name))) continue;
      await tf.ready();
      measured[name] = await postersPerSecond(backbone, spec, now);
    } catch {
      // Not available here (no WebAssembly, or an op it lacks): skip it.
    }
  }
  const best = (Object.entries(measured) as Array<[FeatureBackendName, number]>).reduce<[FeatureBackendName, number] | undefined>(
    (winner, entry) => (!winner || entry[1] > winner[1] ? entry : winner),
    undefined,
  );
  const name = best?.[0] ?? current;
  await tf.setBackend(name);
  return { name, measured };
}
