import { describe, expect, it } from 'vitest';
import { OpfsPixelSpill } from './opfsPixelSpill';
import { PosterPixelStore } from './posterBatches';

describe('OpfsPixelSpill where there is no Origin Private File System (Node)', () => {
  it('keeps nothing, says why once, and the store decodes again', async () => {
    const notes: string[] = [];
    const spill = new OpfsPixelSpill(3, (note) => notes.push(note), 'run-1');
    expect(await spill.put(1, Uint8Array.of(1, 2, 3))).toBe(false);
    expect(await spill.put(2, Uint8Array.of(4, 5, 6))).toBe(false);
    expect(spill.has(1)).toBe(false);
    expect(await spill.read(1, new Uint8Array(3))).toBe(false);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^posters beyond the memory budget are decoded again each epoch: no disk cache here \(/);

    let decodes = 0;
    const store = new PosterPixelStore(
      { height: 1, width: 1, scaling: 'unit' },
      async () => (decodes++, Uint8Array.of(9, 9, 9)),
      0,
      () => {},
      spill,
    );
    const item = { file: new Blob(['x']), name: 'x.jpg', labels: Uint8Array.of(1) };
    const target = new Uint8Array(3);
    expect(await store.pixelsInto(0, item, target)).toBe(true);
    expect(await store.pixelsInto(0, item, target)).toBe(true);
    expect(Array.from(target)).toEqual([9, 9, 9]);
    expect(decodes).toBe(2);
    expect(store.report().notKept).toBe(1);
    await store.clear();
  });
});
