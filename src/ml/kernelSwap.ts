import * as tf from '@tensorflow/tfjs';

/**
 * One backend kernel of the app's own, put in place of the one registered
 * before it and back again (the benchmark and the self-check compare both in
 * one run). The replaced kernel is captured at the first swap, so swaps stack:
 * a kernel registered over another module's gets that one back.
 */
export class KernelSwap {
  private replaced: tf.KernelConfig | undefined;
  private own: tf.KernelConfig | undefined;

  constructor(
    private readonly kernelName: string,
    private readonly backendName: string,
    /** The app's kernel, built around the one it replaces (its fallback). */
    private readonly build: (replaced: tf.KernelConfig) => tf.KernelConfig,
  ) {}

  /** The app's kernel (true) or the replaced one (false); a backend that is not registered is left alone. */
  use(own: boolean): void {
    if (!this.replaced) {
      const current = tf.getKernel(this.kernelName, this.backendName);
      if (!current) return;
      this.replaced = current;
      this.own = this.build(current);
    }
    const chosen = (own ? this.own : this.replaced)!;
    if (tf.getKernel(this.kernelName, this.backendName)?.kernelFunc === chosen.kernelFunc) return;
    tf.unregisterKernel(this.kernelName, this.backendName);
    tf.registerKernel(chosen);
  }

  /** Whether the app's kernel is the registered one now. */
  get inUse(): boolean {
    return this.own !== undefined && tf.getKernel(this.kernelName, this.backendName)?.kernelFunc === this.own.kernelFunc;
  }
}

/** One KernelSwap per backend and kernel name, made on first use. */
export function kernelSwaps(build: (kernelName: string, backendName: string) => (replaced: tf.KernelConfig) => tf.KernelConfig) {
  const swaps = new Map<string, KernelSwap>();
  return (kernelName: string, backendName: string): KernelSwap => {
    const key = `${backendName}/${kernelName}`;
    let swap = swaps.get(key);
    if (!swap) {
      swap = new KernelSwap(kernelName, backendName, build(kernelName, backendName));
      swaps.set(key, swap);
    }
    return swap;
  };
}
