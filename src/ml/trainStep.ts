import * as tf from '@tensorflow/tfjs';
import { inferenceForward } from './fusedInference';
import { binaryCrossEntropy } from './loss';
import type { InputSpec } from '../data/inputSpec';
import { mirroredInput, pixelsToInput } from './preprocess';

/** One batch as plain data: the worker's decode pipeline produces these. */
export interface PixelBatch {
  /** `size` posters, packed RGB uint8 at the model's input size. */
  pixels: Uint8Array;
  /** Multi-hot labels, [size, genres] row-major, 0/1. */
  labels: Uint8Array;
  size: number;
}

export interface StepResult {
  /** Mean BCE over the batch's labels. */
  loss: number;
  /** Labels (poster x genre) predicted right at threshold 0.5: the tutorial's accuracy numerator. */
  correctLabels: number;
}

export interface TrainStepOptions {
  spec: InputSpec;
  numGenres: number;
  /** Optional per-genre weight of positive labels ([genres]). */
  positiveWeight?: tf.Tensor1D;
}

/**
 * One optimiser step on one batch. Everything allocated here is released
 * before it returns, so tf.memory().numTensors stays flat from batch to batch.
 */
export async function trainOnBatch(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: PixelBatch,
  { spec, numGenres, positiveWeight }: TrainStepOptions,
): Promise<StepResult> {
  let correct: tf.Scalar | undefined;
  const loss = tf.tidy(() => {
    const x = pixelsToInput(batch.pixels, batch.size, spec); // [size, h, w, 3]
    const y = tf.tensor2d(batch.labels, [batch.size, numGenres], 'float32');
    return optimizer.minimize(() => {
      const probs = model.apply(x, { training: true }) as tf.Tensor2D; // [size, genres]
      // Kept past minimize's own tidy; released below once read.
      correct = tf.keep(probs.greater(0.5).toFloat().equal(y).toFloat().sum() as tf.Scalar);
      return binaryCrossEntropy(y, probs, positiveWeight);
    }, true) as tf.Scalar;
  });
  try {
    const [lossValue, correctValue] = await Promise.all([loss.data(), correct!.data()]);
    return { loss: lossValue[0], correctLabels: correctValue[0] };
  } finally {
    loss.dispose();
    correct?.dispose();
  }
}

/** Sigmoid probabilities for `count` posters, [count * genres] row-major. */
export async function predictProbabilities(model: tf.LayersModel, pixels: Uint8Array, count: number, spec: InputSpec): Promise<Float32Array> {
  const probs = tf.tidy(() => {
    const input = pixelsToInput(pixels, count, spec);
    const plain = inferenceForward(model, input);
    if (!spec.averageMirrored) return plain;
    return plain.add(inferenceForward(model, mirroredInput(input, pixels, spec))).div(2);
  });
  try {
    return (await probs.data()) as Float32Array;
  } finally {
    probs.dispose();
  }
}
