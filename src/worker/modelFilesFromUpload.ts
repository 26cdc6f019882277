import { checkMetadataJson, checkModelJson, METADATA_JSON, READ_LIMITS } from '../config/modelMetadata';
import type { ModelFileSet } from '../ml/modelFiles';

type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Sorts what the user picked into model.json, metadata.json and the weight
 * files, and checks them in the order that costs least: sizes first, then the
 * two JSON files against their schema, then that the weight files hold
 * exactly the bytes model.json describes, and only then reads the weights.
 * Names the missing or wrong piece.
 */
export async function modelFilesFromUpload(files: readonly File[]): Promise<Checked<ModelFileSet>> {
  const byName = new Map(files.map((file) => [file.name, file]));
  const metadataFile = byName.get(METADATA_JSON);
  const jsonFiles = files.filter((file) => file.name.toLowerCase().endsWith('.json') && file !== metadataFile);
  if (!metadataFile) return { ok: false, error: `pick ${METADATA_JSON} together with the model files` };
  if (jsonFiles.length !== 1)
    return { ok: false, error: `pick exactly one model JSON (e.g. model.json) besides ${METADATA_JSON}; got ${jsonFiles.length}` };
  const [jsonFile] = jsonFiles;
  for (const [file, max] of [
    [metadataFile, READ_LIMITS.metadataBytes],
    [jsonFile, READ_LIMITS.modelJsonBytes],
  ] as const) {
    if (file.size > max) return { ok: false, error: `${file.name} is ${megabytes(file.size)}; a model's ${file.name} is at most ${megabytes(max)}` };
  }
  const metadata = checkMetadataJson(await metadataFile.text());
  if (!metadata.ok) return metadata;
  const modelJson = checkModelJson(await jsonFile.text());
  if (!modelJson.ok) return modelJson;
  const shards: File[] = [];
  for (const name of modelJson.value.fileNames) {
    const shard = byName.get(name);
    if (!shard) return { ok: false, error: `${jsonFile.name} needs the weight file ${name}, which was not picked` };
    shards.push(shard);
  }
  // Sizes before reading: a mismatch is refused without a byte of weights read.
  const total = shards.reduce((sum, shard) => sum + shard.size, 0);
  const described = shards.length === 1 ? shards[0].name : `the weight files`;
  if (total !== modelJson.value.weightBytes) {
    return {
      ok: false,
      error: `${described} holds ${total} bytes but ${jsonFile.name} describes ${modelJson.value.weightBytes}: the files do not belong together`,
    };
  }
  if (total > READ_LIMITS.weightsBytes)
    return { ok: false, error: `${described} is ${megabytes(total)}; at most ${megabytes(READ_LIMITS.weightsBytes)} of weights are loaded` };
  const weights = new Uint8Array(total);
  let offset = 0;
  for (const shard of shards) {
    const bytes = new Uint8Array(await shard.arrayBuffer());
    // A file that changed on disk since it was picked: its bytes no longer fit.
    if (offset + bytes.length > total) return { ok: false, error: `${shard.name} changed while it was read` };
    weights.set(bytes, offset);
    offset += bytes.length;
  }
  return { ok: true, value: { modelJson: modelJson.value, metadata: metadata.value, weights: weights.buffer } };
}
