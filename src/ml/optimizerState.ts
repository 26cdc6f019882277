import * as tf from '@tensorflow/tfjs';

export interface SavedOptimizerWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Adam's step count and moments as plain arrays (tfjs can restore all of them). */
export async function saveOptimizerState(optimizer: tf.Optimizer): Promise<SavedOptimizerWeight[]> {
  const weights = await optimizer.getWeights();
  const saved: SavedOptimizerWeight[] = [];
  for (const { name, tensor } of weights) {
    saved.push({ name, shape: [...tensor.shape], data: Float32Array.from(await tensor.data()) });
    // The step count comes back as a fresh tensor; the moments are the optimizer's own variables.
    if (!(tensor instanceof tf.Variable)) tensor.dispose();
  }
  return saved;
}

export async function restoreOptimizerState(optimizer: tf.Optimizer, saved: readonly SavedOptimizerWeight[]): Promise<void> {
  const tensors = saved.map(({ name, shape, data }) => ({ name, tensor: tf.tensor(data, shape) }));
  await optimizer.setWeights(tensors);
  // setWeights copies them into variables.
  tensors.forEach(({ tensor }) => tensor.dispose());
}
