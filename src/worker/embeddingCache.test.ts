import { describe, expect, it } from 'vitest';
import { contentDigests } from './embeddingCache';

describe('contentDigests', () => {
  it('tells posters apart by their bytes, not their names (issue 14, case 8)', async () => {
    const same = [new File(['poster A'], 'x.jpg'), new File(['poster A'], 'y.jpg'), new File(['poster B'], 'x.jpg')];
    const [a, aRenamed, b] = await contentDigests(same, 2);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(aRenamed).toBe(a);
    expect(b).not.toBe(a);
  });
});
