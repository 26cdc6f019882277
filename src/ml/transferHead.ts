import * as tf from '@tensorflow/tfjs';
import { binaryCrossEntropy } from './loss';

export const HEAD_NAME = 'genre_head';
export const CLASSIFIER_NAME = 'genre_classifier';

export interface HeadOptions {
  /** Length of one backbone feature vector (1280 for MobileNetV2). */
  featureDim: number;
  numGenres: number;
  /** Units of the hidden ReLU layer; 0 = no hidden layer (per-genre logistic regression). */
  hidden: number;
  /** Dropout rate before the output layer, in [0, 1); 0 = none. */
  dropout: number;
  /** L2 penalty on the dense kernels; 0 = none. */
  l2: number;
  /** Seed for the Glorot-uniform initialisers. */
  seed: number;
  /** Member k of an ensemble (see averageHeads): names its model and layers apart from the others'. */
  member?: number;
}

/** Small classifier on pooled features: [batch, featureDim] -> sigmoid [batch, numGenres]. */
export function buildHead({ featureDim, numGenres, hidden, dropout, l2, seed, member }: HeadOptions): tf.Sequential {
  let nextSeed = seed;
  const glorot = () => tf.initializers.glorotUniform({ seed: nextSeed++ });
  const kernelRegularizer = l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined;
  // IMPORTANT: weights are saved under their layer names, so ensemble members need distinct ones.
  const prefix = member === undefined ? 'head' : `head${member}`;
  const model = tf.sequential({ name: member === undefined ? HEAD_NAME : `${HEAD_NAME}_${member}` });
  if (hidden > 0) {
    model.add(
      tf.layers.dense({
        inputShape: [featureDim],
        units: hidden,
        activation: 'relu',
        kernelInitializer: glorot(),
        kernelRegularizer,
        name: `${prefix}_hidden`,
      }),
    );
  }
  if (dropout > 0) {
    model.add(tf.layers.dropout({ ...(hidden > 0 ? {} : { inputShape: [featureDim] }), rate: dropout, name: `${prefix}_dropout` }));
  }
  model.add(
    tf.layers.dense({
      ...(model.layers.length === 0 ? { inputShape: [featureDim] } : {}),
      units: numGenres,
      activation: 'sigmoid',
      kernelInitializer: glorot(),
      kernelRegularizer,
      name: `${prefix}_genres`,
    }),
  );
  return model;
}

/**
 * How a batch's labels are scored. ~91% of labels are 0, so plain BCE learns
 * "predict no genre"; the other two push the rare positives up.
 * - weighted-bce: BCE with positive labels of genre k scaled by positiveWeight[k]
 *   (see positiveWeights).
 * - focal: Lin et al. 2017, -[y (1-p)^γ log p + (1-y) p^γ log(1-p)], which
 *   down-weights the many easy negatives; optional positiveWeight as above.
 */
export type LossOptions =
  { kind: 'bce' } | { kind: 'weighted-bce'; positiveWeight: Float32Array } | { kind: 'focal'; gamma: number; positiveWeight?: Float32Array };

const EPSILON = 1e-7;

function focalLoss(labels: tf.Tensor2D, probs: tf.Tensor2D, gamma: number, positiveWeight?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const p = probs.clipByValue(EPSILON, 1 - EPSILON);
    const one = tf.scalar(1);
    const positive = labels.mul(one.sub(p).pow(gamma)).mul(p.log());
    const weightedPositive = positiveWeight ? positive.mul(positiveWeight) : positive;
    const negative = one.sub(labels).mul(p.pow(gamma)).mul(one.sub(p).log());
    return weightedPositive.add(negative).neg().mean() as tf.Scalar;
  });
}

/** Mean loss over every (poster, genre) label of the batch. labels, probs: [batch, genres]. */
export function genreLoss(labels: tf.Tensor2D, probs: tf.Tensor2D, options: LossOptions): tf.Scalar {
  return tf.tidy(() => {
    switch (options.kind) {
      case 'bce':
        return binaryCrossEntropy(labels, probs);
      case 'weighted-bce':
        return binaryCrossEntropy(labels, probs, tf.tensor1d(options.positiveWeight));
      case 'focal':
        return focalLoss(labels, probs, options.gamma, options.positiveWeight && tf.tensor1d(options.positiveWeight));
      default: {
        const unknown: never = options;
        throw new Error(`unknown loss ${JSON.stringify(unknown)}`);
      }
    }
  });
}

export interface PositiveWeightOptions {
  /** 1 = full neg/pos ratio, 0.5 = its square root (gentler), 0 = all ones. */
  power: number;
  /** Cap, so a genre with 3 posters does not get weight 2000. */
  max: number;
}

/**
 * Per-genre weight of positive labels, (negatives / positives)^power capped at
 * `max` and never below 1. labels: [n, g] row-major 0/1. A genre with no
 * positives gets 1 (there is nothing to weight).
 */
export function positiveWeights(labels: Uint8Array, n: number, g: number, { power, max }: PositiveWeightOptions): Float32Array {
  const positives = new Array<number>(g).fill(0);
  for (let i = 0; i < n; i++) for (let k = 0; k < g; k++) positives[k] += labels[i * g + k] !== 0 ? 1 : 0;
  return Float32Array.from(positives, (pos) => (pos === 0 ? 1 : Math.min(max, Math.max(1, ((n - pos) / pos) ** power))));
}

/** Rows `indices` of a row-major [*, width] buffer, packed. */
function gatherRows<T extends Float32Array | Uint8Array>(source: T, indices: readonly number[], width: number, out: T): T {
  indices.forEach((row, i) => out.set(source.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

/** Variables the optimizer may change: only weights of layers marked trainable. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  // IMPORTANT: passing these explicitly keeps optimizer.minimize from touching
  // any other model's variables that happen to be alive (it defaults to all).
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

/** Sum of the layers' L2 penalties (none when l2 = 0). */
export function regularizationLoss(model: tf.LayersModel): tf.Scalar | undefined {
  const losses = model.calculateLosses();
  return losses.length === 0 ? undefined : tf.tidy(() => tf.addN(losses).asScalar());
}

export interface HeadEpochResult {
  /** Mean data loss per poster over the epoch (without the L2 term). */
  loss: number;
  /** Labels (poster x genre) right at threshold 0.5. */
  correctLabels: number;
}

/**
 * The head's forward pass in training mode. With `nextSeed`, each dropout
 * mask is drawn from the next seed it gives: tf.layers.dropout takes either
 * no seed (so two runs with the app's seed trained different heads: best
 * epochs 10, 16 and 18 on identical embeddings, validation mAP 0.298-0.301)
 * or one fixed seed (the same mask at every step). Every other layer runs its own apply.
 */
function trainingForward(head: tf.LayersModel, x: tf.Tensor, nextSeed?: () => number): tf.Tensor {
  if (!nextSeed) return head.apply(x, { training: true }) as tf.Tensor;
  return head.layers.reduce((h, layer) => {
    if (layer.getClassName() !== 'Dropout') return layer.apply(h, { training: true }) as tf.Tensor;
    const { rate } = layer.getConfig() as { rate: number };
    return tf.dropout(h, rate, undefined, nextSeed());
  }, x);
}

/**
 * One pass over `order` (indices into the cached features) in batches.
 * features: [n * featureDim] row-major; labels: [n * g] 0/1.
 * The loss and correct-label sums stay on the backend until the end, so the
 * epoch is one read-back rather than one per batch.
 */
export async function trainHeadEpoch(
  head: tf.LayersModel,
  optimizer: tf.Optimizer,
  features: Float32Array,
  labels: Uint8Array,
  order: readonly number[],
  batchSize: number,
  lossOptions: LossOptions,
  /** Seeds of the dropout masks, one per batch; without it tfjs draws them unseeded. */
  nextDropoutSeed?: () => number,
): Promise<HeadEpochResult> {
  const featureDim = head.inputs[0].shape[1];
  const numGenres = head.outputs[0].shape[1];
  if (typeof featureDim !== 'number' || typeof numGenres !== 'number') throw new Error('head must map [null, d] to [null, g]');
  const variables = trainableVariables(head);
  let lossSum = tf.scalar(0);
  let correctSum = tf.scalar(0);
  try {
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = order.slice(start, start + batchSize);
      const xs = gatherRows(features, rows, featureDim, new Float32Array(rows.length * featureDim));
      const ys = gatherRows(labels, rows, numGenres, new Uint8Array(rows.length * numGenres));
      const [nextLoss, nextCorrect] = tf.tidy(() => {
        const x = tf.tensor2d(xs, [rows.length, featureDim]);
        const y = tf.tensor2d(ys, [rows.length, numGenres], 'float32');
        let correct: tf.Scalar | undefined;
        let dataLoss: tf.Scalar | undefined;
        optimizer.minimize(
          () => {
            const probs = trainingForward(head, x, nextDropoutSeed) as tf.Tensor2D; // [batch, genres]
            // Kept past minimize's own tidy; released below once summed.
            correct = tf.keep(probs.greater(0.5).toFloat().equal(y).toFloat().sum() as tf.Scalar);
            dataLoss = tf.keep(genreLoss(y, probs, lossOptions));
            const penalty = regularizationLoss(head);
            // The cost is disposed by minimize; a clone keeps dataLoss alive.
            return penalty ? dataLoss.add(penalty) : dataLoss.clone();
          },
          false,
          variables,
        );
        try {
          return [lossSum.add(dataLoss!.mul(rows.length)), correctSum.add(correct!)];
        } finally {
          dataLoss?.dispose();
          correct?.dispose();
        }
      });
      lossSum.dispose();
      correctSum.dispose();
      lossSum = nextLoss;
      correctSum = nextCorrect;
    }
    const [lossValue, correctValue] = await Promise.all([lossSum.data(), correctSum.data()]);
    return { loss: order.length > 0 ? lossValue[0] / order.length : 0, correctLabels: correctValue[0] };
  } finally {
    lossSum.dispose();
    correctSum.dispose();
  }
}

/** Sigmoid probabilities of the head for `n` feature rows, [n * genres] row-major. */
export async function predictHead(head: tf.LayersModel, features: Float32Array, n: number, batchSize: number): Promise<Float32Array> {
  const featureDim = head.inputs[0].shape[1] as number;
  const numGenres = head.outputs[0].shape[1] as number;
  const out = new Float32Array(n * numGenres);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const probs = tf.tidy(() => {
      const x = tf.tensor2d(features.subarray(start * featureDim, (start + size) * featureDim), [size, featureDim]);
      return head.predict(x) as tf.Tensor2D;
    });
    try {
      out.set(await probs.data(), start * numGenres);
    } finally {
      probs.dispose();
    }
  }
  return out;
}

/**
 * `count` heads for averageHeads: each with its own initialisation seed and,
 * when there are several, its own model and layer names. One head is a plain buildHead.
 */
export function buildHeadMembers(count: number, options: Omit<HeadOptions, 'member'>): tf.Sequential[] {
  const n = Math.max(1, Math.round(count));
  return Array.from({ length: n }, (_, k) => buildHead({ ...options, seed: options.seed + 1000 * k, member: n > 1 ? k + 1 : undefined }));
}

/**
 * One head from several trained side by side: [batch, featureDim] -> the mean
 * of their sigmoid outputs. Averaging independently initialised heads cuts the
 * variance of any one of them (measured: +0.008 validation mAP for three).
 * Shares (does not copy) the members' weights; a single head comes back as is.
 */
export function averageHeads(heads: readonly tf.LayersModel[]): tf.LayersModel {
  if (heads.length === 1) return heads[0];
  const featureDim = heads[0].inputs[0].shape[1] as number;
  const input = tf.input({ shape: [featureDim], name: `${HEAD_NAME}_features` });
  const outputs = heads.map((head) => head.apply(input) as tf.SymbolicTensor);
  const mean = tf.layers.average({ name: `${HEAD_NAME}_mean` }).apply(outputs) as tf.SymbolicTensor;
  return tf.model({ name: HEAD_NAME, inputs: input, outputs: mean });
}

/**
 * One model from pixels to genres: [batch, 224, 224, 3] -> [batch, genres], so
 * prediction and export take the same predictProbabilities / save path as the
 * tutorial CNN. Layers: [backbone, head] (see splitClassifier).
 * IMPORTANT: the classifier shares (does not copy) both models' weights. Free it
 * with disposeClassifier, not classifier.dispose(): tfjs reference-counts the two
 * halves differently (the head was applied, the backbone was not), so a plain
 * dispose frees the backbone but leaves the head's weights alive.
 */
export function composeClassifier(backbone: tf.LayersModel, head: tf.LayersModel): tf.LayersModel {
  return tf.sequential({ name: CLASSIFIER_NAME, layers: [backbone, head] });
}

/** The two halves of a composeClassifier model (also after it is saved and loaded again). */
export function splitClassifier(model: tf.LayersModel): { backbone: tf.LayersModel; head: tf.LayersModel } {
  const [backbone, head, ...rest] = model.layers;
  if (rest.length > 0 || !(backbone instanceof tf.LayersModel) || !(head instanceof tf.LayersModel) || head.name !== HEAD_NAME) {
    throw new Error(`${model.name} is not a backbone + ${HEAD_NAME} classifier`);
  }
  return { backbone, head };
}

/**
 * Frees every weight of a classifier (composed here or loaded from files), the
 * backbone and head inside it included. Use the model no more afterwards.
 */
export function disposeClassifier(model: tf.LayersModel): void {
  const variables = model.weights.map((weight) => weight.read());
  model.dispose();
  for (const variable of variables) if (!variable.isDisposed) variable.dispose();
}
