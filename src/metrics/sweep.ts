/**
 * The cumulative confusion counts behind AP, ROC AUC, the PR curve and
 * threshold tuning (sklearn's `_binary_clf_curve`), computed with one sort.
 */

export interface ThresholdSweep {
  /** Distinct scores, descending. Equal scores form one threshold (ties are never split). */
  thresholds: number[];
  /** truePositives[k]: positives with score >= thresholds[k]. Non-decreasing. */
  truePositives: number[];
  /** falsePositives[k]: negatives with score >= thresholds[k]. Non-decreasing. */
  falsePositives: number[];
  /** Total positives (label != 0). */
  positives: number;
  /** Total negatives (label == 0). */
  negatives: number;
}

/**
 * Labels are 0/1; any nonzero label counts as positive.
 * IMPORTANT: scores must not be NaN (the sort order would be undefined).
 */
export function thresholdSweep(scores: ArrayLike<number>, labels: ArrayLike<number>): ThresholdSweep {
  if (scores.length !== labels.length) {
    throw new RangeError(`scores has ${scores.length} values but labels has ${labels.length}`);
  }
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b] - scores[a]);

  const thresholds: number[] = [];
  const truePositives: number[] = [];
  const falsePositives: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const index = order[k];
    if (labels[index] !== 0) tp++;
    else fp++;
    // Emit a point only after the last member of a tie group, so a threshold
    // always admits all samples with that score or none of them.
    const next = order[k + 1];
    if (k === order.length - 1 || scores[next] !== scores[index]) {
      thresholds.push(scores[index]);
      truePositives.push(tp);
      falsePositives.push(fp);
    }
  }
  return { thresholds, truePositives, falsePositives, positives: tp, negatives: fp };
}
