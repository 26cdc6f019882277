import { METADATA_JSON, type ModelFileSet } from '../ml/modelFiles';

/**
 * Sorts what the user picked into model.json, metadata.json and the weight
 * shards (in the order model.json lists them). Names the missing piece.
 */
export async function modelFilesFromUpload(files: readonly File[]): Promise<{ ok: true; value: ModelFileSet } | { ok: false; error: string }> {
  const byName = new Map(files.map((file) => [file.name, file]));
  const metadataFile = byName.get(METADATA_JSON);
  const jsonFiles = files.filter((file) => file.name.toLowerCase().endsWith('.json') && file !== metadataFile);
  if (!metadataFile) return { ok: false, error: `pick ${METADATA_JSON} together with the model files` };
  if (jsonFiles.length !== 1) {
    return { ok: false, error: `pick exactly one model JSON (e.g. model.json) besides ${METADATA_JSON}; got ${jsonFiles.length}` };
  }
  const modelJson = await jsonFiles[0].text();
  let paths: string[] = [];
  try {
    const manifest = (JSON.parse(modelJson) as { weightsManifest?: Array<{ paths?: string[] }> }).weightsManifest ?? [];
    paths = manifest.flatMap((group) => group.paths ?? []);
  } catch {
    return { ok: false, error: `${jsonFiles[0].name} is not valid JSON` };
  }
  const shards: ArrayBuffer[] = [];
  for (const path of paths) {
    const name = path.split('/').pop() ?? path;
    const shard = byName.get(name);
    if (!shard) return { ok: false, error: `${jsonFiles[0].name} needs the weight file ${name}, which was not picked` };
    shards.push(await shard.arrayBuffer());
  }
  const total = shards.reduce((sum, shard) => sum + shard.byteLength, 0);
  const weights = new Uint8Array(total);
  let offset = 0;
  for (const shard of shards) {
    weights.set(new Uint8Array(shard), offset);
    offset += shard.byteLength;
  }
  return { ok: true, value: { modelJson, weights: weights.buffer, metadataJson: await metadataFile.text() } };
}
