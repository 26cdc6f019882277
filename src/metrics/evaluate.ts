/** Every number the Evaluate view shows, from one set of predictions. */
import { averagePrecision, rocAuc } from './ranking';
import { confusionByGenre, f1FromConfusion, f1Macro, f1Micro, f1Samples } from './f1';
import { checkThresholds, labelColumn, sampleCount, scoreColumn, uniformThresholds } from './layout';
import { binaryCrossEntropy } from './loss';
import { precisionAtK, recallAtK } from './topK';
import type { GenreMetrics, MultiLabelMetrics } from './types';

function labelAccuracyAtHalf(probs: Float32Array, labels: Uint8Array): number | null {
  if (probs.length === 0) return null;
  let correct = 0;
  for (let i = 0; i < probs.length; i++) {
    // Strictly greater, as tfjs `binaryAccuracy`, so this matches the number
    // the training loop reports (it differs when a fresh head outputs exactly 0.5).
    if (probs[i] > 0.5 === (labels[i] !== 0)) correct++;
  }
  return correct / probs.length;
}

function meanOfPresent(values: Array<number | null>): { mean: number | null; used: number } {
  let sum = 0;
  let used = 0;
  for (const value of values) {
    if (value === null) continue;
    sum += value;
    used++;
  }
  return { mean: used === 0 ? null : sum / used, used };
}

/**
 * probs: Float32Array [numSamples * numGenres] in [0, 1]; labels: Uint8Array,
 * same layout, 0/1. `thresholds` (one per genre, e.g. from `tuneThresholds`
 * on validation) feed the *Tuned F1 values and perGenre; without them 0.5 is used.
 */
export function evaluateMultiLabel(probs: Float32Array, labels: Uint8Array, numGenres: number, thresholds?: ArrayLike<number>): MultiLabelMetrics {
  const numSamples = sampleCount(probs, labels, numGenres);
  if (thresholds !== undefined) checkThresholds(thresholds, numGenres);
  const atHalf = uniformThresholds(numGenres, 0.5);
  const tuned = thresholds === undefined ? atHalf : Array.from(thresholds);

  const confusion = confusionByGenre(probs, labels, numGenres, tuned);
  const perGenre: GenreMetrics[] = confusion.map((counts, genre) => {
    const scores = scoreColumn(probs, numGenres, genre);
    const truth = labelColumn(labels, numGenres, genre);
    return {
      support: counts.support,
      ap: averagePrecision(scores, truth),
      auc: rocAuc(scores, truth),
      threshold: tuned[genre],
      f1: f1FromConfusion(counts),
    };
  });
  const map = meanOfPresent(perGenre.map((genre) => genre.ap));
  const auc = meanOfPresent(perGenre.map((genre) => genre.auc));

  return {
    numSamples,
    numGenres,
    bce: binaryCrossEntropy(probs, labels),
    labelAccuracy: labelAccuracyAtHalf(probs, labels),
    mapMacro: map.mean,
    apGenresUsed: map.used,
    mapMicro: averagePrecision(probs, labels),
    aucMacro: auc.mean,
    aucGenresUsed: auc.used,
    f1MicroAt05: f1Micro(probs, labels, numGenres, atHalf),
    f1MacroAt05: f1Macro(probs, labels, numGenres, atHalf),
    f1SamplesAt05: f1Samples(probs, labels, numGenres, atHalf),
    f1MicroTuned: f1Micro(probs, labels, numGenres, tuned),
    f1MacroTuned: f1Macro(probs, labels, numGenres, tuned),
    f1SamplesTuned: f1Samples(probs, labels, numGenres, tuned),
    thresholdsGiven: thresholds !== undefined,
    precisionAt1: precisionAtK(probs, labels, numGenres, 1),
    recallAt3: recallAtK(probs, labels, numGenres, 3),
    perGenre,
  };
}
