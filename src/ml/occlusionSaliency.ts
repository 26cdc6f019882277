/**
 * "Why this genre": occlusion sensitivity (Zeiler & Fergus, 2014). Square
 * patches of the poster are painted over with its mean colour, one copy per
 * patch, and the model scores every copy; a region matters for a genre as
 * much as hiding it lowers that genre's probability.
 *
 * Chosen over Grad-CAM because it needs only forward passes: it works the
 * same for the tutorial CNN and for a backbone model on every backend
 * (WASM has no gradients for depthwise convolutions), and what it shows is
 * literally "the score without this region". It costs OCCLUSION_COPIES
 * forward passes per poster, batched.
 */

/** Heat on a grid of CELLS x CELLS cells over the poster. */
export const SALIENCY_CELLS = 8;
/** Each patch covers PATCH_CELLS x PATCH_CELLS cells and slides one cell at a time, so every inner cell is under four patches: a smoother map. */
const PATCH_CELLS = 2;
const POSITIONS = SALIENCY_CELLS - PATCH_CELLS + 1;
/** Masked copies scored per poster (plus the poster itself). */
export const OCCLUSION_COPIES = POSITIONS * POSITIONS;

export interface SaliencyGrid {
  rows: number;
  cols: number;
  /** [rows * cols], row-major, in [0, 1]: 1 where hiding lowers the genre most; all 0 when hiding nothing lowers it. */
  heat: number[];
  /** The genre's probability on the whole poster. */
  probability: number;
  /** Its lowest probability with one patch hidden. */
  lowestProbability: number;
  /** Masked copies scored. */
  copies: number;
}

/** Scores `count` posters of the layout [count, height, width, 3]; returns [count * genres] probabilities. */
export type ScorePosters = (pixels: Uint8Array, count: number) => Promise<Float32Array>;

/** The first row (or column) of cell `k` when `size` pixels are cut into SALIENCY_CELLS. */
function cellStart(k: number, size: number): number {
  return Math.round((k * size) / SALIENCY_CELLS);
}

function meanColour(pixels: Uint8Array): [number, number, number] {
  const sums = [0, 0, 0];
  for (let i = 0; i < pixels.length; i++) sums[i % 3] += pixels[i];
  const count = pixels.length / 3;
  return [Math.round(sums[0] / count), Math.round(sums[1] / count), Math.round(sums[2] / count)];
}

/** Copies of one poster, each with the patch at one position painted over; positions row-major. */
function maskedCopies(pixels: Uint8Array, height: number, width: number, positions: readonly number[]): Uint8Array {
  const fill = meanColour(pixels);
  const copies = new Uint8Array(pixels.length * positions.length);
  positions.forEach((position, n) => {
    const copy = copies.subarray(n * pixels.length, (n + 1) * pixels.length);
    copy.set(pixels);
    const row = Math.floor(position / POSITIONS);
    const col = position % POSITIONS;
    const [top, bottom] = [cellStart(row, height), cellStart(row + PATCH_CELLS, height)];
    const [left, right] = [cellStart(col, width), cellStart(col + PATCH_CELLS, width)];
    for (let y = top; y < bottom; y++) {
      for (let x = left; x < right; x++) copy.set(fill, (y * width + x) * 3);
    }
  });
  return copies;
}

/**
 * Where on the poster (pixels [height, width, 3]) the model sees `genre`
 * (its index among `numGenres` outputs). `score` runs the model exactly as
 * predictions do; `batchSize` copies go through it at a time.
 */
export async function occlusionSaliency(
  pixels: Uint8Array,
  height: number,
  width: number,
  genre: number,
  numGenres: number,
  score: ScorePosters,
  batchSize = 8,
): Promise<SaliencyGrid> {
  if (pixels.length !== height * width * 3) throw new Error(`expected ${height * width * 3} pixel values, got ${pixels.length}`);
  if (height < SALIENCY_CELLS || width < SALIENCY_CELLS) throw new Error(`a poster of ${width}x${height} is too small to explain`);
  const probability = (await score(pixels, 1))[genre];
  const drops = new Float64Array(OCCLUSION_COPIES);
  for (let start = 0; start < OCCLUSION_COPIES; start += batchSize) {
    const positions = Array.from({ length: Math.min(batchSize, OCCLUSION_COPIES - start) }, (_, k) => start + k);
    const probs = await score(maskedCopies(pixels, height, width, positions), positions.length);
    positions.forEach((position, n) => (drops[position] = probability - probs[n * numGenres + genre]));
  }
  // Each cell: the mean drop of the patches covering it; rises (hiding helps the genre) count as no evidence.
  const heat = new Array<number>(SALIENCY_CELLS * SALIENCY_CELLS).fill(0);
  const covering = new Array<number>(heat.length).fill(0);
  drops.forEach((drop, position) => {
    const row = Math.floor(position / POSITIONS);
    const col = position % POSITIONS;
    for (let r = row; r < row + PATCH_CELLS; r++) {
      for (let c = col; c < col + PATCH_CELLS; c++) {
        heat[r * SALIENCY_CELLS + c] += Math.max(0, drop);
        covering[r * SALIENCY_CELLS + c] += 1;
      }
    }
  });
  const mean = heat.map((sum, k) => sum / covering[k]);
  const top = Math.max(...mean);
  return {
    rows: SALIENCY_CELLS,
    cols: SALIENCY_CELLS,
    heat: mean.map((value) => (top > 0 ? value / top : 0)),
    probability,
    lowestProbability: probability - Math.max(0, ...drops),
    copies: OCCLUSION_COPIES,
  };
}
