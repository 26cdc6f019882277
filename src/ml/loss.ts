import * as tf from '@tensorflow/tfjs';

const EPSILON = 1e-7;

/**
 * Mean binary cross-entropy over every (poster, genre) label, computed from
 * sigmoid probabilities as Keras and PyTorch's BCELoss do.
 * `positiveWeight` ([genres]) scales the loss of positive labels, the usual
 * counter to ~91% of labels being 0 (PyTorch's BCEWithLogits pos_weight).
 */
export function binaryCrossEntropy(labels: tf.Tensor2D, probs: tf.Tensor2D, positiveWeight?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const p = probs.clipByValue(EPSILON, 1 - EPSILON);
    const positive = labels.mul(p.log());
    const weightedPositive = positiveWeight ? positive.mul(positiveWeight) : positive;
    const negative = tf.scalar(1).sub(labels).mul(tf.scalar(1).sub(p).log());
    return weightedPositive.add(negative).neg().mean() as tf.Scalar;
  });
}
