import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../lib/random';
import { augmentBatch, type AugmentOptions } from './augment';
import { setTrainableDeep } from './backbones';
import type { InputSpec } from '../data/inputSpec';
import { pixelsToInput } from './preprocess';
import type { PixelBatch, StepResult } from './trainStep';
import { genreLoss, regularizationLoss, splitClassifier, trainableVariables, type LossOptions } from './transferHead';

function isBatchNorm(layer: tf.layers.Layer): boolean {
  return layer.getClassName() === 'BatchNormalization';
}

/** Every non-container layer inside `layer`, in topological order (nested models flattened). */
function leafLayers(layer: tf.layers.Layer): tf.layers.Layer[] {
  return layer instanceof tf.LayersModel ? layer.layers.flatMap(leafLayers) : [layer];
}

export interface UnfreezeReport {
  /** Backbone layers now trainable, bottom to top. */
  unfrozen: string[];
  /** Trainable parameters of the whole classifier (head included). */
  trainableParams: number;
}

/**
 * Makes the top `n` weight-bearing backbone layers of a composeClassifier
 * model trainable and freezes the rest; the head stays trainable. n = 0
 * freezes the whole backbone again. Only layers with weights count (Conv2D,
 * DepthwiseConv2D), so n = 3 is the last inverted-residual block's
 * expand/depthwise/project convs (plus Conv_1 and so on as n grows).
 * IMPORTANT: BatchNormalization layers (0.35 model only; the 1.0 model has BN
 * folded into its conv biases) always stay frozen: with batches of a few
 * posters their statistics would be noise. fineTuneStep also runs the
 * backbone in inference mode so their moving averages are never updated.
 * Create the optimizer after calling this (or keep using the same one: Adam
 * adds slots for newly trainable variables on first use).
 */
export function unfreezeTopLayers(classifier: tf.LayersModel, n: number): UnfreezeReport {
  const { backbone, head } = splitClassifier(classifier);
  const candidates = leafLayers(backbone).filter((layer) => layer.weights.length > 0 && !isBatchNorm(layer));
  const chosen = new Set(n > 0 ? candidates.slice(-n) : []);
  const apply = (layer: tf.layers.Layer): void => {
    if (layer instanceof tf.LayersModel) {
      // Containers first: their setter resets direct children's variables,
      // which the children's own calls below then put right.
      layer.trainable = chosen.size > 0;
      layer.layers.forEach(apply);
    } else {
      layer.trainable = chosen.has(layer);
    }
  };
  apply(backbone);
  setTrainableDeep(head, true);
  classifier.trainable = true;
  const trainableParams = classifier.trainableWeights.reduce((sum, weight) => sum + weight.read().size, 0);
  return { unfrozen: candidates.filter((layer) => chosen.has(layer)).map((layer) => layer.name), trainableParams };
}

export interface FineTuneStepOptions {
  /** The backbone's input spec (BackboneInfo.input). */
  spec: InputSpec;
  numGenres: number;
  /** Draws the augmentation; seed it for reproducible runs. */
  rng: Rng;
  loss: LossOptions;
  /** Augmentation settings (scaling comes from spec); false = none. */
  augment?: Omit<AugmentOptions, 'scaling'> | false;
}

/**
 * One optimiser step on a composeClassifier model: pixelsToInput, augmentBatch,
 * backbone (inference mode) then head (training mode, so dropout is on).
 * Only variables of trainable layers move (see unfreezeTopLayers). Everything
 * allocated is released before it returns.
 * IMPORTANT: do not train a composed classifier with trainStep's trainOnBatch:
 * it calls the whole model with training: true, which makes tfjs batch norm
 * use per-batch statistics and overwrite the 0.35 backbone's moving averages,
 * and its minimize() would touch every live variable.
 */
export async function fineTuneStep(
  classifier: tf.LayersModel,
  optimizer: tf.Optimizer,
  batch: PixelBatch,
  { spec, numGenres, rng, loss: lossOptions, augment = {} }: FineTuneStepOptions,
): Promise<StepResult> {
  const { backbone, head } = splitClassifier(classifier);
  const variables = trainableVariables(classifier);
  if (variables.length === 0) throw new Error('nothing to train: every layer is frozen');
  let correct: tf.Scalar | undefined;
  let dataLoss: tf.Scalar | undefined;
  tf.tidy(() => {
    const input = pixelsToInput(batch.pixels, batch.size, spec); // [size, h, w, 3]
    const x = augment === false ? input : augmentBatch(input, rng, { ...augment, scaling: spec.scaling });
    const y = tf.tensor2d(batch.labels, [batch.size, numGenres], 'float32');
    optimizer.minimize(
      () => {
        // IMPORTANT: training: false for the backbone. tfjs BatchNormalization
        // ignores `trainable` and under training: true normalises with batch
        // statistics and updates its moving averages; gradients still flow.
        const features = backbone.apply(x, { training: false }) as tf.Tensor2D; // [size, featureDim]
        const probs = head.apply(features, { training: true }) as tf.Tensor2D; // [size, genres]
        // Kept past minimize's own tidy; released below once read.
        correct = tf.keep(probs.greater(0.5).toFloat().equal(y).toFloat().sum() as tf.Scalar);
        dataLoss = tf.keep(genreLoss(y, probs, lossOptions));
        const penalty = regularizationLoss(head);
        // The cost is disposed by minimize; a clone keeps dataLoss alive.
        return penalty ? dataLoss.add(penalty) : dataLoss.clone();
      },
      false,
      variables,
    );
  });
  try {
    const [lossValue, correctValue] = await Promise.all([dataLoss!.data(), correct!.data()]);
    return { loss: lossValue[0], correctLabels: correctValue[0] };
  } finally {
    dataLoss?.dispose();
    correct?.dispose();
  }
}
