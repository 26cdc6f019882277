import * as tf from '@tensorflow/tfjs';

/**
 * Where a model's weights live, and the one safe way to change it.
 *
 * tfjs lets a tensor made on one backend be used on another: on first use the
 * engine moves its data with a *synchronous* read (`moveData` -> `readSync`).
 * On WebGPU that read goes through a canvas and can return zeros: a backbone
 * loaded and probed on WebGPU, then run on WASM, computed the same embedding
 * for every poster, and its head learned nothing (validation AUC 0.500).
 *
 * IMPORTANT: so nothing in this app relies on that implicit move. A model is
 * built on the backend that runs it, or moved with `moveModelTo`, which reads
 * every weight with `await data()` and writes it anew on the target. Code that
 * switches backends with models alive goes through here, never tf.setBackend.
 */

/** Makes `name` the active backend; throws when it cannot start. */
export async function activateBackend(name: string): Promise<void> {
  if (tf.getBackend() === name) return;
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend could not start`);
  await tf.ready();
}

/** The name of the backend holding a tensor's data (undefined once disposed). */
export function backendHolding(tensor: tf.Tensor): string | undefined {
  const engine = tf.engine();
  const holder = engine.state.tensorInfo.get(tensor.dataId)?.backend;
  if (!holder) return undefined;
  return engine.backendNames().find((name) => engine.registry[name] === holder);
}

/** The model's distinct weight variables (a composed classifier shares its halves' weights). */
function weightVariables(model: tf.LayersModel): tf.LayersModel['weights'] {
  const seen = new Set<number>();
  return model.weights.filter((weight) => {
    const id = weight.read().id;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Names of the model's weights whose data is not on `backend` ([] when all are). */
export function weightsNotOn(model: tf.LayersModel, backend: string): string[] {
  return weightVariables(model)
    .filter((weight) => backendHolding(weight.read()) !== backend)
    .map((weight) => weight.name);
}

/**
 * Moves every weight of `model` onto `backend` and leaves that backend
 * active. Values are read asynchronously from wherever they are (safe on
 * WebGPU), then written as new tensors on the target: no tfjs readSync move.
 * Weights already there are left alone. Costs one read per weight: for
 * MobileNetV2 1.0, 9 MB, done once per switch, not per batch.
 */
export async function moveModelTo(model: tf.LayersModel, backend: string): Promise<void> {
  const elsewhere = weightVariables(model).filter((weight) => backendHolding(weight.read()) !== backend);
  // Read while each weight's own backend still holds it; data() never moves data between backends.
  const values = await Promise.all(elsewhere.map((weight) => weight.read().data()));
  await activateBackend(backend);
  elsewhere.forEach((weight, k) => {
    const fresh = tf.tensor(values[k], weight.shape as number[], weight.dtype);
    // write() points the variable at the fresh data and frees the old copy on its own backend.
    weight.write(fresh);
    fresh.dispose();
  });
  const stray = weightsNotOn(model, backend);
  if (stray.length > 0) throw new Error(`weights ${stray.slice(0, 3).join(', ')} did not move to ${backend}`);
}
