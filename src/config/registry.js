// @ts-check
/**
 * The one definition of what a user can choose and what the app does by
 * default: model kinds, backbones, head losses, the training defaults, the
 * limits of every setting, and the hyperparameters of the pretrained path.
 * The training form, the worker, the checks on imported models and stored
 * checkpoints, the README and the CLI's --help all read these.
 *
 * IMPORTANT: plain JavaScript with no imports, so that Node runs it as it is
 * (the CLI has no build step) and the page can read it without loading
 * TensorFlow.js. Types come from the JSDoc and `as const`.
 */

/** Backends that train, in the order the app tries them. */
export const TRAINING_BACKENDS = /** @type {const} */ (['webgpu', 'webgl', 'cpu']);

/** Backends that only run models forward: WASM has no gradient kernels for convolutions. */
export const INFERENCE_ONLY_BACKENDS = /** @type {const} */ (['wasm']);

export const MODEL_KINDS = /** @type {const} */ ([
  { id: 'tutorial-cnn', label: 'Tutorial CNN (from scratch)', usesBackbone: false },
  { id: 'mobilenet-frozen', label: 'MobileNetV2 (ImageNet, pretrained): frozen features + head', usesBackbone: true },
  { id: 'mobilenet-finetune', label: 'MobileNetV2 (ImageNet, pretrained): head, then fine-tune top layers', usesBackbone: true },
]);

/**
 * How the head counters the ~91% negative labels. Chosen on validation mAP over
 * the full dataset with 'auto' (bce 0.271, weighted-bce 0.276, focal 0.276):
 * weighted-bce is the default, and 'auto' costs three head trainings.
 */
export const HEAD_LOSSES = /** @type {const} */ ([
  { id: 'auto', label: 'Auto (best validation mAP)' },
  { id: 'bce', label: 'Binary cross-entropy' },
  { id: 'weighted-bce', label: 'Positive-weighted BCE' },
  { id: 'focal', label: 'Focal loss' },
]);

/**
 * The only origins besides the app's own that it may fetch from: Google's
 * storage, where Teachable Machine's public MobileNet lives. The page's and
 * the workers' Content-Security-Policy (vite.config.ts) and the check on a
 * typed backbone URL both read this.
 */
export const PUBLIC_MODEL_ORIGINS = /** @type {const} */ (['https://storage.googleapis.com']);

/** ImageNet MobileNets want RGB squashed to 224x224 and scaled as x / 127.5 - 1. */
const MOBILENET_INPUT = /** @type {const} */ ({ height: 224, width: 224, scaling: 'symmetric' });

/** Pretrained image networks used as feature extractors; `input` is the preprocessing their weights were trained with. */
export const BACKBONES = /** @type {const} */ ([
  {
    id: 'mobilenet_v2_035_224',
    label: 'MobileNetV2 0.35 (fast, 0.4 M params)',
    // Teachable Machine's hosted copy: the Keras no-top network, ending at `out_relu`
    // ([batch, 7, 7, 1280]); loadBackbone adds the pooling.
    defaultUrl: 'https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top/model.json',
    /** Where the dev and preview servers serve the copy in ../shared/models (vite.config.ts). */
    localPath: '/models/mobilenet_v2_035_224/model.json',
    input: MOBILENET_INPUT,
    featureDim: 1280,
  },
  {
    id: 'mobilenet_v2_100_224',
    label: 'MobileNetV2 1.0 (2.2 M params, ~2x slower)',
    // No official host publishes this one as a tfjs layers model: even online users get the served copy (or pick the folder).
    defaultUrl: '/models/mobilenet_v2_100_224/model.json',
    localPath: '/models/mobilenet_v2_100_224/model.json',
    input: MOBILENET_INPUT,
    featureDim: 1280,
  },
]);

/**
 * The head on the backbone's features, chosen on validation mAP: 256 hidden
 * units train 2.4x faster than 512 on WASM and, averaged over three heads,
 * score the same within noise.
 */
export const HEAD = /** @type {const} */ ({
  hiddenUnits: 256,
  dropout: 0.5,
  l2: 1e-4,
  /** Head training stops after this many epochs without a better validation mAP. */
  patience: 8,
  /** weighted-bce: each genre's neg/pos ratio to this power, capped (full ratios, up to ~1000, swamp the loss). */
  positiveWeightPower: 0.5,
  positiveWeightMax: 10,
  /** Posters per backbone call while embedding. */
  embedBatch: 32,
});

/** Fine-tuning after the head: the top backbone layers with weights (the last two inverted-residual blocks and Conv_1). */
export const FINE_TUNING = /** @type {const} */ ({
  layers: 7,
  /** Fine-tuning moves pretrained weights: a tenth of the head's learning rate. */
  learningRateFactor: 0.1,
});

/**
 * Every number a user sets, with its range: the form's limits, the CLI's
 * checks and the checks on imported and stored models.
 */
export const SETTING_LIMITS = /** @type {const} */ ({
  epochs: { label: 'Epochs', min: 1, max: 1000, integer: true },
  fineTuneEpochs: { label: 'Fine-tuning epochs', min: 0, max: 100, integer: true },
  headEnsemble: { label: 'Heads averaged', min: 1, max: 8, integer: true },
  batchSize: { label: 'Batch size', min: 1, max: 512, integer: true },
  learningRate: { label: 'Learning rate', min: 1e-6, max: 1, integer: false },
  // `why`: said next to the field when a typed value is moved into range.
  height: {
    label: 'Input height',
    min: 76,
    max: 1024,
    integer: true,
    why: "the tutorial CNN's four 5x5 convolutions and 2x2 pools need 76 pixels a side",
  },
  width: {
    label: 'Input width',
    min: 76,
    max: 1024,
    integer: true,
    why: "the tutorial CNN's four 5x5 convolutions and 2x2 pools need 76 pixels a side",
  },
  valFraction: { label: 'Validation fraction', min: 0, max: 0.9, integer: false },
  seed: { label: 'Seed', min: 0, max: 2 ** 31 - 1, integer: true },
});

/** The tutorial's settings, and the app's defaults for the pretrained path. */
export const DEFAULT_TRAIN_CONFIG = /** @type {const} */ ({
  modelKind: 'tutorial-cnn',
  epochs: 20,
  batchSize: 64,
  learningRate: 1e-3,
  height: 400,
  width: 300,
  valFraction: 0.15,
  seed: 42,
  // The 1.0 model's features beat the 0.35's by ~0.02 validation mAP on these posters; it embeds ~2x slower.
  backbone: 'mobilenet_v2_100_224',
  backboneUrl: '',
  fineTuneEpochs: 2,
  headLoss: 'weighted-bce',
  mirrorPosters: true,
  headEnsemble: 3,
});

/** What changes when the user switches from the tutorial CNN to a pretrained model. */
export const TRANSFER_DEFAULTS = /** @type {const} */ ({
  epochs: 60,
  batchSize: 64,
  learningRate: 1e-3,
  height: 224,
  width: 224,
});
