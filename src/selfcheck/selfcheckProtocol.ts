/**
 * Types only: what the self-check page and its worker say to each other, and
 * the result a test or a user reads off the page.
 */
import type { EmbeddingComparison, StepComparison } from '../ml/backendParity';
import type { DirectKernelParity } from '../ml/webgpuDirectConv';

export type SelfCheckRequest = { type: 'run'; posters: File[] };

/** One backend against the CPU reference. */
export interface BackendParity {
  backend: string;
  available: boolean;
  /** Why it is unavailable, or why a part was skipped. */
  notes: string[];
  /** A training step (loss, gradients, Adam update); absent where the backend cannot train (WASM) or it failed. */
  step?: StepComparison;
  /** WebGPU on a software adapter: the app's direct convolution kernels against tfjs' own (src/ml/webgpuDirectConv.ts). */
  kernels?: DirectKernelParity[];
  /** Backbone embeddings of the same posters; absent when no backbone could be loaded. */
  embeddings?: EmbeddingComparison;
  seconds: number;
}

export interface SelfCheckResult {
  reference: 'cpu';
  /** Real posters used (the page's own test pattern when none were picked). */
  posters: number;
  backbone: string | null;
  backends: BackendParity[];
  /** Every available backend matched the reference in everything it ran. */
  pass: boolean;
}

export type SelfCheckEvent = { type: 'progress'; message: string } | { type: 'done'; result: SelfCheckResult } | { type: 'error'; message: string };
