/**
 * Where decoded posters go when they no longer fit the in-memory budget, so
 * that later epochs read them back instead of decoding the JPEGs again:
 * 6,242 posters at 400x300 are 2.2 GB of pixels, too much for a tab, but
 * reading 360 KB back from disk costs far less than decoding a poster
 * (`npm run bench`, `feed`). Reads go straight into the caller's buffer (the
 * batch being assembled). Implementations never throw: a poster they cannot
 * keep is simply decoded again.
 */
export interface PixelSpill {
  /** Keeps `pixels` under `key`; false when it could not (no storage, disk full). */
  put(key: number, pixels: Uint8Array): Promise<boolean>;
  has(key: number): boolean;
  /** Copies the pixels kept under `key` into `into` (exactly their length); false when it could not. */
  read(key: number, into: Uint8Array): Promise<boolean>;
  /** How many posters and bytes are kept. */
  readonly posters: number;
  readonly bytes: number;
  /** Where they are kept, for the log ("on disk (Origin Private File System)"). */
  readonly where: string;
  /**
   * Deletes everything kept and releases the storage. Final: a run that was
   * stopped mid-epoch may still finish decoding a prefetched batch after it,
   * and those posters must not open a new file nobody deletes.
   */
  clear(): Promise<void>;
}

/**
 * Makes the spill for one run at one input size (`bytesPerPoster`). `note`
 * reports, once, why posters will be decoded again after all (no storage, full).
 */
export type PixelSpillFactory = (bytesPerPoster: number, note: (message: string) => void, runId: string) => PixelSpill;

/** A spill in memory: for tests, and the shape every implementation follows. */
export class MemoryPixelSpill implements PixelSpill {
  private readonly kept = new Map<number, Uint8Array>();
  private cleared = false;
  readonly where = 'in a memory spill';

  constructor(private readonly capacityPosters = Infinity) {}

  get posters(): number {
    return this.kept.size;
  }

  get bytes(): number {
    let total = 0;
    this.kept.forEach((pixels) => (total += pixels.length));
    return total;
  }

  async put(key: number, pixels: Uint8Array): Promise<boolean> {
    if (this.cleared || (this.kept.size >= this.capacityPosters && !this.kept.has(key))) return false;
    this.kept.set(key, pixels.slice());
    return true;
  }

  has(key: number): boolean {
    return this.kept.has(key);
  }

  async read(key: number, into: Uint8Array): Promise<boolean> {
    const kept = this.kept.get(key);
    if (!kept || kept.length !== into.length) return false;
    into.set(kept);
    return true;
  }

  async clear(): Promise<void> {
    this.cleared = true;
    this.kept.clear();
  }
}
