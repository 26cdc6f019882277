import { predictedGenreIndices, trueGenreIndices } from './genreDecisions';

/**
 * The validation posters with the model's scores, in the layout of
 * `src/metrics/layout.ts`:
 *   probs  Float32Array [ids.length * numGenres], values in [0, 1]
 *   labels Uint8Array   [ids.length * numGenres], values 0/1
 * IMPORTANT: keep `files` referentially stable between renders; a new array
 * makes fresh object URLs for every poster.
 */
export interface ValidationPosters {
  ids: string[];
  /** [ids.length] when present; null when the images are not at hand (only scores are shown). */
  files: File[] | null;
  probs: Float32Array;
  labels: Uint8Array;
  /** [numGenres] decision thresholds: p >= threshold means predicted. */
  thresholds: number[];
}

/** One genre on one poster card. */
export interface GenreVerdict {
  genre: string;
  probability: number;
  /** For a true genre: was it predicted? For a predicted genre: is it true? */
  correct: boolean;
}

export interface PosterOutcome {
  /** Row in `ValidationPosters`. */
  index: number;
  id: string;
  /** Vocabulary order; `correct: false` = missed. */
  trueGenres: GenreVerdict[];
  /** Most probable first; `correct: false` = predicted but not true. */
  predictedGenres: GenreVerdict[];
  /** The predicted set differs from the true set (any of the kinds below). */
  mistake: boolean;
  /** The most probable genre is not one of the poster's (posters with at least one true genre). */
  topWrong: boolean;
  /** A true genre is below its threshold. */
  missed: boolean;
  /** A genre that is not the poster's is at or above its threshold. */
  falseAlarm: boolean;
}

/** The ways a multi-label prediction goes wrong, for filtering: exact-set mismatch alone flags nearly every poster. */
export const MISTAKE_KINDS = [
  { key: 'mistake', label: 'Any mistake (predicted set ≠ true set)' },
  { key: 'topWrong', label: 'Top genre wrong' },
  { key: 'missed', label: 'A true genre missed' },
  { key: 'falseAlarm', label: 'A false genre above its threshold' },
] as const;

export type MistakeKind = (typeof MISTAKE_KINDS)[number]['key'];

/** Why the buffers cannot be read as [ids x genres]; undefined when they can. */
export function validationPostersProblem(posters: ValidationPosters, numGenres: number): string | undefined {
  const cells = posters.ids.length * numGenres;
  if (posters.probs.length !== cells) return `probs has ${posters.probs.length} values, expected ${cells}`;
  if (posters.labels.length !== cells) return `labels has ${posters.labels.length} values, expected ${cells}`;
  if (posters.thresholds.length !== numGenres) return `expected ${numGenres} thresholds, got ${posters.thresholds.length}`;
  if (posters.files && posters.files.length !== posters.ids.length) {
    return `${posters.files.length} poster files for ${posters.ids.length} ids`;
  }
  return undefined;
}

export function posterOutcome(posters: ValidationPosters, genres: readonly string[], index: number): PosterOutcome {
  const numGenres = genres.length;
  const start = index * numGenres;
  const actual = trueGenreIndices(posters.labels, numGenres, index);
  const predicted = predictedGenreIndices(posters.probs, numGenres, index, posters.thresholds);
  const actualSet = new Set(actual);
  const predictedSet = new Set(predicted);
  const verdict = (j: number, correct: boolean): GenreVerdict => ({ genre: genres[j], probability: posters.probs[start + j], correct });
  const predictedGenres = predicted.map((j) => verdict(j, actualSet.has(j)));
  predictedGenres.sort((a, b) => b.probability - a.probability);
  let top = 0;
  for (let j = 1; j < numGenres; j++) if (posters.probs[start + j] > posters.probs[start + top]) top = j;
  const missed = actual.some((j) => !predictedSet.has(j));
  const falseAlarm = predicted.some((j) => !actualSet.has(j));
  return {
    index,
    id: posters.ids[index],
    trueGenres: actual.map((j) => verdict(j, predictedSet.has(j))),
    predictedGenres,
    mistake: missed || falseAlarm,
    topWrong: actual.length > 0 && !actualSet.has(top),
    missed,
    falseAlarm,
  };
}

export function posterOutcomes(posters: ValidationPosters, genres: readonly string[]): PosterOutcome[] {
  return posters.ids.map((_, index) => posterOutcome(posters, genres, index));
}
