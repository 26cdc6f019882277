/** The genre vocabulary: names <-> multi-hot vectors, and poster file names -> Ids. */

/** Poster file extensions the browser can decode, lower case with the dot. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.bmp'];

/**
 * Multi-hot vector over `genres` (the vocabulary, in column order): 1 where the
 * genre is named, else 0. Names are matched exactly; names outside the
 * vocabulary are ignored, since the vocabulary is what a model can output.
 */
export function multiHot(genreNames: readonly string[], genres: readonly string[]): Uint8Array {
  const labels = new Uint8Array(genres.length);
  for (const name of genreNames) {
    const index = genres.indexOf(name);
    if (index >= 0) labels[index] = 1;
  }
  return labels;
}

/** Genre names whose entry in `labels` is set, in vocabulary order. */
export function genresOf(labels: Uint8Array, genres: readonly string[]): string[] {
  return genres.filter((_, index) => labels[index] !== 0);
}

/**
 * Poster Id from a file name: the base name without its image extension
 * (`tt0086425.JPG` -> `tt0086425`), or null when the file is not a poster.
 *
 * Any folder part is dropped so that `webkitRelativePath`-style names work too.
 * Hidden files (leading dot) are not posters: macOS writes `._tt0086425.jpg`
 * resource forks next to every image when copying to a USB stick, and they are
 * not images even though the extension says so.
 */
export function posterIdFromFileName(name: string): string | null {
  const baseName = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  if (baseName.startsWith('.')) return null;
  const dot = baseName.lastIndexOf('.');
  if (dot <= 0) return null;
  const extension = baseName.slice(dot).toLowerCase();
  if (!IMAGE_EXTENSIONS.includes(extension)) return null;
  return baseName.slice(0, dot);
}
