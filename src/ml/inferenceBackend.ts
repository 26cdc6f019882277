import type * as tf from '@tensorflow/tfjs';
import type { InferenceBackendName } from '../config/trainConfig';
import { moveModelTo } from './placement';
import type { InputSpec } from '../data/inputSpec';
import { predictProbabilities } from './trainStep';

export interface InferenceBackendChoice<N extends string = InferenceBackendName> {
  name: N;
  /** Measured posters/s per backend tried, for the log. */
  measured: Partial<Record<N, number>>;
  /** Why a candidate was not measured (did not start, or failed), for the log. */
  failed: Partial<Record<N, string>>;
}

/** Posters per timed probe batch; the same batch warms up first (shader compilation, weight upload). */
const PROBE_POSTERS = 2;

async function postersPerSecond(model: tf.LayersModel, spec: InputSpec, now: () => number): Promise<number> {
  const pixels = new Uint8Array(PROBE_POSTERS * spec.height * spec.width * 3).fill(128);
  await predictProbabilities(model, pixels, PROBE_POSTERS, spec);
  const start = now();
  await predictProbabilities(model, pixels, PROBE_POSTERS, spec);
  return PROBE_POSTERS / Math.max((now() - start) / 1000, 1e-6);
}

/** "webgpu 1.1, wasm 33.7 posters/s; cpu failed (…)": what a choice measured, for the log. */
export function describeInferenceChoice<N extends string>(choice: InferenceBackendChoice<N>): string {
  const rates = (Object.entries(choice.measured) as Array<[N, number]>).map(([name, rate]) => `${name} ${rate.toFixed(1)}`);
  const failures = (Object.entries(choice.failed) as Array<[N, string]>).map(([name, reason]) => `${name} failed (${reason})`);
  return [rates.length > 0 ? `${rates.join(', ')} posters/s` : '', ...failures].filter(Boolean).join('; ');
}

/**
 * Runs that need no conv gradients (the frozen backbone, the head, every
 * prediction) may use another backend than training: WASM (XNNPACK) beats a
 * software-emulated GPU by far, while a real GPU beats WASM. Rather than
 * guess, time `model` on each candidate and keep the faster.
 * IMPORTANT: the model is moved to each candidate with moveModelTo (async
 * reads), never by tfjs' implicit readSync move, and is left on the winner,
 * which is left active.
 */
export async function chooseInferenceBackend<N extends string>(
  model: tf.LayersModel,
  spec: InputSpec,
  candidates: readonly N[],
  now: () => number,
): Promise<InferenceBackendChoice<N>> {
  const measured: Partial<Record<N, number>> = {};
  const failed: Partial<Record<N, string>> = {};
  for (const name of candidates) {
    try {
      await moveModelTo(model, name);
      measured[name] = await postersPerSecond(model, spec, now);
    } catch (error) {
      // Not available here (no WebAssembly), or an op it lacks: skip it.
      failed[name] = error instanceof Error ? error.message : String(error);
    }
  }
  const ranked = (Object.entries(measured) as Array<[N, number]>).sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0)
    throw new Error(`the model runs on none of ${candidates.join(', ')} (${describeInferenceChoice({ name: candidates[0], measured, failed })})`);
  const name = ranked[0][0];
  await moveModelTo(model, name);
  return { name, measured, failed };
}
