import type { InputIssue } from '../data/types';
import { pixelsPerPoster, type InputSpec } from '../ml/preprocess';
import type { PixelBatch } from '../ml/trainStep';

/** A poster to feed: where its bytes are and what it is labelled. */
export interface PosterSourceItem {
  file: Blob;
  name: string;
  /** [genres] 0/1 (all zeros for unlabelled posters). */
  labels: Uint8Array;
}

export type DecodeFn = (file: Blob, spec: InputSpec) => Promise<Uint8Array>;

/**
 * Decoded posters at one input size, kept in memory up to a byte budget so that
 * epochs after the first decode nothing (6,242 posters at 200x150 RGB = 0.56 GB;
 * at 400x300 = 2.2 GB, too much for a tab, so those are decoded again).
 * Posters that fail to decode are remembered and reported once.
 */
export class PosterPixelStore {
  private readonly cache = new Map<number, Uint8Array>();
  private readonly failed = new Map<number, string>();
  private cachedBytes = 0;

  constructor(
    readonly spec: InputSpec,
    private readonly decode: DecodeFn,
    private readonly budgetBytes: number,
    private readonly onSkip: (issue: InputIssue) => void,
  ) {}

  get bytesCached(): number {
    return this.cachedBytes;
  }

  get skippedCount(): number {
    return this.failed.size;
  }

  /** Pixels of item `index`, or null when it cannot be decoded (reported once). */
  async pixels(index: number, item: PosterSourceItem): Promise<Uint8Array | null> {
    const hit = this.cache.get(index);
    if (hit) return hit;
    if (this.failed.has(index)) return null;
    try {
      const pixels = await this.decode(item.file, this.spec);
      if (this.cachedBytes + pixels.length <= this.budgetBytes) {
        this.cache.set(index, pixels);
        this.cachedBytes += pixels.length;
      }
      return pixels;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.failed.set(index, reason);
      this.onSkip({ kind: 'poster-unreadable', file: item.name, message: `${item.name}: skipped, ${reason}` });
      return null;
    }
  }

  clear(): void {
    this.cache.clear();
    this.cachedBytes = 0;
  }
}

export interface BatchOfPosters extends PixelBatch {
  /** Indices (into the item list) of the posters in this batch, in order. */
  indices: number[];
}

/**
 * Streams `order` in batches of `batchSize`, decoding up to `prefetch` batches
 * ahead so decoding overlaps training, and never holding more than that many
 * decoded batches at once. Unreadable posters are dropped from their batch.
 */
export async function* posterBatches(
  items: readonly PosterSourceItem[],
  order: readonly number[],
  batchSize: number,
  store: PosterPixelStore,
  numGenres: number,
  prefetch = 2,
): AsyncGenerator<BatchOfPosters> {
  const perPoster = pixelsPerPoster(store.spec);
  const assemble = async (start: number): Promise<BatchOfPosters> => {
    const slice = order.slice(start, start + batchSize);
    const decoded = await Promise.all(slice.map((index) => store.pixels(index, items[index])));
    const indices = slice.filter((_, k) => decoded[k] !== null);
    const pixels = new Uint8Array(indices.length * perPoster);
    const labels = new Uint8Array(indices.length * numGenres);
    let row = 0;
    decoded.forEach((poster, k) => {
      if (!poster) return;
      pixels.set(poster, row * perPoster);
      labels.set(items[slice[k]].labels, row * numGenres);
      row++;
    });
    return { pixels, labels, size: indices.length, indices };
  };
  const pending: Array<Promise<BatchOfPosters>> = [];
  let next = 0;
  const fill = () => {
    while (pending.length < prefetch && next < order.length) {
      pending.push(assemble(next));
      next += batchSize;
    }
  };
  fill();
  while (pending.length > 0) {
    const batch = await pending.shift()!;
    fill();
    if (batch.size > 0) yield batch;
  }
}
