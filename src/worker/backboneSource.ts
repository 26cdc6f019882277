import type * as tf from '@tensorflow/tfjs';
import { backboneUrlProblem, getBackbone, type BackboneId, type TrainConfig } from '../config/trainConfig';
import { fnv1a } from '../lib/fingerprint';
import { backboneFilesHandler, loadBackbone } from '../ml/backbones';
import type { BackboneFilesInfo } from './protocol';

/**
 * Where the pretrained backbone comes from: a folder the user picked, a URL
 * typed under Training, or the copy this app serves (then the registry's
 * public URL). Loads a fresh copy for each run, on the active backend.
 */
export class BackboneSource {
  /** The app's own origin, against which typed URLs are resolved and checked. */
  constructor(private readonly origin: string = globalThis.location?.origin ?? 'http://localhost') {}

  /** Backbone weights the user picked as a folder; used instead of any URL while set. */
  private files?: File[];

  /**
   * Checks the picked files now (so a wrong folder is reported at once, not
   * when Train is pressed) and keeps them; [] forgets them. Throws with what is wrong.
   */
  async choose(backbone: BackboneId, files: File[]): Promise<BackboneFilesInfo | null> {
    if (files.length === 0) {
      this.files = undefined;
      return null;
    }
    const picked = await backboneFilesHandler(files);
    if (!picked.ok) throw new Error(`backbone folder not used: ${picked.error}`);
    const loaded = await loadBackbone(getBackbone(backbone), picked.handler);
    if (!loaded.ok) throw new Error(`backbone folder not used: ${loaded.error}`);
    const parameters = loaded.model.countParams();
    loaded.model.dispose();
    this.files = files;
    return { description: picked.description, parameters };
  }

  /**
   * Where the weights come from, for the embedding cache: features from a
   * picked folder or another URL must not be mixed up with those of the copy
   * this app serves under the same registry id. '' for that copy.
   */
  sourceKey(config: Pick<TrainConfig, 'backboneUrl'>): string {
    if (this.files) return `files-${fnv1a(this.files.map((file) => `${file.name}:${file.size}:${file.lastModified}`).sort())}`;
    return config.backboneUrl ? `url-${fnv1a([config.backboneUrl])}` : '';
  }

  /** A fresh, frozen copy on the active backend; `log` hears what was adapted (pooling added, say). */
  async load(config: Pick<TrainConfig, 'backbone' | 'backboneUrl'>, log: (message: string) => void): Promise<tf.LayersModel> {
    const info = getBackbone(config.backbone);
    const picked = this.files ? await backboneFilesHandler(this.files) : undefined;
    // A picked folder wins over the URL, so only a URL that would be fetched is checked.
    if (config.backboneUrl && !picked?.ok) {
      const problem = backboneUrlProblem(config.backboneUrl, this.origin);
      if (problem) throw new Error(`backbone URL not used: ${problem}`);
    }
    const sources: Array<string | tf.io.IOHandler> = picked?.ok
      ? [picked.handler]
      : config.backboneUrl
        ? [config.backboneUrl]
        : [info.localPath, info.defaultUrl].filter((url, k, all) => all.indexOf(url) === k);
    const errors: string[] = [];
    for (const source of sources) {
      const loaded = await loadBackbone(info, source);
      if (loaded.ok) {
        loaded.notes.forEach(log);
        return loaded.model;
      }
      errors.push(loaded.error);
    }
    throw new Error(`no usable ${info.label} backbone: ${errors.join('; ')}`);
  }
}
