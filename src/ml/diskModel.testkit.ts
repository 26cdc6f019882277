import type * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** ../shared/models: the pretrained backbones, when this checkout sits next to them. */
export const SHARED_MODELS_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'models');

/** Reads a tfjs layers model (model.json + weight shards) from disk, as the browser would fetch it. */
export function diskHandler(folder: string): tf.io.IOHandler {
  return {
    load: async () => {
      const modelJson = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
      const buffers = paths.map((path) => {
        const bytes = readFileSync(join(folder, path));
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      });
      return {
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
        weightData: buffers,
      };
    },
  };
}
