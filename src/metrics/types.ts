/**
 * Result shapes of `evaluateMultiLabel`. Plain numbers only, so they can be
 * posted from the worker and shown as-is. null means "undefined on this data"
 * (e.g. no positives to rank), shown as a dash rather than a misleading 0.
 */

export interface GenreMetrics {
  /** Samples truly in this genre. */
  support: number;
  /** Average precision; null when support is 0. */
  ap: number | null;
  /** ROC AUC; null when the genre is on every sample or on none. */
  auc: number | null;
  /** Decision threshold used for `f1` (the given one, or 0.5). */
  threshold: number;
  /** F1 at `threshold`; 0 when there are no positives and none predicted. */
  f1: number;
}

export interface MultiLabelMetrics {
  numSamples: number;
  numGenres: number;
  /** Mean binary cross-entropy (the training loss), eps-clipped like tfjs. */
  bce: number | null;
  /**
   * Share of all sample x genre labels right at p > 0.5 (tfjs `binaryAccuracy`).
   * IMPORTANT: with ~91% zeros, predicting nothing already scores ~0.91.
   */
  labelAccuracy: number | null;
  /** Mean AP over genres with at least one positive (`apGenresUsed` of them). */
  mapMacro: number | null;
  apGenresUsed: number;
  /** AP of all sample x genre scores ranked together. */
  mapMicro: number | null;
  /** Mean ROC AUC over genres with both classes present (`aucGenresUsed` of them). */
  aucMacro: number | null;
  aucGenresUsed: number;
  f1MicroAt05: number | null;
  /** Over genres with at least one positive; see `f1Macro`. */
  f1MacroAt05: number | null;
  /** Samples with no true and no predicted genre count as 1; see `f1Samples`. */
  f1SamplesAt05: number | null;
  /** At the given per-genre thresholds (0.5 when none were given). */
  f1MicroTuned: number | null;
  f1MacroTuned: number | null;
  f1SamplesTuned: number | null;
  /** Whether per-genre thresholds were given; if false the Tuned values equal the At05 ones. */
  thresholdsGiven: boolean;
  /** Over samples with at least one true genre. */
  precisionAt1: number | null;
  recallAt3: number | null;
  /** [numGenres], in vocabulary order. */
  perGenre: GenreMetrics[];
}
