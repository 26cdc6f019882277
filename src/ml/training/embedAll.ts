/**
 * Backbone features per poster, cached across runs: a frozen backbone gives
 * the same features every time, and computing them is the slow part of
 * transfer learning (one MobileNet forward per poster), while training the
 * head on them takes seconds.
 */

/**
 * What identifies a poster for the cache: a digest of its bytes (SHA-256,
 * hex; see worker/embeddingCache.ts contentDigest). Name, size and date are
 * not enough: two folders can hold different posters under the same names.
 */
export interface FileIdentity {
  name: string;
  contentDigest: string;
}

export interface EmbeddingStore {
  get(key: string): Promise<Float32Array | undefined>;
  put(key: string, value: Float32Array): Promise<void>;
  /** One result per key, in order; undefined where nothing is stored. */
  getMany(keys: readonly string[]): Promise<(Float32Array | undefined)[]>;
  putMany(entries: ReadonlyArray<readonly [string, Float32Array]>): Promise<void>;
  /** Drops every cached embedding. */
  clear(): Promise<void>;
}

/** A store in memory: for tests, and for browsers without IndexedDB (private modes), where it lasts as long as the worker. */
export class MemoryEmbeddingStore implements EmbeddingStore {
  private readonly entries = new Map<string, Float32Array>();

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<Float32Array | undefined> {
    return this.entries.get(key);
  }

  async put(key: string, value: Float32Array): Promise<void> {
    this.entries.set(key, value.slice());
  }

  async getMany(keys: readonly string[]): Promise<(Float32Array | undefined)[]> {
    return keys.map((key) => this.entries.get(key));
  }

  async putMany(entries: ReadonlyArray<readonly [string, Float32Array]>): Promise<void> {
    for (const [key, value] of entries) this.entries.set(key, value.slice());
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }
}

/**
 * IMPORTANT: bump when decoding or resizing changes (e.g. squash -> crop):
 * cached features would silently stop matching what prediction computes.
 * v2: v1 caches may hold the constant features of a backbone whose weights
 * were zeroed by a cross-backend move (issue 11); they are never read.
 */
const KEY_VERSION = 'v2';

/** Same bytes and same backbone -> same key, whatever the file is called. */
export function embeddingKey(backboneId: string, file: FileIdentity): string {
  return `${KEY_VERSION}|${backboneId}|${file.contentDigest}`;
}

export interface EmbedAllOptions {
  files: readonly FileIdentity[];
  store: EmbeddingStore;
  backboneId: string;
  featureDim: number;
  /** Features for the given indices into `files`, [indices.length * featureDim] row-major. */
  computeBatch: (indices: number[]) => Promise<Float32Array>;
  batchSize: number;
  /** After each computed batch: posters done (hits included) out of files.length. */
  onProgress?: (done: number, total: number) => void;
  /** Checked between batches; when true, embedAll returns early with stopped: true. */
  shouldStop?: () => boolean;
  /**
   * Told the next batch's indices just before the current batch is computed,
   * so their posters can be decoded while the backbone runs.
   */
  willCompute?: (indices: number[]) => void;
}

export interface EmbedAllResult {
  /** [files.length * featureDim] row-major; rows not computed (stopped) are 0. */
  features: Float32Array;
  hits: number;
  misses: number;
  stopped: boolean;
  /** Set when the cache could not be read or written; features are still complete. */
  cacheError?: string;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Features for every file: cached rows first, then the misses computed in
 * batches of batchSize and written back, batch by batch, so a stopped or
 * crashed run keeps what it computed. A broken cache (quota, private mode)
 * only costs speed: embedAll computes everything and reports cacheError.
 */
export async function embedAll({
  files,
  store,
  backboneId,
  featureDim,
  computeBatch,
  batchSize,
  onProgress,
  shouldStop,
  willCompute,
}: EmbedAllOptions): Promise<EmbedAllResult> {
  const total = files.length;
  const features = new Float32Array(total * featureDim);
  const keys = files.map((file) => embeddingKey(backboneId, file));
  let cacheError: string | undefined;
  let cached: (Float32Array | undefined)[];
  try {
    cached = await store.getMany(keys);
  } catch (error) {
    cacheError = `embedding cache unreadable: ${message(error)}`;
    cached = [];
  }
  const misses: number[] = [];
  keys.forEach((_, index) => {
    const row = cached[index];
    // A row of the wrong length is from some other model: recompute it.
    if (row && row.length === featureDim) features.set(row, index * featureDim);
    else misses.push(index);
  });
  const hits = total - misses.length;
  let done = hits;
  onProgress?.(done, total);
  for (let start = 0; start < misses.length; start += batchSize) {
    if (shouldStop?.()) return { features, hits, misses: misses.length, stopped: true, cacheError };
    const indices = misses.slice(start, start + batchSize);
    const next = misses.slice(start + batchSize, start + 2 * batchSize);
    if (next.length > 0) willCompute?.(next);
    const computed = await computeBatch(indices);
    if (computed.length !== indices.length * featureDim) {
      throw new Error(`computeBatch returned ${computed.length} values for ${indices.length} posters x ${featureDim} features`);
    }
    const entries: Array<[string, Float32Array]> = [];
    indices.forEach((index, i) => {
      const row = computed.subarray(i * featureDim, (i + 1) * featureDim);
      features.set(row, index * featureDim);
      // NaN marks a poster that could not be decoded: computed again next time, never cached.
      if (!Number.isNaN(row[0])) entries.push([keys[index], row]);
    });
    if (cacheError === undefined) {
      try {
        await store.putMany(entries);
      } catch (error) {
        cacheError = `embedding cache not written: ${message(error)}`;
      }
    }
    done += indices.length;
    onProgress?.(done, total);
  }
  return { features, hits, misses: misses.length, stopped: false, cacheError };
}
