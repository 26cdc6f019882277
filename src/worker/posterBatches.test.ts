import { describe, expect, it } from 'vitest';
import type { InputIssue } from '../data/types';
import type { InputSpec } from '../data/inputSpec';
import { MemoryPixelSpill, type PixelSpill } from './pixelSpill';
import { describePixelStore, PosterPixelStore, posterBatches, type PosterSourceItem } from './posterBatches';

const SPEC: InputSpec = { height: 2, width: 2, scaling: 'unit' };
const BYTES = 2 * 2 * 3;

/** Five posters, each a flat colour from its index; "bad" does not decode. */
function items(): PosterSourceItem[] {
  return ['p0', 'p1', 'p2', 'p3', 'bad'].map((name, i) => ({
    file: new Blob([name]),
    name: `${name}.jpg`,
    labels: Uint8Array.of(i % 2, 1 - (i % 2)),
  }));
}

function countingDecode() {
  const calls: string[] = [];
  const decode = async (file: Blob) => {
    const text = await file.text();
    calls.push(text);
    if (text === 'bad') throw new Error('not a decodable image');
    return new Uint8Array(BYTES).fill(10 + Number(text.slice(1)));
  };
  return { calls, decode };
}

async function epoch(store: PosterPixelStore, list: PosterSourceItem[], order: number[]) {
  const batches = [];
  // A batch's buffer is reused once the next is asked for: keep copies.
  for await (const batch of posterBatches(list, order, 2, store, 2)) batches.push({ ...batch, pixels: batch.pixels.slice() });
  return batches;
}

describe('posterBatches', () => {
  it('closes the gap an unreadable poster leaves, and reuses prefetch + 1 buffers', async () => {
    const list = items();
    const { decode } = countingDecode();
    const store = new PosterPixelStore(SPEC, decode, 0, () => {});
    const buffers = new Set<ArrayBufferLike>();
    const rows: number[][] = [];
    // "bad" (4) sits in the middle of the first batch.
    for await (const batch of posterBatches(list, [0, 4, 1, 2, 3, 0, 1, 2, 3, 0], 2, store, 2, 2)) {
      buffers.add(batch.pixels.buffer);
      expect(batch.pixels.length).toBe(batch.size * BYTES);
      // Row r holds the colour of the poster indices[r] names: 10 + its number.
      rows.push(batch.indices.map((index, r) => (batch.pixels[r * BYTES] === 10 + index ? index : -1)));
    }
    expect(rows).toEqual([[0], [1, 2], [3, 0], [1, 2], [3, 0]]);
    expect(buffers.size).toBe(3);
  });
});

describe('PosterPixelStore', () => {
  it('keeps what fits in memory, spills the rest and decodes nothing after the first epoch', async () => {
    const list = items();
    const { calls, decode } = countingDecode();
    const spill = new MemoryPixelSpill();
    const skipped: InputIssue[] = [];
    // Room for two posters in memory.
    const store = new PosterPixelStore(SPEC, decode, 2 * BYTES, (issue) => skipped.push(issue), spill);
    const order = [0, 1, 2, 3, 4];

    const first = await epoch(store, list, order);
    expect(calls).toHaveLength(5);
    expect(store.report()).toEqual({
      inMemory: { posters: 2, bytes: 2 * BYTES },
      spilled: { posters: 2, bytes: 2 * BYTES, where: 'in a memory spill' },
      notKept: 0,
      decoded: 4,
      readFromSpill: 0,
    });
    expect(describePixelStore(store.report())).toBe('decoded posters kept for the next epochs: 4 (2 in memory (0 MB), 2 in a memory spill (0 MB))');

    const second = await epoch(store, list, [3, 2, 1, 0, 4]);
    expect(calls).toHaveLength(5); // neither the kept posters nor the known-bad one are decoded again
    expect(store.report().readFromSpill).toBe(2);
    expect(skipped.map((issue) => issue.file)).toEqual(['bad.jpg']);
    // Read back from the spill, the pixels are the decoded ones.
    const pixelsOf = (batches: typeof first) =>
      new Map(batches.flatMap((b) => b.indices.map((index, row) => [index, b.pixels.slice(row * BYTES, (row + 1) * BYTES)])));
    expect(pixelsOf(second)).toEqual(pixelsOf(first));

    await store.clear();
    expect(spill.posters).toBe(0);
    // A prefetched batch that finishes after a stop keeps nothing more.
    await epoch(store, list, [0, 1, 2, 3]);
    expect(spill.posters).toBe(0);
  });

  it('decodes again what neither memory nor the spill can hold, and says so', async () => {
    const list = items().slice(0, 4);
    const { calls, decode } = countingDecode();
    const store = new PosterPixelStore(SPEC, decode, BYTES, () => {}, new MemoryPixelSpill(1));
    await epoch(store, list, [0, 1, 2, 3]);
    expect(describePixelStore(store.report())).toBe(
      'decoded posters kept for the next epochs: 2 (1 in memory (0 MB), 1 in a memory spill (0 MB)); 2 do not fit and are decoded again each epoch',
    );
    await epoch(store, list, [0, 1, 2, 3]);
    expect(calls).toHaveLength(6);
  });

  it('decodes again when the spill fails, and never fails the batch', async () => {
    const broken: PixelSpill = {
      where: 'nowhere',
      posters: 0,
      bytes: 0,
      put: async () => false,
      has: () => false,
      read: async () => false,
      clear: async () => {},
    };
    const { calls, decode } = countingDecode();
    const store = new PosterPixelStore(SPEC, decode, 0, () => {}, broken);
    const list = items().slice(0, 2);
    expect((await epoch(store, list, [0, 1]))[0].size).toBe(2);
    expect((await epoch(store, list, [0, 1]))[0].size).toBe(2);
    expect(calls).toHaveLength(4);
    expect(describePixelStore(store.report())).toContain('2 do not fit');
  });
});
