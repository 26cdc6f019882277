/**
 * Per-genre decision thresholds. With ~91% zeros a sigmoid trained on binary
 * cross-entropy rarely puts a rare genre above 0.5, so a single 0.5 cut-off
 * predicts almost nothing; a threshold per genre, tuned for F1, fixes that.
 *
 * IMPORTANT: F1 measured on the same rows the thresholds were tuned on is
 * optimistic. Tune on validation, and report it as such.
 */
import { sampleCount, scoreColumn, labelColumn } from './layout';
import { thresholdSweep } from './sweep';

export interface TuneThresholdsOptions {
  /** Genres with fewer positives than this get `fallbackThreshold`. Default 3. */
  minPositives?: number;
  /** Used for genres with too few positives. Default 0.5. */
  fallbackThreshold?: number;
  /** Lowest threshold returned. Default 0.05. */
  minThreshold?: number;
  /** Highest threshold returned. Default 0.95. */
  maxThreshold?: number;
}

/**
 * For each genre, the threshold that maximises F1 on these rows: [numGenres].
 *
 * Candidates are the distinct predicted scores; the chosen cut-off sits at the
 * midpoint between the best score and the next lower one, so new samples that
 * score a little differently fall on the side the data supports. When several
 * cut-offs tie on F1 the highest wins (fewest predictions). If predicting every
 * row is best, the lowest score itself is returned.
 *
 * Genres with fewer than `minPositives` positives get `fallbackThreshold`:
 * with one or two positives the F1-optimal cut-off just sits under those few
 * scores, which fits noise and says nothing about unseen posters; 0.5 is the
 * neutral rule for a sigmoid output.
 *
 * Results are clamped to [minThreshold, maxThreshold] so one odd validation
 * set cannot produce a genre that fires on everything or on nothing.
 */
export function tuneThresholds(probs: Float32Array, labels: Uint8Array, numGenres: number, options: TuneThresholdsOptions = {}): number[] {
  const { minPositives = 3, fallbackThreshold = 0.5, minThreshold = 0.05, maxThreshold = 0.95 } = options;
  if (!(minThreshold <= maxThreshold)) {
    throw new RangeError(`minThreshold ${minThreshold} is above maxThreshold ${maxThreshold}`);
  }
  sampleCount(probs, labels, numGenres);
  const clamp = (value: number): number => Math.min(maxThreshold, Math.max(minThreshold, value));

  const thresholds: number[] = [];
  for (let genre = 0; genre < numGenres; genre++) {
    const sweep = thresholdSweep(scoreColumn(probs, numGenres, genre), labelColumn(labels, numGenres, genre));
    if (sweep.positives === 0 || sweep.positives < minPositives) {
      thresholds.push(clamp(fallbackThreshold));
      continue;
    }
    let bestF1 = -1;
    let best = 0;
    for (let k = 0; k < sweep.thresholds.length; k++) {
      // F1 = 2TP / (2TP + FP + FN) and TP + FN = all positives.
      const tp = sweep.truePositives[k];
      const f1 = (2 * tp) / (tp + sweep.falsePositives[k] + sweep.positives);
      if (f1 > bestF1) {
        bestF1 = f1;
        best = k;
      }
    }
    const isLowest = best === sweep.thresholds.length - 1;
    const cutOff = isLowest ? sweep.thresholds[best] : (sweep.thresholds[best] + sweep.thresholds[best + 1]) / 2;
    thresholds.push(clamp(cutOff));
  }
  return thresholds;
}
