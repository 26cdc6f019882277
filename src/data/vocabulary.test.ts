import { describe, expect, it } from 'vitest';
import { IMAGE_EXTENSIONS, genresOf, multiHot, posterIdFromFileName } from './vocabulary';

const GENRES = ['Action', 'Comedy', 'Drama', 'N/A'];

describe('multiHot / genresOf', () => {
  it('encodes names as 0/1 in vocabulary order and back', () => {
    const labels = multiHot(['Drama', 'Action'], GENRES);
    expect(Array.from(labels)).toEqual([1, 0, 1, 0]);
    expect(genresOf(labels, GENRES)).toEqual(['Action', 'Drama']);
  });

  it('ignores names outside the vocabulary', () => {
    expect(Array.from(multiHot(['Western', 'N/A'], GENRES))).toEqual([0, 0, 0, 1]);
    expect(genresOf(new Uint8Array(4), GENRES)).toEqual([]);
  });
});

describe('posterIdFromFileName', () => {
  it('strips any image extension, case-insensitively', () => {
    expect(IMAGE_EXTENSIONS).toEqual(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.bmp']);
    expect(posterIdFromFileName('tt0086425.jpg')).toBe('tt0086425');
    expect(posterIdFromFileName('tt0086425.JPEG')).toBe('tt0086425');
    expect(posterIdFromFileName('my poster.v2.PNG')).toBe('my poster.v2');
    expect(posterIdFromFileName('a.webp')).toBe('a');
    expect(posterIdFromFileName('a.gif')).toBe('a');
    expect(posterIdFromFileName('a.bmp')).toBe('a');
  });

  it('returns null for files that are not posters', () => {
    expect(posterIdFromFileName('labels.csv')).toBeNull();
    expect(posterIdFromFileName('.DS_Store')).toBeNull();
    expect(posterIdFromFileName('._tt0086425.jpg')).toBeNull();
    expect(posterIdFromFileName('.jpg')).toBeNull();
    expect(posterIdFromFileName('README')).toBeNull();
  });

  it('drops a folder part', () => {
    expect(posterIdFromFileName('images/tt1.jpg')).toBe('tt1');
    expect(posterIdFromFileName('images\\tt1.jpg')).toBe('tt1');
  });
});
