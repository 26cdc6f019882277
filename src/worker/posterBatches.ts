import type { InputIssue } from '../data/types';
import { pixelsPerPoster, type InputSpec } from '../data/inputSpec';
import type { IndexedPixelBatch, PosterFeed } from '../ml/training/types';
import type { PixelSpill } from './pixelSpill';

/** A poster to feed: where its bytes are and what it is labelled. */
export interface PosterSourceItem {
  file: Blob;
  name: string;
  /** [genres] 0/1 (all zeros for unlabelled posters). */
  labels: Uint8Array;
}

export type DecodeFn = (file: Blob, spec: InputSpec) => Promise<Uint8Array>;

/** Where a store's decoded posters are, for the log and the bench. */
export interface PixelStoreReport {
  inMemory: { posters: number; bytes: number };
  spilled: { posters: number; bytes: number; where: string } | null;
  /** Posters neither memory nor the spill could keep: decoded again each epoch. */
  notKept: number;
  /** Decodes so far, and posters read back from the spill instead of decoded. */
  decoded: number;
  readFromSpill: number;
}

/**
 * Decoded posters at one input size, kept so that epochs after the first
 * decode nothing: in memory up to a byte budget (6,242 posters at 200x150 RGB
 * = 0.56 GB fit), then in the spill when there is one (at 400x300 they are
 * 2.2 GB, too much for a tab: the worker spills to the Origin Private File
 * System), else decoded again. Posters that fail to decode are remembered and
 * reported once.
 */
export class PosterPixelStore {
  private readonly cache = new Map<number, Uint8Array>();
  private readonly failed = new Map<number, string>();
  private cachedBytes = 0;
  private decodedCount = 0;
  private spillHits = 0;
  private readonly notKept = new Set<number>();

  constructor(
    readonly spec: InputSpec,
    private readonly decode: DecodeFn,
    private readonly budgetBytes: number,
    private readonly onSkip: (issue: InputIssue) => void,
    private readonly spill?: PixelSpill,
  ) {}

  get bytesCached(): number {
    return this.cachedBytes;
  }

  get skippedCount(): number {
    return this.failed.size;
  }

  report(): PixelStoreReport {
    return {
      inMemory: { posters: this.cache.size, bytes: this.cachedBytes },
      spilled: this.spill ? { posters: this.spill.posters, bytes: this.spill.bytes, where: this.spill.where } : null,
      notKept: this.notKept.size,
      decoded: this.decodedCount,
      readFromSpill: this.spillHits,
    };
  }

  /** Pixels of item `index`, or null when it cannot be decoded (reported once). */
  async pixels(index: number, item: PosterSourceItem): Promise<Uint8Array | null> {
    const hit = this.cache.get(index);
    if (hit) return hit;
    if (this.failed.has(index)) return null;
    if (this.spill?.has(index)) {
      const kept = new Uint8Array(pixelsPerPoster(this.spec));
      if (await this.spill.read(index, kept)) {
        this.spillHits++;
        return kept;
      }
    }
    return this.decodeAndKeep(index, item);
  }

  /**
   * Writes item `index`'s pixels into `target` (one poster's bytes); false
   * when it cannot be decoded. The spill reads straight into `target`.
   */
  async pixelsInto(index: number, item: PosterSourceItem, target: Uint8Array): Promise<boolean> {
    const hit = this.cache.get(index);
    if (hit) {
      target.set(hit);
      return true;
    }
    if (this.failed.has(index)) return false;
    if (this.spill?.has(index) && (await this.spill.read(index, target))) {
      this.spillHits++;
      return true;
    }
    const pixels = await this.decodeAndKeep(index, item);
    if (pixels) target.set(pixels);
    return pixels !== null;
  }

  private async decodeAndKeep(index: number, item: PosterSourceItem): Promise<Uint8Array | null> {
    let pixels: Uint8Array;
    try {
      pixels = await this.decode(item.file, this.spec);
      this.decodedCount++;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.failed.set(index, reason);
      this.onSkip({ kind: 'poster-unreadable', file: item.name, message: `${item.name}: skipped, ${reason}` });
      return null;
    }
    if (this.cachedBytes + pixels.length <= this.budgetBytes) {
      this.cache.set(index, pixels);
      this.cachedBytes += pixels.length;
    } else if (!(await this.spill?.put(index, pixels))) {
      this.notKept.add(index);
    }
    return pixels;
  }

  /** Frees the memory and deletes the spill's copies. */
  async clear(): Promise<void> {
    this.cache.clear();
    this.cachedBytes = 0;
    this.notKept.clear();
    await this.spill?.clear();
  }
}

/** E.g. "decoded posters kept for the next epochs: 6,242 (2,236 in memory (805 MB), 4,006 on disk (Origin Private File System) (1.44 GB))". */
export function describePixelStore(report: PixelStoreReport): string {
  const size = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${Math.round(bytes / 1e6)} MB`);
  const spilled = report.spilled && report.spilled.posters > 0 ? report.spilled : null;
  const total = report.inMemory.posters + (spilled?.posters ?? 0);
  const parts = [`${report.inMemory.posters.toLocaleString('en-US')} in memory (${size(report.inMemory.bytes)})`];
  if (spilled) parts.push(`${spilled.posters.toLocaleString('en-US')} ${spilled.where} (${size(spilled.bytes)})`);
  return (
    `decoded posters kept for the next epochs: ${total.toLocaleString('en-US')} (${parts.join(', ')})` +
    (report.notKept > 0 ? `; ${report.notKept.toLocaleString('en-US')} do not fit and are decoded again each epoch` : '')
  );
}

/**
 * Streams `order` in batches of `batchSize`, decoding up to `prefetch` batches
 * ahead so decoding overlaps training, and never holding more than that many
 * decoded batches at once. Unreadable posters are dropped from their batch.
 *
 * IMPORTANT: a batch's `pixels` are valid until the next batch is asked for;
 * then its buffer is reused. Fresh buffers cost more than filling them: the
 * first touch of a new 23 MB batch (64 posters at 400x300) took 70 ms on the
 * 2-core VM, and the feed peaked near 300 MB/s with a buffer per batch
 * (`npm run bench`, `feed`). Copy what must outlive the step.
 */
export async function* posterBatches(
  items: readonly PosterSourceItem[],
  order: readonly number[],
  batchSize: number,
  store: PosterPixelStore,
  numGenres: number,
  prefetch = 2,
): AsyncGenerator<IndexedPixelBatch> {
  const perPoster = pixelsPerPoster(store.spec);
  const free: Uint8Array[] = [];
  const assemble = async (start: number): Promise<IndexedPixelBatch & { buffer: Uint8Array }> => {
    const slice = order.slice(start, start + batchSize);
    const buffer = free.pop() ?? new Uint8Array(batchSize * perPoster);
    const readable = await Promise.all(
      slice.map((index, k) => store.pixelsInto(index, items[index], buffer.subarray(k * perPoster, (k + 1) * perPoster))),
    );
    const indices: number[] = [];
    const labels = new Uint8Array(readable.filter(Boolean).length * numGenres);
    slice.forEach((index, k) => {
      if (!readable[k]) return;
      const row = indices.length;
      // Close the gap an unreadable poster left.
      if (row !== k) buffer.copyWithin(row * perPoster, k * perPoster, (k + 1) * perPoster);
      labels.set(items[index].labels, row * numGenres);
      indices.push(index);
    });
    return { pixels: buffer.subarray(0, indices.length * perPoster), labels, size: indices.length, indices, buffer };
  };
  const pending: Array<Promise<IndexedPixelBatch & { buffer: Uint8Array }>> = [];
  let next = 0;
  const fill = () => {
    while (pending.length < prefetch && next < order.length) {
      pending.push(assemble(next));
      next += batchSize;
    }
  };
  fill();
  while (pending.length > 0) {
    const { buffer, ...batch } = await pending.shift()!;
    fill();
    if (batch.size > 0) yield batch;
    // The consumer asked for the next batch: this buffer is free for a later one (prefetch + 1 in all).
    free.push(buffer);
  }
}

/** The store and its items as the training stages see them (ml/training/types.ts). */
export function posterFeed(items: readonly PosterSourceItem[], store: PosterPixelStore, numGenres: number): PosterFeed {
  return {
    spec: store.spec,
    batches: (order, batchSize) => posterBatches(items, order, batchSize, store, numGenres),
    pixels: (index) => store.pixels(index, items[index]),
    describe: () => describePixelStore(store.report()),
  };
}
