/**
 * The training settings as types, and the few facts derived from them. No
 * tfjs: the page, the worker and the CLI's registry share these.
 */
import type { InputSpec } from '../data/inputSpec';
import { BACKBONES, MODEL_KINDS, PUBLIC_MODEL_ORIGINS, type HEAD_LOSSES, type INFERENCE_ONLY_BACKENDS, type TRAINING_BACKENDS } from './registry.js';

/** `tutorial-cnn` trains from scratch; the others start from an ImageNet backbone. */
export type ModelKind = (typeof MODEL_KINDS)[number]['id'];
export type HeadLossKind = (typeof HEAD_LOSSES)[number]['id'];
export type BackboneId = (typeof BACKBONES)[number]['id'];
export type BackendName = (typeof TRAINING_BACKENDS)[number];
/** Backends that can run a model forward: the training ones plus WASM. */
export type InferenceBackendName = BackendName | (typeof INFERENCE_ONLY_BACKENDS)[number];

/** A pretrained image network used as a frozen (or partly unfrozen) feature extractor. */
export interface BackboneInfo {
  id: BackboneId;
  label: string;
  /** Where online users load it from. */
  defaultUrl: string;
  /** Where the dev/preview server serves the copy in shared/models (vite.config.ts). */
  localPath: string;
  /** IMPORTANT: the preprocessing the ImageNet weights were trained with. */
  input: InputSpec;
  /** Length of the pooled feature vector, [batch, featureDim]. */
  featureDim: number;
}

/** What the user chooses before pressing Train. Plain data, saved with every model and checkpoint. */
export interface TrainConfig {
  modelKind: ModelKind;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Network input size; posters are squashed to it as the tutorial does. Fixed at 224x224 for backbones. */
  height: number;
  width: number;
  /** Share of unique posters held out for validation, 0..0.9. */
  valFraction: number;
  /** Seeds the split, the shuffles and the initialisers. */
  seed: number;
  /** Pretrained backbones only: which one (see the registry). */
  backbone: BackboneId;
  /** Pretrained backbones only: where its model.json is; empty = the copy this app serves, else the registry's URL. */
  backboneUrl: string;
  /** mobilenet-finetune only: epochs with the top backbone layers unfrozen, after `epochs` of head training. */
  fineTuneEpochs: number;
  /** Pretrained backbones only: how the head counters the ~91% negative labels; 'auto' tries each and keeps the best validation mAP. */
  headLoss: HeadLossKind;
  /**
   * Pretrained backbones only: the head also learns from each poster's mirror
   * image, and the model averages its predictions over both (test-time
   * augmentation). Doubles the backbone's work.
   */
  mirrorPosters: boolean;
  /** Pretrained backbones only: heads trained side by side from different seeds, whose outputs the model averages. */
  headEnsemble: number;
}

/** Epochs of the whole run: head epochs, then fine-tuning epochs for mobilenet-finetune. */
export function totalEpochs(config: Pick<TrainConfig, 'modelKind' | 'epochs' | 'fineTuneEpochs'>): number {
  return config.modelKind === 'mobilenet-finetune' ? config.epochs + config.fineTuneEpochs : config.epochs;
}

export function usesBackbone(config: Pick<TrainConfig, 'modelKind'>): boolean {
  return MODEL_KINDS.some((kind) => kind.id === config.modelKind && kind.usesBackbone);
}

export function getBackbone(id: BackboneId): BackboneInfo {
  const info = BACKBONES.find((backbone) => backbone.id === id);
  if (!info) throw new Error(`unknown backbone "${id}"`);
  return info;
}

/**
 * Why a typed backbone URL may not be fetched, or null when it may: only
 * this app's own origin (`origin`) and the public model host. The page's
 * Content-Security-Policy forbids the rest anyway; this says so in words.
 */
export function backboneUrlProblem(url: string, origin: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url, origin);
  } catch {
    return `"${url}" is not a URL`;
  }
  const allowed = [origin, ...PUBLIC_MODEL_ORIGINS];
  if (allowed.includes(parsed.origin)) return null;
  return `${parsed.origin} is not this site; a backbone is loaded from this site or from ${PUBLIC_MODEL_ORIGINS.join(', ')} only (serve it from this site, or pick its folder)`;
}
