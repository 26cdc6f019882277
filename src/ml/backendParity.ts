import * as tf from '@tensorflow/tfjs';
import { createRng } from '../lib/random';
import { extractFeatures } from './backbones';
import { binaryCrossEntropy } from './loss';
import type { InputSpec } from '../data/inputSpec';
import { pixelsToInput } from './preprocess';
import { trainableVariables } from './transferHead';

/**
 * Backend parity: the same computation on two backends must give the same
 * numbers within float tolerance. A backend that trains (or embeds) with
 * wrong numbers fails here on a handful of posters, before anyone trains on
 * it. The reference is the CPU backend (plain JavaScript).
 */

/** What one training step computed: the loss, each weight's gradient, and the weights after one Adam step. */
export interface StepFingerprint {
  loss: number;
  gradients: Float32Array[];
  updated: Float32Array[];
}

/**
 * Tolerances. Float32 kernels on different backends differ in summation order,
 * not more: measured on 4 real posters (e2e/backend-parity.spec.ts, SwiftShader
 * WebGL and WebGPU, WASM), the worst were loss 1.3e-7, gradients 8.9e-7,
 * updated weights 7.5e-9 and embeddings 7.2e-6 (relative). The limits leave
 * room for real GPUs' own rounding; a broken backend misses them by orders of
 * magnitude (zeroed weights: relative error 1).
 */
export const PARITY_TOLERANCE = {
  /** |loss - reference| / reference */
  lossRelative: 1e-4,
  /** max |g - g_ref| over a weight / max |g_ref| over it, the worst weight */
  gradientRelative: 1e-3,
  /**
   * max |w - w_ref| after one Adam step (learning rate 1e-3), over weights whose
   * gradient is at least 1e-3 of their tensor's largest: Adam's first step is
   * lr * g / (|g| + 1e-7), so a gradient within float noise of 0 may step +lr
   * on one backend and -lr on another (measured: 9.4e-4 on WebGL) without
   * anything being wrong.
   */
  updatedAbsolute: 1e-5,
  /** See updatedAbsolute. */
  updatedGradientFloor: 1e-3,
  /** max |f - f_ref| / max |f_ref| over all embeddings */
  embeddingRelative: 1e-3,
};

/** Input of the parity step: small, so the check takes seconds on an emulated GPU. */
export const PARITY_STEP_SPEC: InputSpec = { height: 32, width: 24, scaling: 'unit' };

/** The model of the parity step: conv 3x3 (8) + ReLU, max-pool 2x2, dense sigmoid; weights set from a seed, no dropout. */
function parityModel(spec: InputSpec, numGenres: number, seed: number): tf.LayersModel {
  const model = tf.sequential({ name: 'parity' });
  model.add(tf.layers.conv2d({ inputShape: [spec.height, spec.width, 3], filters: 8, kernelSize: 3, activation: 'relu', name: 'parity_conv' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'parity_pool' }));
  model.add(tf.layers.flatten({ name: 'parity_flatten' }));
  model.add(tf.layers.dense({ units: numGenres, activation: 'sigmoid', name: 'parity_genres' }));
  // Set in JS from the seed, so the starting point cannot depend on a backend's random kernels.
  const rng = createRng(seed);
  const values = model.weights.map((weight) => {
    const shape = weight.shape as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    // Glorot-uniform's range for kernels (fan-out: the last axis, fan-in: the rest); small biases.
    const fanOut = shape[shape.length - 1];
    const scale = shape.length === 1 ? 0.05 : Math.sqrt(6 / (size / fanOut + fanOut));
    return tf.tensor(
      Float32Array.from({ length: size }, () => (rng() * 2 - 1) * scale),
      shape,
    );
  });
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

/**
 * One training step on the active backend: BCE loss of `count` posters,
 * gradients of every weight, one Adam step. Everything is read back with
 * `await data()` and freed.
 */
export async function trainStepFingerprint(
  pixels: Uint8Array,
  labels: Uint8Array,
  count: number,
  numGenres: number,
  seed = 7,
): Promise<StepFingerprint> {
  const spec = PARITY_STEP_SPEC;
  const model = parityModel(spec, numGenres, seed);
  // IMPORTANT: an explicit epsilon. tf.train.adam defaults to the backend's own (1e-4 on WebGL when it
  // reports less than full float precision, 1e-7 elsewhere), a chosen difference rather than an error.
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  try {
    const variables = trainableVariables(model);
    const { value, grads } = tf.tidy(() => {
      const x = pixelsToInput(pixels, count, spec); // [count, 32, 24, 3]
      const y = tf.tensor2d(labels, [count, numGenres], 'float32');
      return tf.variableGrads(() => binaryCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor2D), variables);
    });
    const gradients = variables.map((variable) => grads[variable.name]);
    const read = await Promise.all([value, ...gradients].map((tensor) => tensor.data() as Promise<Float32Array>));
    optimizer.applyGradients(variables.map((variable, k) => ({ name: variable.name, tensor: gradients[k] })));
    tf.dispose([value, ...gradients]);
    const updated = await Promise.all(variables.map((variable) => variable.data() as Promise<Float32Array>));
    return { loss: read[0][0], gradients: read.slice(1), updated };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** Embeddings of `count` posters by `backbone`, which must live on the active backend. [count * featureDim]. */
export function embeddingFingerprint(backbone: tf.LayersModel, pixels: Uint8Array, count: number, spec: InputSpec): Promise<Float32Array> {
  return extractFeatures(backbone, pixels, count, spec);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
  // NaN anywhere is a failure, whatever else matched.
  return a.some(Number.isNaN) || b.some(Number.isNaN) ? Infinity : worst;
}

function maxAbs(a: Float32Array): number {
  let worst = 0;
  for (const value of a) worst = Math.max(worst, Math.abs(value));
  return worst;
}

export interface StepComparison {
  lossRelative: number;
  gradientRelative: number;
  updatedAbsolute: number;
  pass: boolean;
}

export function compareSteps(reference: StepFingerprint, other: StepFingerprint): StepComparison {
  const lossRelative = Math.abs(other.loss - reference.loss) / Math.max(Math.abs(reference.loss), 1e-12);
  const gradientRelative = Math.max(
    ...reference.gradients.map((gradient, k) => maxAbsDiff(gradient, other.gradients[k] ?? new Float32Array(0)) / Math.max(maxAbs(gradient), 1e-12)),
  );
  const updatedAbsolute = Math.max(
    ...reference.updated.map((weights, k) => {
      const gradient = reference.gradients[k];
      const floor = PARITY_TOLERANCE.updatedGradientFloor * maxAbs(gradient);
      const steady = (values: Float32Array) => values.filter((_, i) => Math.abs(gradient[i]) >= floor);
      return maxAbsDiff(steady(weights), steady(other.updated[k] ?? new Float32Array(weights.length).fill(NaN)));
    }),
  );
  const pass =
    lossRelative <= PARITY_TOLERANCE.lossRelative &&
    gradientRelative <= PARITY_TOLERANCE.gradientRelative &&
    updatedAbsolute <= PARITY_TOLERANCE.updatedAbsolute;
  return { lossRelative, gradientRelative, updatedAbsolute, pass: pass && Number.isFinite(other.loss) };
}

export interface EmbeddingComparison {
  relative: number;
  pass: boolean;
}

export function compareEmbeddings(reference: Float32Array, other: Float32Array): EmbeddingComparison {
  const relative = maxAbsDiff(reference, other) / Math.max(maxAbs(reference), 1e-12);
  return { relative, pass: relative <= PARITY_TOLERANCE.embeddingRelative };
}
