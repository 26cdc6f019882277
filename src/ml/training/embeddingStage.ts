import type * as tf from '@tensorflow/tfjs';
import type { BackboneInfo } from '../../config/trainConfig';
import { describeDegenerateFeatures } from '../../metrics';
import { extractFeaturePairs, extractFeatures } from '../backbones';
import { embedAll, type EmbeddingStore, type FileIdentity } from './embedAll';
import { gatherRows } from './labels';
import { BACKEND_ADVICE, failLearningCheck } from './learningChecks';
import type { PosterFeed, StageContext } from './types';

export interface EmbeddingStageOptions {
  /** Frozen, on the backend that runs it (active). */
  backbone: tf.LayersModel;
  backboneInfo: BackboneInfo;
  /** Set when the weights are not the served copy's (a picked folder, another URL): part of the cache key. */
  sourceKey: string;
  /** Decoded posters at the backbone's input spec. */
  feed: PosterFeed;
  /** Per dataset item, what identifies its file in the cache. */
  files: readonly FileIdentity[];
  store: EmbeddingStore;
  /** 2: each poster and its mirror image. */
  views: 1 | 2;
  batchSize: number;
}

export interface PosterEmbeddings {
  /** [n * views * featureDim]: row i holds view 0 then view 1 of poster i. Unreadable posters' rows are NaN. */
  features: Float32Array;
  readable: (index: number) => boolean;
}

/**
 * Stage 1 of the pretrained path: every poster's backbone embedding, from the
 * cache or computed (and cached) batch by batch. The next batch decodes (in
 * the decode workers) while the backbone runs this one. Returns null when stopped.
 * IMPORTANT: each computed batch is checked before it is cached: a backend
 * that computes the same features for every poster stops the run at once.
 */
export async function embedPosters(ctx: StageContext, options: EmbeddingStageOptions): Promise<PosterEmbeddings | null> {
  const { observe, stop, now } = ctx;
  const { backbone, backboneInfo, feed, views } = options;
  const spec = feed.spec;
  const rowWidth = backboneInfo.featureDim * views;
  const embedStart = now();
  let decodeMs = 0;
  let inferMs = 0;
  const decoding = new Map<number, Promise<Uint8Array | null>>();
  const pixelsOf = (index: number) => {
    const pending = decoding.get(index) ?? feed.pixels(index);
    decoding.delete(index);
    return pending;
  };
  observe.log(`embedding ${options.files.length} posters with ${backboneInfo.id}…`);
  const embedded = await embedAll({
    files: options.files,
    store: options.store,
    backboneId: `${backboneInfo.id}${options.sourceKey ? `@${options.sourceKey}` : ''}${views === 2 ? '+mirror' : ''}`,
    featureDim: rowWidth,
    batchSize: options.batchSize,
    shouldStop: () => stop.requested,
    willCompute: (indices) => indices.forEach((index) => decoding.set(index, feed.pixels(index))),
    onProgress: (done, total) =>
      observe.stageProgress({ stage: 'embedding', done, total, imagesPerSecond: done / Math.max((now() - embedStart) / 1000, 1e-6) }),
    computeBatch: async (indices) => {
      const decodeStart = now();
      const decoded = await Promise.all(indices.map(pixelsOf));
      decodeMs += now() - decodeStart;
      const perPoster = spec.height * spec.width * 3;
      const pixels = new Uint8Array(indices.length * perPoster); // [batch, 224, 224, 3] RGB
      decoded.forEach((poster, k) => poster && pixels.set(poster, k * perPoster));
      const inferStart = now();
      const features = await (views === 2 ? extractFeaturePairs : extractFeatures)(backbone, pixels, indices.length, spec);
      inferMs += now() - inferStart;
      const readableRows = decoded.flatMap((poster, k) => (poster ? [k] : []));
      const problem = describeDegenerateFeatures(
        gatherRows(features, readableRows, rowWidth, new Float32Array(readableRows.length * rowWidth)),
        readableRows.length,
        rowWidth,
      );
      if (problem) failLearningCheck(`the backbone's embeddings of a batch`, problem, BACKEND_ADVICE);
      // An unreadable poster gets a NaN row: embedAll does not cache it, and it drops out of training.
      decoded.forEach((poster, k) => poster || features.fill(NaN, k * rowWidth, (k + 1) * rowWidth));
      await observe.betweenBatches();
      return features;
    },
  });
  if (embedded.stopped) return null;
  observe.log(
    `embeddings: ${embedded.hits} from the cache, ${embedded.misses} computed in ${((now() - embedStart) / 1000).toFixed(1)} s ` +
      `(backbone ${(inferMs / 1000).toFixed(1)} s, waiting for decoded posters ${(decodeMs / 1000).toFixed(1)} s)` +
      (embedded.cacheError ? ` (${embedded.cacheError})` : ''),
  );
  return { features: embedded.features, readable: (index) => !Number.isNaN(embedded.features[index * rowWidth]) };
}
