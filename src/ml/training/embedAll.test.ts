import { describe, expect, it } from 'vitest';
import { embedAll, embeddingKey, MemoryEmbeddingStore, type EmbeddingStore, type FileIdentity } from './embedAll';

const DIM = 3;

function files(count: number): FileIdentity[] {
  return Array.from({ length: count }, (_, i) => ({ name: `poster${i}.jpg`, contentDigest: `digest${1000 + i}` }));
}

/** The number in a test file's digest. */
const valueOf = (file: FileIdentity) => Number(file.contentDigest.slice('digest'.length));

/** Fake backbone: row i of file with digest "digest<s>" is [s, s + 1, s + 2]; records every call. */
function fakeCompute(list: readonly FileIdentity[]) {
  const calls: number[][] = [];
  const computeBatch = async (indices: number[]) => {
    calls.push(indices);
    return Float32Array.from(indices.flatMap((i) => [valueOf(list[i]), valueOf(list[i]) + 1, valueOf(list[i]) + 2]));
  };
  return { calls, computeBatch };
}

function expectedFeatures(list: readonly FileIdentity[]): number[] {
  return list.flatMap((file) => [valueOf(file), valueOf(file) + 1, valueOf(file) + 2]);
}

describe('embeddingKey', () => {
  it('follows the backbone and the bytes, not the name (issue 14, case 8)', () => {
    const file = { name: 'a.jpg', contentDigest: 'ab12' };
    const key = embeddingKey('mobilenet_v2_035_224', file);
    expect(embeddingKey('mobilenet_v2_035_224', { ...file, name: 'b.jpg' })).toBe(key);
    expect(embeddingKey('mobilenet_v2_100_224', file)).not.toBe(key);
    // Another poster under the same name (and size, and date): another key.
    expect(embeddingKey('mobilenet_v2_035_224', { ...file, contentDigest: 'cd34' })).not.toBe(key);
  });
});

describe('embedAll', () => {
  it('computes misses in batches, then serves a second run entirely from the cache', async () => {
    const list = files(5);
    const store = new MemoryEmbeddingStore();
    const first = fakeCompute(list);
    const progress: number[] = [];
    const run1 = await embedAll({
      files: list,
      store,
      backboneId: 'b',
      featureDim: DIM,
      computeBatch: first.computeBatch,
      batchSize: 2,
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(first.calls).toEqual([[0, 1], [2, 3], [4]]);
    expect(run1).toMatchObject({ hits: 0, misses: 5, stopped: false, cacheError: undefined });
    expect(Array.from(run1.features)).toEqual(expectedFeatures(list));
    expect(progress).toEqual([0, 0.4, 0.8, 1]);
    expect(store.size).toBe(5);

    const second = fakeCompute(list);
    const run2 = await embedAll({ files: list, store, backboneId: 'b', featureDim: DIM, computeBatch: second.computeBatch, batchSize: 2 });
    expect(second.calls).toEqual([]);
    expect(run2).toMatchObject({ hits: 5, misses: 0 });
    expect(Array.from(run2.features)).toEqual(expectedFeatures(list));
  });

  it('announces each next batch of misses before computing the current one, so it can be decoded meanwhile', async () => {
    const list = files(6);
    const store = new MemoryEmbeddingStore();
    await store.put(embeddingKey('b', list[2]), Float32Array.from([1002, 1003, 1004]));
    const events: string[] = [];
    const compute = fakeCompute(list);
    await embedAll({
      files: list,
      store,
      backboneId: 'b',
      featureDim: DIM,
      batchSize: 2,
      willCompute: (indices) => events.push(`next ${indices.join(',')}`),
      computeBatch: (indices) => {
        events.push(`compute ${indices.join(',')}`);
        return compute.computeBatch(indices);
      },
    });
    // Misses are 0,1,3,4,5 (2 is cached): the last batch has no successor to announce.
    expect(events).toEqual(['next 3,4', 'compute 0,1', 'next 5', 'compute 3,4', 'compute 5']);
  });

  it('recomputes a file whose bytes changed, or for another backbone', async () => {
    const list = files(4);
    const store = new MemoryEmbeddingStore();
    await embedAll({ files: list, store, backboneId: 'b', featureDim: DIM, computeBatch: fakeCompute(list).computeBatch, batchSize: 8 });
    const edited = [...list];
    edited[1] = { ...list[1], contentDigest: 'digest5000' };
    edited[3] = { ...list[3], contentDigest: 'digest7000' };
    const again = fakeCompute(edited);
    const run = await embedAll({ files: edited, store, backboneId: 'b', featureDim: DIM, computeBatch: again.computeBatch, batchSize: 8 });
    expect(again.calls).toEqual([[1, 3]]);
    expect(run).toMatchObject({ hits: 2, misses: 2 });
    expect(Array.from(run.features)).toEqual(expectedFeatures(edited));

    const other = fakeCompute(list);
    await embedAll({ files: list, store, backboneId: 'other', featureDim: DIM, computeBatch: other.computeBatch, batchSize: 8 });
    expect(other.calls).toEqual([[0, 1, 2, 3]]);
  });

  it('treats a cached row of the wrong length as a miss', async () => {
    const list = files(2);
    const store = new MemoryEmbeddingStore();
    await store.put(embeddingKey('b', list[0]), Float32Array.of(1, 2));
    const compute = fakeCompute(list);
    const run = await embedAll({ files: list, store, backboneId: 'b', featureDim: DIM, computeBatch: compute.computeBatch, batchSize: 8 });
    expect(compute.calls).toEqual([[0, 1]]);
    expect(run.hits).toBe(0);
  });

  it('stops between batches, keeping what it stored', async () => {
    const list = files(6);
    const store = new MemoryEmbeddingStore();
    const compute = fakeCompute(list);
    const run = await embedAll({
      files: list,
      store,
      backboneId: 'b',
      featureDim: DIM,
      computeBatch: compute.computeBatch,
      batchSize: 2,
      shouldStop: () => compute.calls.length >= 2,
    });
    expect(run.stopped).toBe(true);
    expect(compute.calls).toHaveLength(2);
    expect(store.size).toBe(4);
  });

  it('still returns every feature when the cache fails, and says why', async () => {
    const list = files(3);
    const broken: EmbeddingStore = {
      get: async () => undefined,
      put: async () => undefined,
      getMany: async () => {
        throw new Error('QuotaExceededError');
      },
      putMany: async () => undefined,
      clear: async () => undefined,
    };
    const run = await embedAll({
      files: list,
      store: broken,
      backboneId: 'b',
      featureDim: DIM,
      computeBatch: fakeCompute(list).computeBatch,
      batchSize: 2,
    });
    expect(Array.from(run.features)).toEqual(expectedFeatures(list));
    expect(run.cacheError).toBe('embedding cache unreadable: QuotaExceededError');
  });

  it('rejects a computeBatch result of the wrong size', async () => {
    const list = files(2);
    await expect(
      embedAll({
        files: list,
        store: new MemoryEmbeddingStore(),
        backboneId: 'b',
        featureDim: DIM,
        computeBatch: async () => new Float32Array(1),
        batchSize: 2,
      }),
    ).rejects.toThrow(/computeBatch returned 1 values for 2 posters x 3 features/);
  });
});
