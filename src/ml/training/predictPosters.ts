import type * as tf from '@tensorflow/tfjs';
import { predictProbabilities } from '../trainStep';
import type { PosterFeed } from './types';

export interface PosterPredictions {
  /** Indices (into the dataset) that could be decoded, in output order. */
  indices: number[];
  /** [indices.length * genres] sigmoid probabilities. */
  probs: Float32Array;
  /** [indices.length * genres] 0/1 labels of the same posters. */
  labels: Uint8Array;
}

/** Runs the model over `order` in batches (no shuffling, no dropout), with the feed's own spec. */
export async function predictPosters(
  model: tf.LayersModel,
  feed: PosterFeed,
  order: readonly number[],
  batchSize: number,
  numGenres: number,
  { shouldStop = () => false, onProgress }: { shouldStop?: () => boolean; onProgress?: (postersDone: number) => void } = {},
): Promise<PosterPredictions> {
  let done = 0;
  const indices: number[] = [];
  const probChunks: Float32Array[] = [];
  const labelChunks: Uint8Array[] = [];
  for await (const batch of feed.batches(order, batchSize)) {
    if (shouldStop()) break;
    probChunks.push(await predictProbabilities(model, batch.pixels, batch.size, feed.spec));
    labelChunks.push(batch.labels);
    indices.push(...batch.indices);
    done = Math.min(order.length, done + batchSize);
    onProgress?.(done);
  }
  const probs = new Float32Array(indices.length * numGenres);
  const labels = new Uint8Array(indices.length * numGenres);
  let offset = 0;
  probChunks.forEach((chunk, k) => {
    probs.set(chunk, offset);
    labels.set(labelChunks[k], offset);
    offset += chunk.length;
  });
  return { indices, probs, labels };
}
