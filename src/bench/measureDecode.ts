import type { InputSpec } from '../data/inputSpec';
import { DecodePool } from '../worker/decodePool';
import { decodePoster } from '../worker/decodePoster';
import { sizeLabel } from './benchConfig';
import { roundTo3 } from './stats';
import type { DecodeMeasurement, ImageSize } from './benchProtocol';

/**
 * Decodes every poster once, all requests issued at once as posterBatches
 * does, and times the lot. The decoders are started and have decoded one
 * poster each before the clock starts.
 */
async function timeDecodes(files: readonly Blob[], spec: InputSpec, workers: number): Promise<DecodeMeasurement> {
  const pool = workers > 0 ? new DecodePool(workers) : undefined;
  const decode = pool ? pool.decode : (file: Blob, s: InputSpec) => decodePoster(file, s);
  try {
    await Promise.allSettled(Array.from({ length: Math.max(1, workers) }, (_, k) => decode(files[k % files.length], spec)));
    const start = performance.now();
    const outcomes = await Promise.allSettled(files.map((file) => decode(file, spec)));
    const seconds = (performance.now() - start) / 1000;
    return {
      workers,
      posters: files.length,
      failures: outcomes.filter((outcome) => outcome.status === 'rejected').length,
      seconds: roundTo3(seconds),
      imagesPerSecond: roundTo3(files.length / seconds),
    };
  } finally {
    pool?.dispose();
  }
}

/**
 * Decode throughput per size and decoder count. Rounds interleave the
 * decoder counts (0, 1, N, 0, 1, N) so that neither gets a warmer machine.
 */
export async function measureDecodeThroughput(
  files: readonly Blob[],
  sizes: readonly ImageSize[],
  workerCounts: readonly number[],
  rounds: number,
  progress: (message: string) => void,
): Promise<Record<string, DecodeMeasurement[]>> {
  // Read every file once so the first decoder timed does not pay for the disk.
  await Promise.all(files.map((file) => file.arrayBuffer()));
  const bySize: Record<string, DecodeMeasurement[]> = {};
  for (const size of sizes) {
    const spec: InputSpec = { ...size, scaling: 'unit' };
    const measurements: DecodeMeasurement[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const workers of workerCounts) {
        progress(`decode ${sizeLabel(size)}: ${workers === 0 ? 'in the benchmark worker' : `pool of ${workers}`}, round ${round + 1}`);
        measurements.push(await timeDecodes(files, spec, workers));
      }
    }
    bySize[sizeLabel(size)] = measurements;
  }
  return bySize;
}
