import { pixelsPerPoster, type InputSpec } from '../data/inputSpec';
import { DecodePool } from '../worker/decodePool';
import { OpfsPixelSpill } from '../worker/opfsPixelSpill';
import type { PixelSpill } from '../worker/pixelSpill';
import { PosterPixelStore, posterBatches, type PosterSourceItem } from '../worker/posterBatches';
import { PIXEL_BUDGET_BYTES } from '../worker/trainingRunner';
import { sizeLabel } from './benchConfig';
import type { FeedMeasurement, FeedMode, ImageSize } from './benchProtocol';
import { median, roundTo3 } from './stats';

/** Batches as the app's training loop asks for them. */
const FEED_BATCH = 16;

/**
 * How fast the training loop gets its batches, with no model in the way:
 * posterBatches over a PosterPixelStore fed by the app's decode pool, epoch
 * after epoch, in each of the three ways the store can serve epochs after
 * the first: from memory (what fits PIXEL_BUDGET_BYTES), from the disk spill
 * (OPFS, what the app does beyond the budget) and by decoding again (the app
 * beyond the budget before the spill).
 */
export async function measureFeed(
  items: readonly PosterSourceItem[],
  sizes: readonly ImageSize[],
  epochs: number,
  decodeWorkers: number,
  numGenres: number,
  progress: (message: string) => void,
): Promise<Record<string, FeedMeasurement>> {
  const order = items.map((_, index) => index);
  const bySize: Record<string, FeedMeasurement> = {};
  for (const size of sizes) {
    const spec: InputSpec = { ...size, scaling: 'unit' };
    const modes = {} as FeedMeasurement['modes'];
    for (const mode of ['memory', 'disk', 'decodeEveryEpoch'] as const satisfies readonly FeedMode[]) {
      progress(`feed ${sizeLabel(size)}: ${mode}, ${epochs} epochs of ${items.length} posters`);
      const notes: string[] = [];
      const spill: PixelSpill | undefined =
        mode === 'disk'
          ? new OpfsPixelSpill(pixelsPerPoster(spec), (note) => notes.push(note), `bench-feed-${size.height}x${size.width}`)
          : undefined;
      const pool = new DecodePool(decodeWorkers);
      const store = new PosterPixelStore(spec, pool.decode, mode === 'memory' ? PIXEL_BUDGET_BYTES : 0, () => {}, spill);
      try {
        const perEpoch: number[] = [];
        for (let epoch = 0; epoch < epochs; epoch++) {
          const start = performance.now();
          let posters = 0;
          for await (const batch of posterBatches(items, order, FEED_BATCH, store, numGenres)) posters += batch.size;
          perEpoch.push(roundTo3(posters / ((performance.now() - start) / 1000)));
        }
        const report = store.report();
        modes[mode] = {
          imagesPerSecond: perEpoch,
          laterEpochs: roundTo3(median(perEpoch.slice(1))),
          keptInMemory: report.inMemory.posters,
          keptOnDisk: report.spilled?.posters ?? 0,
          decodes: report.decoded,
          notes,
        };
      } finally {
        await store.clear();
        pool.dispose();
      }
    }
    bySize[sizeLabel(size)] = { posters: items.length, batchSize: FEED_BATCH, decodeWorkers, modes };
  }
  return bySize;
}
