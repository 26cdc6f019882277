import { HEAD } from '../config/registry.js';
import type { InputSpec } from '../data/inputSpec';
import { PosterDecodeError } from './decodePoster';
import type { DecodeFn } from './posterBatches';

/** What the pool sends a decode worker: a File/Blob handle, never pixels. */
export interface DecodeRequest {
  id: number;
  file: Blob;
  spec: InputSpec;
}

/** What a decode worker answers; `pixels` arrives as a transferred buffer. */
export type DecodeReply = { id: number; ok: true; pixels: Uint8Array } | { id: number; ok: false; message: string };

/**
 * The part of a decode worker the pool talks to. A thin adapter around a
 * real `Worker` (see `spawnDecodeWorker`), so tests can drive the pool with fakes.
 */
export interface DecodeWorkerPort {
  post(request: DecodeRequest): void;
  /** Called once, right after the port is created. */
  listen(onReply: (reply: DecodeReply) => void, onCrash: (message: string) => void): void;
  terminate(): void;
}

export function spawnDecodeWorker(): DecodeWorkerPort {
  const worker = new Worker(new URL('./decodeWorker.ts', import.meta.url), { type: 'module', name: 'poster-decoder' });
  return {
    post: (request) => worker.postMessage(request),
    listen: (onReply, onCrash) => {
      worker.onmessage = (event: MessageEvent<DecodeReply>) => onReply(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        onCrash(event.message || 'the decode worker failed');
      };
    },
    terminate: () => worker.terminate(),
  };
}

/**
 * Decode workers to start by default: the cores left after the page and the
 * training worker, at least one. Capped at four until a many-core measurement
 * says more pay off (scripts/gpu-bench.sh compares up to 16). On two cores a
 * pool of two decoded 1.2-1.4x faster than one in an idle browser, but there
 * decoding (100-250 posters/s) is hundreds of times faster than training
 * (under 1 poster/s), so it is never the bottleneck (`npm run bench`).
 */
export function defaultDecodeWorkerCount(hardwareConcurrency: number | undefined): number {
  const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 2;
  return Math.min(4, Math.max(1, cores - 2));
}

/**
 * Requests a decode worker holds at once: a whole embedding batch. The WASM
 * backend runs a backbone batch synchronously on the training thread, which
 * then cannot hand out more work for a second or so, and a worker sits idle
 * once it has decoded what it holds. Holding 2, the embedding waited 28-33 s
 * of its 264-300 s for decoded posters; holding 16 (half the next batch), 16 s
 * of 305 s.
 */
export const DECODE_IN_FLIGHT_PER_WORKER: number = HEAD.embedBatch;

interface PendingDecode {
  request: DecodeRequest;
  resolve: (pixels: Uint8Array) => void;
  reject: (error: Error) => void;
}

interface PooledWorker {
  port: DecodeWorkerPort;
  inFlight: Map<number, PendingDecode>;
  /** False once the worker has crashed: it gets no more work. */
  alive: boolean;
}

/**
 * A fixed set of decode workers fed from one FIFO queue. Each worker holds at
 * most `maxInFlightPerWorker` requests, so posters are decoded roughly in the
 * order asked for (the next batch's posters before those of the batch after)
 * and a slow poster holds up only its own worker.
 */
export class DecodePool {
  private readonly workers: PooledWorker[];
  private readonly queue: PendingDecode[] = [];
  private nextId = 1;
  private disposed = false;

  constructor(
    size: number,
    createWorker: () => DecodeWorkerPort = spawnDecodeWorker,
    private readonly maxInFlightPerWorker = DECODE_IN_FLIGHT_PER_WORKER,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a decode pool needs at least one worker, not ${size}`);
    this.workers = Array.from({ length: size }, () => {
      const worker: PooledWorker = { port: createWorker(), inFlight: new Map(), alive: true };
      worker.port.listen(
        (reply) => this.settle(worker, reply),
        (message) => this.failAll(worker, message),
      );
      return worker;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Requests queued or being decoded. */
  get pending(): number {
    return this.queue.length + this.workers.reduce((sum, worker) => sum + worker.inFlight.size, 0);
  }

  /**
   * Packed RGB uint8 pixels of `file` at spec's size, exactly as `decodePoster`
   * makes them. Rejects with a `PosterDecodeError` when the poster cannot be decoded.
   * An arrow property so it can be handed on as a `DecodeFn`.
   */
  readonly decode: DecodeFn = (file, spec) => {
    if (this.disposed) return Promise.reject(new Error('the decode pool has been disposed'));
    return new Promise<Uint8Array>((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, file, spec }, resolve, reject });
      this.dispatch();
    });
  };

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const error = new Error('the decode pool has been disposed');
    for (const pending of this.queue.splice(0)) pending.reject(error);
    for (const worker of this.workers) {
      for (const pending of worker.inFlight.values()) pending.reject(error);
      worker.inFlight.clear();
      if (worker.alive) worker.port.terminate();
      worker.alive = false;
    }
  }

  /** Hands queued requests to the least busy workers (lowest index on ties). */
  private dispatch(): void {
    if (!this.workers.some((worker) => worker.alive)) {
      const error = new Error('every decode worker has failed');
      for (const pending of this.queue.splice(0)) pending.reject(error);
      return;
    }
    while (this.queue.length > 0) {
      let target: PooledWorker | undefined;
      for (const worker of this.workers) {
        if (!worker.alive || worker.inFlight.size >= this.maxInFlightPerWorker) continue;
        if (!target || worker.inFlight.size < target.inFlight.size) target = worker;
      }
      if (!target) return;
      const pending = this.queue.shift()!;
      target.inFlight.set(pending.request.id, pending);
      target.port.post(pending.request);
    }
  }

  private settle(worker: PooledWorker, reply: DecodeReply): void {
    const pending = worker.inFlight.get(reply.id);
    if (!pending) return;
    worker.inFlight.delete(reply.id);
    if (reply.ok) pending.resolve(reply.pixels);
    else pending.reject(new PosterDecodeError(reply.message));
    this.dispatch();
  }

  /**
   * IMPORTANT: decodeWorker answers every request, failures included, so an
   * error event means the worker itself is broken (its script did not load,
   * say). It is retired rather than handed more work that it would never answer.
   */
  private failAll(worker: PooledWorker, message: string): void {
    worker.alive = false;
    worker.port.terminate();
    for (const pending of worker.inFlight.values()) pending.reject(new Error(`decode worker failed: ${message}`));
    worker.inFlight.clear();
    this.dispatch();
  }
}
