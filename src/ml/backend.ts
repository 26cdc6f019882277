import * as tf from '@tensorflow/tfjs';

import { TRAINING_BACKENDS } from '../config/registry.js';
import type { BackendName } from '../config/trainConfig';

export const BACKEND_ORDER: readonly BackendName[] = TRAINING_BACKENDS;

/** An adapter that emulates the GPU on the CPU (SwiftShader, llvmpipe), by its description ("google / swiftshader"). */
export const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|software/i;

export interface BackendChoice {
  name: BackendName;
  /** Why faster backends were skipped, one line each (shown to the user). */
  skipped: string[];
}

/**
 * Tries `preferred` first (when given) and then webgpu, webgl, cpu, and keeps
 * the first one that both initialises and runs a tiny op: WebGPU can
 * "initialise" and still fail on first use.
 */
export async function chooseBackend(preferred?: BackendName, order: readonly BackendName[] = BACKEND_ORDER): Promise<BackendChoice> {
  const candidates = preferred ? [preferred, ...order.filter((b) => b !== preferred)] : [...order];
  const skipped: string[] = [];
  for (const name of candidates) {
    try {
      if (!(await tf.setBackend(name))) {
        skipped.push(`${name}: not available in this browser`);
        continue;
      }
      await tf.ready();
      const probe = tf.tidy(() => tf.tensor1d([1, 2, 3]).square().sum());
      const value = (await probe.data())[0];
      probe.dispose();
      if (value !== 14) throw new Error(`test op returned ${value} instead of 14`);
      return { name, skipped };
    } catch (error) {
      skipped.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend works here (${skipped.join('; ')})`);
}
