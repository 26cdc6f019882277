import { describe, expect, it } from 'vitest';
import type { InputSpec } from '../data/inputSpec';
import { PosterDecodeError } from './decodePoster';
import { DecodePool, defaultDecodeWorkerCount, type DecodeReply, type DecodeRequest, type DecodeWorkerPort } from './decodePool';
import { PosterPixelStore, posterBatches, type PosterSourceItem } from './posterBatches';

const spec: InputSpec = { height: 2, width: 1, scaling: 'unit' };

/** A decode worker that answers only when the test says so. */
class FakeDecodeWorker implements DecodeWorkerPort {
  readonly received: DecodeRequest[] = [];
  terminated = false;
  private onReply: (reply: DecodeReply) => void = () => {};
  private onCrash: (message: string) => void = () => {};

  post(request: DecodeRequest): void {
    this.received.push(request);
  }

  listen(onReply: (reply: DecodeReply) => void, onCrash: (message: string) => void): void {
    this.onReply = onReply;
    this.onCrash = onCrash;
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Answers the oldest unanswered request with pixels all equal to `value`. */
  answer(value: number): void {
    const request = this.received.shift()!;
    this.onReply({ id: request.id, ok: true, pixels: new Uint8Array(6).fill(value) });
  }

  fail(message: string): void {
    const request = this.received.shift()!;
    this.onReply({ id: request.id, ok: false, message });
  }

  crash(message: string): void {
    this.onCrash(message);
  }
}

function poolOf(size: number, maxInFlight = 2): { pool: DecodePool; workers: FakeDecodeWorker[] } {
  const workers: FakeDecodeWorker[] = [];
  const pool = new DecodePool(
    size,
    () => {
      const worker = new FakeDecodeWorker();
      workers.push(worker);
      return worker;
    },
    maxInFlight,
  );
  return { pool, workers };
}

const poster = (name: string) => new Blob([name]);

describe('DecodePool', () => {
  it('spreads requests over the least busy workers and queues the rest in order', () => {
    const { pool, workers } = poolOf(2, 1);
    const files = ['a', 'b', 'c', 'd'].map(poster);
    files.forEach((file) => void pool.decode(file, spec));

    expect(workers.map((w) => w.received.map((r) => r.file))).toEqual([[files[0]], [files[1]]]);
    expect(pool.pending).toBe(4);

    workers[1].answer(1); // worker 1 is free first, so it takes the next in line
    expect(workers[1].received.map((r) => r.file)).toEqual([files[2]]);
    workers[0].answer(0);
    expect(workers[0].received.map((r) => r.file)).toEqual([files[3]]);
    expect(pool.pending).toBe(2);
  });

  it('keeps up to maxInFlightPerWorker requests at each worker', () => {
    const { pool, workers } = poolOf(2, 2);
    for (let k = 0; k < 5; k++) void pool.decode(poster(String(k)), spec);
    expect(workers.map((w) => w.received.length)).toEqual([2, 2]);
    expect(pool.pending).toBe(5);
  });

  it('resolves each request with its own pixels, whatever order the workers answer in', async () => {
    const { pool, workers } = poolOf(2, 1);
    const first = pool.decode(poster('a'), spec);
    const second = pool.decode(poster('b'), spec);
    workers[1].answer(7);
    workers[0].answer(3);
    expect(Array.from(await first)).toEqual([3, 3, 3, 3, 3, 3]);
    expect(Array.from(await second)).toEqual([7, 7, 7, 7, 7, 7]);
    expect(pool.pending).toBe(0);
  });

  it('rejects an undecodable poster with a PosterDecodeError and carries on', async () => {
    const { pool, workers } = poolOf(1, 1);
    const broken = pool.decode(poster('broken'), spec);
    const fine = pool.decode(poster('fine'), spec);
    workers[0].fail('not a decodable image');
    await expect(broken).rejects.toThrow(PosterDecodeError);
    await expect(broken).rejects.toThrow('not a decodable image');
    workers[0].answer(9);
    expect((await fine)[0]).toBe(9);
  });

  it('retires a crashed worker, failing only its own requests', async () => {
    const { pool, workers } = poolOf(2, 1);
    const onCrashed = pool.decode(poster('a'), spec);
    const onHealthy = pool.decode(poster('b'), spec);
    const queued = pool.decode(poster('c'), spec);
    workers[0].crash('script failed to load');
    await expect(onCrashed).rejects.toThrow('decode worker failed: script failed to load');
    expect(workers[0].terminated).toBe(true);
    workers[1].answer(1);
    expect(Array.from(await onHealthy)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(workers[1].received).toHaveLength(1); // 'c' went to the healthy worker
    workers[1].answer(2);
    expect((await queued)[0]).toBe(2);
  });

  it('rejects everything once every worker has crashed', async () => {
    const { pool, workers } = poolOf(1, 1);
    const inFlight = pool.decode(poster('a'), spec);
    const queued = pool.decode(poster('b'), spec);
    workers[0].crash('gone');
    await expect(inFlight).rejects.toThrow('decode worker failed: gone');
    await expect(queued).rejects.toThrow('every decode worker has failed');
    await expect(pool.decode(poster('c'), spec)).rejects.toThrow('every decode worker has failed');
  });

  it('dispose terminates the workers and rejects pending and later requests', async () => {
    const { pool, workers } = poolOf(1, 1);
    const inFlight = pool.decode(poster('a'), spec);
    const queued = pool.decode(poster('b'), spec);
    pool.dispose();
    expect(workers[0].terminated).toBe(true);
    await expect(inFlight).rejects.toThrow('disposed');
    await expect(queued).rejects.toThrow('disposed');
    await expect(pool.decode(poster('c'), spec)).rejects.toThrow('disposed');
    expect(pool.pending).toBe(0);
  });

  it('refuses a pool without workers', () => {
    expect(() => new DecodePool(0, () => new FakeDecodeWorker())).toThrow('at least one worker');
  });

  it('plugs into PosterPixelStore and posterBatches as their DecodeFn', async () => {
    const { pool, workers } = poolOf(2, 2);
    // Each fake worker answers as soon as it is asked, with the poster's number as every pixel.
    for (const worker of workers) {
      const post = worker.post.bind(worker);
      worker.post = (request) => {
        post(request);
        queueMicrotask(() => worker.answer(Number(request.file.size)));
      };
    }
    const items: PosterSourceItem[] = [1, 2, 3].map((n) => ({
      file: new Blob(['x'.repeat(n)]),
      name: `tt${n}.jpg`,
      labels: new Uint8Array([n % 2]),
    }));
    const store = new PosterPixelStore(spec, pool.decode, 1 << 20, () => {});
    const batches = [];
    for await (const batch of posterBatches(items, [2, 0, 1], 2, store, 1)) batches.push({ ...batch, pixels: batch.pixels.slice() });
    expect(batches.map((b) => b.indices)).toEqual([[2, 0], [1]]);
    expect(Array.from(batches[0].pixels)).toEqual([3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(batches[1].labels)).toEqual([0]);
  });
});

describe('defaultDecodeWorkerCount', () => {
  it('leaves two cores to the page and the training worker, within 1..4', () => {
    expect(defaultDecodeWorkerCount(undefined)).toBe(1);
    expect(defaultDecodeWorkerCount(2)).toBe(1);
    expect(defaultDecodeWorkerCount(4)).toBe(2);
    expect(defaultDecodeWorkerCount(16)).toBe(4);
  });
});
