/** Plain numbers in, plain numbers out: no tf, no DOM. */
export { averagePrecision, precisionRecallCurve, rocAuc } from './ranking';
export type { PrecisionRecallCurve } from './ranking';
export { confusionByGenre, f1FromConfusion, f1Macro, f1Micro, f1PerGenre, f1Samples } from './f1';
export type { GenreConfusion } from './f1';
export { tuneThresholds } from './thresholds';
export type { TuneThresholdsOptions } from './thresholds';
export { precisionAtK, recallAtK } from './topK';
export { BCE_EPSILON, binaryCrossEntropy } from './loss';
export { constantPriorBaseline } from './baseline';
export { evaluateMultiLabel } from './evaluate';
export { labelColumn, scoreColumn, uniformThresholds } from './layout';
export { thresholdSweep } from './sweep';
export type { ThresholdSweep } from './sweep';
export type { GenreMetrics, MultiLabelMetrics } from './types';
export { describeConstantPredictions, describeDegenerateFeatures } from './degenerate';
