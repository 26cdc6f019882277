import type { WorkerRequest } from './protocol';

/** What the dispatcher needs of the session: to handle a request, and whether a run is going. */
export interface DispatchTarget {
  handle(request: WorkerRequest): Promise<void>;
  readonly running: boolean;
  /** Tells a refused request's sender why. */
  refuse(request: WorkerRequest, reason: string): void;
}

/** Requests that would change what a run depends on: refused while one runs, never queued behind it. */
const REFUSED_DURING_RUN: ReadonlySet<WorkerRequest['type']> = new Set([
  'train',
  'resume',
  'importModel',
  'discardCheckpoint',
  'loadDataset',
  'init',
  'clearStorage',
]);
/** Requests served between two batches of a run, so classifying a poster need not wait for the run to end. */
const BETWEEN_BATCHES: ReadonlySet<WorkerRequest['type']> = new Set(['predict', 'explain', 'predictFolder']);

/**
 * Runs requests one at a time, in arrival order: two requests interleaved at
 * their awaits could switch the backend under each other's tensors, or
 * dispose the model the other uses. While a run goes on:
 * - stop is handled at once (the run checks it at the next batch);
 * - a request that would change the run's inputs (train, resume, import,
 *   discard the checkpoint, another dataset) is refused with the reason;
 * - classifying a poster or a folder is served at the next batch boundary;
 * - anything else waits for the run to end.
 */
export class RequestDispatcher {
  private tail: Promise<void> = Promise.resolve();
  private readonly betweenBatches: WorkerRequest[] = [];

  constructor(private readonly target: DispatchTarget) {}

  /** Settles when `request` has been handled (or refused). */
  push(request: WorkerRequest): Promise<void> {
    // Stop and cancel must reach the work they end, which is awaiting its next batch.
    if (request.type === 'stop' || request.type === 'cancelPrediction') return this.target.handle(request);
    if (this.target.running) {
      if (REFUSED_DURING_RUN.has(request.type)) {
        this.target.refuse(request, 'a training run is going on: stop it first');
        return Promise.resolve();
      }
      if (BETWEEN_BATCHES.has(request.type)) {
        this.betweenBatches.push(request);
        return Promise.resolve();
      }
    }
    return this.enqueue(request);
  }

  /** Serves the requests waiting for a batch boundary; the run awaits this between batches. */
  async serveWaiting(): Promise<void> {
    while (this.betweenBatches.length > 0) await this.target.handle(this.betweenBatches.shift()!);
  }

  private enqueue(request: WorkerRequest): Promise<void> {
    const run = this.tail.then(async () => {
      await this.target.handle(request);
      // A run just ended with requests still waiting for its next batch: they go now.
      if (!this.target.running) await this.serveWaiting();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}
