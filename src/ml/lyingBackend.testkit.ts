import * as tf from '@tensorflow/tfjs';

/**
 * A CPU backend whose *synchronous* reads return zeros, as WebGPU's readSync
 * (through a canvas) did in the browser: tfjs' implicit cross-backend move
 * reads with readSync, so a model that relies on it computes with zeroed
 * weights. Asynchronous reads are honest, as on WebGPU. Kernels are the CPU
 * backend's own (they read the backend's data directly, not via readSync).
 * For tests only: registers itself once, under LYING_BACKEND.
 */
export const LYING_BACKEND = 'lying-cpu';

export function registerLyingBackend(): void {
  if (tf.engine().registryFactory[LYING_BACKEND]) return;
  const cpu = tf.findBackend('cpu');
  if (!cpu) throw new Error('the cpu backend must be registered first');
  type Reader = { readSync(dataId: object): tf.BackendValues };
  const CpuBackend = cpu.constructor as new () => tf.KernelBackend & Reader;
  const honestReadSync = (CpuBackend.prototype as Reader).readSync;
  class LyingCpuBackend extends CpuBackend {
    override readSync(dataId: object): tf.BackendValues {
      const values = honestReadSync.call(this, dataId);
      return values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array
        ? new (values.constructor as new (n: number) => typeof values)(values.length)
        : values;
    }
    override async read(dataId: object): Promise<tf.BackendValues> {
      return honestReadSync.call(this, dataId);
    }
  }
  tf.registerBackend(LYING_BACKEND, () => new LyingCpuBackend());
  for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: LYING_BACKEND });
}
