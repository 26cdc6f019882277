import * as tf from '@tensorflow/tfjs';

/** A run stopped because its numbers show it cannot learn; the message names the backend that produced them. */
export class LearningCheckError extends Error {}

/** Wrong embeddings or constant scores come from a backend that computed wrong numbers, not from the posters. */
export const BACKEND_ADVICE = 'The backend computed wrong numbers: reload the page, or choose another backend with ?backend=webgl or ?backend=cpu.';

/**
 * Stops a run whose numbers show it cannot learn: a backend that computes
 * wrong numbers (zeros read back, say) gives every poster the same features
 * or scores, and training on would only produce a useless model.
 */
export function failLearningCheck(what: string, problem: string, advice: string): never {
  throw new LearningCheckError(`${what} on the ${tf.getBackend()} backend: ${problem}. This model cannot learn, so the run stopped. ${advice}`);
}
