/// <reference lib="webworker" />
import type { PixelSpill } from './pixelSpill';

/** One folder of the origin's private file system holds every run's file, `<runId>.rgb`. */
const FOLDER = 'decoded-posters';
const SUFFIX = '.rgb';

interface OpenFile {
  folder: FileSystemDirectoryHandle;
  name: string;
  file: FileSystemSyncAccessHandle;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Decoded posters in one file of the Origin Private File System, as
 * fixed-size records appended in the order they arrive. Synchronous access
 * handles (dedicated workers only) read and write at the speed of the disk,
 * without a copy through the page. The file is named after its run and
 * deleted by `clear`; files left by a tab that was closed mid-run are
 * deleted at start-up, once no tab holds their run's lock (removeOrphanSpills).
 */
export class OpfsPixelSpill implements PixelSpill {
  readonly where = 'on disk (Origin Private File System)';
  private opening: Promise<OpenFile | null> | undefined;
  private readonly slots = new Map<number, number>();
  private stopped = false;
  private cleared = false;

  constructor(
    private readonly bytesPerPoster: number,
    private readonly note: (message: string) => void,
    private readonly runId: string,
  ) {}

  get posters(): number {
    return this.slots.size;
  }

  get bytes(): number {
    return this.slots.size * this.bytesPerPoster;
  }

  private open(): Promise<OpenFile | null> {
    this.opening ??= (async () => {
      try {
        const root = await navigator.storage.getDirectory();
        const folder = await root.getDirectoryHandle(FOLDER, { create: true });
        const name = `${this.runId}${SUFFIX}`;
        const handle = await folder.getFileHandle(name, { create: true });
        return { folder, name, file: await handle.createSyncAccessHandle() };
      } catch (error) {
        this.stop(`posters beyond the memory budget are decoded again each epoch: no disk cache here (${describe(error)})`);
        return null;
      }
    })();
    return this.opening;
  }

  private stop(message: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.note(message);
  }

  async put(key: number, pixels: Uint8Array): Promise<boolean> {
    if (this.slots.has(key)) return true;
    if (this.cleared || this.stopped || pixels.length !== this.bytesPerPoster) return false;
    const open = await this.open();
    if (!open || this.stopped || this.cleared) return false;
    // From here on everything is synchronous, so concurrent puts cannot take the same slot.
    const slot = this.slots.size;
    try {
      const written = open.file.write(pixels, { at: slot * this.bytesPerPoster });
      // Out of quota, Chromium's in-memory OPFS (private windows) returns an error code here instead of throwing.
      if (written !== pixels.length) throw new Error(`a write of ${pixels.length} bytes returned ${written}; storage full?`);
    } catch (error) {
      this.stop(
        `the disk cache of decoded posters stopped at ${this.slots.size} posters (${describe(error)}); the rest are decoded again each epoch`,
      );
      return false;
    }
    this.slots.set(key, slot);
    return true;
  }

  has(key: number): boolean {
    return this.slots.has(key);
  }

  async read(key: number, into: Uint8Array): Promise<boolean> {
    const slot = this.slots.get(key);
    if (slot === undefined || into.length !== this.bytesPerPoster) return false;
    const open = await this.open();
    if (!open) return false;
    try {
      return open.file.read(into, { at: slot * this.bytesPerPoster }) === into.length;
    } catch {
      return false;
    }
  }

  async clear(): Promise<void> {
    this.cleared = true;
    const open = await this.opening;
    this.opening = undefined;
    this.slots.clear();
    if (!open) return;
    try {
      open.file.close();
      await open.folder.removeEntry(open.name);
    } catch {
      // Deleted with the next run's leftovers.
    }
  }
}

/**
 * Deletes the spill files of runs no tab is training (a tab closed mid-run
 * leaves its file behind); returns how many files and bytes went.
 */
export async function removeOrphanSpills(liveRunIds: ReadonlySet<string>): Promise<{ files: number; bytes: number }> {
  const removed = { files: 0, bytes: 0 };
  let folder: FileSystemDirectoryHandle;
  try {
    folder = await (await navigator.storage.getDirectory()).getDirectoryHandle(FOLDER, { create: true });
  } catch {
    return removed; // no OPFS here: nothing was ever spilled
  }
  const names: string[] = [];
  for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
  for (const name of names) {
    if (liveRunIds.has(name.replace(SUFFIX, ''))) continue;
    try {
      const size = (await (await folder.getFileHandle(name)).getFile()).size;
      await folder.removeEntry(name);
      removed.files++;
      removed.bytes += size;
    } catch {
      // Still open somewhere: the next start-up tries again.
    }
  }
  return removed;
}
