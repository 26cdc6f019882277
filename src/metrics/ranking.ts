/**
 * Threshold-free binary ranking metrics. They judge how well a score orders
 * positives above negatives, so they are meaningful even when ~91% of labels
 * are 0 and every probability sits below 0.5.
 */
import { thresholdSweep } from './sweep';

/** Points of a precision-recall curve, in sklearn's order (thresholds ascending). */
export interface PrecisionRecallCurve {
  /** precision[k] at thresholds[k]; one extra final point of 1 (recall 0, nothing predicted). */
  precision: number[];
  /** recall[k] at thresholds[k]; one extra final point of 0. Non-increasing. */
  recall: number[];
  /** Distinct scores, ascending; length = precision.length - 1. */
  thresholds: number[];
}

/**
 * Average precision as sklearn's `average_precision_score`:
 * AP = sum over distinct thresholds k (descending) of (R_k - R_{k-1}) * P_k, R_0 = 0.
 * Step-wise (no interpolation), so it does not overstate like the trapezoid rule.
 * Equal scores are one threshold, so the result does not depend on input order.
 *
 * Returns null when there are no positives (sklearn warns and returns 0; a 0
 * would drag a mean down for a genre that simply is not in this split).
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const sweep = thresholdSweep(scores, labels);
  if (sweep.positives === 0) return null;
  let ap = 0;
  let previousRecall = 0;
  for (let k = 0; k < sweep.thresholds.length; k++) {
    const tp = sweep.truePositives[k];
    const recall = tp / sweep.positives;
    const precision = tp / (tp + sweep.falsePositives[k]);
    ap += (recall - previousRecall) * precision;
    previousRecall = recall;
  }
  return ap;
}

/**
 * ROC AUC as the Mann-Whitney U statistic: the probability that a random
 * positive scores above a random negative, a tie counting 1/2. This is what
 * average ranks give, and equals sklearn's `roc_auc_score` (trapezoid ROC).
 *
 * Returns null when only one class is present (never throws for that), since
 * no positive-negative pair exists to compare.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const sweep = thresholdSweep(scores, labels);
  if (sweep.positives === 0 || sweep.negatives === 0) return null;
  // Walk tie groups from the top. Each positive in a group beats every negative
  // below the group and half-beats every negative inside it.
  let wins = 0;
  let tpAbove = 0;
  let fpAbove = 0;
  for (let k = 0; k < sweep.thresholds.length; k++) {
    const positivesHere = sweep.truePositives[k] - tpAbove;
    const negativesHere = sweep.falsePositives[k] - fpAbove;
    const negativesBelow = sweep.negatives - sweep.falsePositives[k];
    wins += positivesHere * (negativesBelow + 0.5 * negativesHere);
    tpAbove = sweep.truePositives[k];
    fpAbove = sweep.falsePositives[k];
  }
  return wins / (sweep.positives * sweep.negatives);
}

/**
 * Precision and recall at every distinct score, as sklearn's
 * `precision_recall_curve` (drop_intermediate=False, not truncated at full recall).
 * Empty arrays when there are no positives: recall would be 0/0 everywhere and
 * there is no curve worth drawing.
 */
export function precisionRecallCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): PrecisionRecallCurve {
  const sweep = thresholdSweep(scores, labels);
  if (sweep.positives === 0) return { precision: [], recall: [], thresholds: [] };
  const precision: number[] = [];
  const recall: number[] = [];
  const thresholds: number[] = [];
  for (let k = sweep.thresholds.length - 1; k >= 0; k--) {
    const tp = sweep.truePositives[k];
    // tp + fp >= 1 at every emitted threshold, so no division by zero.
    precision.push(tp / (tp + sweep.falsePositives[k]));
    recall.push(tp / sweep.positives);
    thresholds.push(sweep.thresholds[k]);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds };
}
