/// <reference lib="webworker" />
/**
 * Which saved runs are training right now, in this tab or another: a run
 * holds a Web Lock named after it for as long as it trains, so a second tab
 * neither offers it for resuming nor writes over it, and a run's leftovers
 * (its spill file) can be deleted once no tab holds its lock. Tabs tell each
 * other when their saved runs change over a BroadcastChannel.
 */
export interface RunLocks {
  /**
   * Holds `runId`'s lock until the returned release is called (it resolves
   * once the lock is free, so a query right after no longer sees it); null
   * when another tab holds it.
   */
  acquire(runId: string): Promise<(() => Promise<void>) | null>;
  /** Run ids whose lock is held now, by any tab. */
  held(): Promise<Set<string>>;
  /** Tells the other tabs that the saved runs changed. */
  announce(): void;
  /** Called when another tab announces a change. */
  onChange(listener: () => void): void;
}

const PREFIX = 'poster-genres-run:';
const CHANNEL = 'poster-genres-runs';

/** Web Locks and a BroadcastChannel, shared by every tab of this origin. */
export class BrowserRunLocks implements RunLocks {
  private readonly channel = new BroadcastChannel(CHANNEL);

  async acquire(runId: string): Promise<(() => Promise<void>) | null> {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let freed: Promise<unknown> = Promise.resolve();
    const granted = await new Promise<boolean>((resolve) => {
      freed = navigator.locks.request(`${PREFIX}${runId}`, { ifAvailable: true }, async (lock) => {
        resolve(lock !== null);
        // Holding the lock is awaiting here until the run releases it.
        if (lock) await held;
      });
    });
    if (!granted) return null;
    return async () => {
      release();
      // The lock is let go after the callback's promise settles, not at release(): without waiting,
      // this tab's own just-finished run reads as "training in another tab".
      await freed;
    };
  }

  async held(): Promise<Set<string>> {
    const { held = [] } = await navigator.locks.query();
    return new Set(held.flatMap((lock) => (lock.name?.startsWith(PREFIX) ? [lock.name.slice(PREFIX.length)] : [])));
  }

  announce(): void {
    this.channel.postMessage('changed');
  }

  onChange(listener: () => void): void {
    this.channel.addEventListener('message', () => listener());
  }
}

/** For tests and browsers without Web Locks: one tab's view. `otherTabs` holds ids another tab is training. */
export class MemoryRunLocks implements RunLocks {
  private readonly mine = new Set<string>();
  readonly otherTabs = new Set<string>();

  async acquire(runId: string): Promise<(() => Promise<void>) | null> {
    if (this.mine.has(runId) || this.otherTabs.has(runId)) return null;
    this.mine.add(runId);
    return async () => {
      this.mine.delete(runId);
    };
  }

  async held(): Promise<Set<string>> {
    return new Set([...this.mine, ...this.otherTabs]);
  }

  announce(): void {}

  onChange(): void {}
}
