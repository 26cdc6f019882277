/**
 * Runs requests one at a time, in arrival order; `bypasses` picks the ones
 * that run at once instead (stop, which must reach a run that is awaiting).
 * A request that fails does not hold up the next: `handle` reports its own
 * errors, and a rejection here only ends that request.
 */
export class RequestQueue<R> {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly handle: (request: R) => Promise<void>,
    private readonly bypasses: (request: R) => boolean,
  ) {}

  /** Requests queued or running, bypassing ones not counted. */
  get pending(): number {
    return this.waiting;
  }

  /** Settles when `request` has been handled. */
  push(request: R): Promise<void> {
    if (this.bypasses(request)) return this.handle(request);
    this.waiting++;
    const run = this.tail.then(() => this.handle(request)).finally(() => this.waiting--);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
