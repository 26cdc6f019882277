/**
 * The "learned nothing" reference: every poster gets each genre's training
 * prevalence. A model is only worth something by how far it beats this.
 * On any eval set it scores, per genre, AP = that genre's eval prevalence and
 * AUC = 0.5 (all scores tie); its label accuracy at 0.5 is the share of zeros.
 */

/**
 * Training prevalence per genre, repeated for every eval row:
 * Float32Array [evalRowCount * numGenres]. With no training rows every
 * prevalence is 0 (rather than NaN).
 */
export function constantPriorBaseline(trainLabels: Uint8Array, numTrainRows: number, numGenres: number, evalRowCount: number): Float32Array {
  if (trainLabels.length !== numTrainRows * numGenres) {
    throw new RangeError(`trainLabels has ${trainLabels.length} values, expected ${numTrainRows} rows x ${numGenres} genres`);
  }
  const prevalence = new Float64Array(numGenres);
  for (let i = 0; i < numTrainRows; i++) {
    for (let j = 0; j < numGenres; j++) if (trainLabels[i * numGenres + j] !== 0) prevalence[j]++;
  }
  if (numTrainRows > 0) for (let j = 0; j < numGenres; j++) prevalence[j] /= numTrainRows;

  const probs = new Float32Array(evalRowCount * numGenres);
  for (let i = 0; i < evalRowCount; i++) probs.set(prevalence, i * numGenres);
  return probs;
}
