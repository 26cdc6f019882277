import { describe, expect, it } from 'vitest';
import { posterOutcome, posterOutcomes, validationPostersProblem, type ValidationPosters } from './validationPosters';

const genres = ['Action', 'Comedy', 'Drama'];

// Three posters: exactly right, one missed + one wrong, nothing true and nothing predicted.
const posters: ValidationPosters = {
  ids: ['right', 'mixed', 'empty'],
  files: null,
  probs: Float32Array.from([0.8, 0.1, 0.6, 0.7, 0.2, 0.3, 0.1, 0.1, 0.1]),
  labels: Uint8Array.from([1, 0, 1, 0, 0, 1, 0, 0, 0]),
  thresholds: [0.5, 0.5, 0.25],
};

describe('posterOutcome', () => {
  it('is no mistake when the predicted set equals the true set', () => {
    const outcome = posterOutcome(posters, genres, 0);
    expect(outcome.mistake).toBe(false);
    expect(outcome.trueGenres.map((v) => [v.genre, v.correct])).toEqual([
      ['Action', true],
      ['Drama', true],
    ]);
    // Most probable first.
    expect(outcome.predictedGenres.map((v) => v.genre)).toEqual(['Action', 'Drama']);
  });

  it('marks a missed true genre and a wrong prediction, using per-genre thresholds (p >= t)', () => {
    const outcome = posterOutcome(posters, genres, 1);
    expect(outcome.mistake).toBe(true);
    // Drama 0.3 >= 0.25 is predicted and true; Action 0.7 is predicted but not true.
    expect(outcome.trueGenres).toEqual([{ genre: 'Drama', probability: expect.closeTo(0.3, 6), correct: true }]);
    expect(outcome.predictedGenres.map((v) => [v.genre, v.correct])).toEqual([
      ['Action', false],
      ['Drama', true],
    ]);
  });

  it('counts a missed genre alone as a mistake', () => {
    const missed: ValidationPosters = { ...posters, ids: ['a'], probs: Float32Array.from([0.1, 0.1, 0.1]), labels: Uint8Array.from([0, 1, 0]) };
    const outcome = posterOutcome(missed, genres, 0);
    expect(outcome.mistake).toBe(true);
    expect(outcome.trueGenres).toEqual([{ genre: 'Comedy', probability: expect.closeTo(0.1, 6), correct: false }]);
    expect(outcome.predictedGenres).toEqual([]);
  });

  it('tells the kinds of mistake apart: top genre wrong, a true genre missed, a false genre above threshold', () => {
    const kinds = (k: number) => {
      const { topWrong, missed, falseAlarm } = posterOutcome(posters, genres, k);
      return { topWrong, missed, falseAlarm };
    };
    expect(kinds(0)).toEqual({ topWrong: false, missed: false, falseAlarm: false });
    // "mixed": Action (0.7, not true) is on top and above threshold; Drama is caught.
    expect(kinds(1)).toEqual({ topWrong: true, missed: false, falseAlarm: true });
    // No true genre: the top genre cannot be wrong, and nothing passes its threshold.
    expect(kinds(2)).toEqual({ topWrong: false, missed: false, falseAlarm: false });
    const missedOnly: ValidationPosters = { ...posters, ids: ['a'], probs: Float32Array.from([0.1, 0.4, 0.2]), labels: Uint8Array.from([0, 1, 0]) };
    const outcome = posterOutcome(missedOnly, genres, 0);
    expect([outcome.topWrong, outcome.missed, outcome.falseAlarm]).toEqual([false, true, false]);
  });

  it('treats no true and no predicted genres as right', () => {
    expect(posterOutcome(posters, genres, 2).mistake).toBe(false);
    expect(posterOutcomes(posters, genres).map((o) => [o.id, o.mistake])).toEqual([
      ['right', false],
      ['mixed', true],
      ['empty', false],
    ]);
  });
});

describe('validationPostersProblem', () => {
  it('accepts a consistent layout', () => {
    expect(validationPostersProblem(posters, 3)).toBeUndefined();
  });

  it('names the mismatch', () => {
    expect(validationPostersProblem({ ...posters, probs: new Float32Array(8) }, 3)).toBe('probs has 8 values, expected 9');
    expect(validationPostersProblem({ ...posters, labels: new Uint8Array(3) }, 3)).toBe('labels has 3 values, expected 9');
    expect(validationPostersProblem({ ...posters, thresholds: [0.5] }, 3)).toBe('expected 3 thresholds, got 1');
    expect(validationPostersProblem({ ...posters, files: [] }, 3)).toBe('0 poster files for 3 ids');
  });
});
