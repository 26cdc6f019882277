import { describe, expect, it } from 'vitest';
import { OCCLUSION_COPIES, SALIENCY_CELLS, occlusionSaliency, type ScorePosters } from './occlusionSaliency';

const HEIGHT = 40;
const WIDTH = 32;

/** A black poster with a white top-left quarter (a quarter of each side). */
function posterWithBrightCorner(): Uint8Array {
  const pixels = new Uint8Array(HEIGHT * WIDTH * 3);
  for (let y = 0; y < HEIGHT / 4; y++) {
    for (let x = 0; x < WIDTH / 4; x++) pixels.fill(255, (y * WIDTH + x) * 3, (y * WIDTH + x + 1) * 3);
  }
  return pixels;
}

/** Genre 1 = brightness of the top-left quarter; genre 0 = constant. */
const cornerModel: ScorePosters = async (pixels, count) => {
  const out = new Float32Array(count * 2);
  const size = HEIGHT * WIDTH * 3;
  for (let n = 0; n < count; n++) {
    let sum = 0;
    for (let y = 0; y < HEIGHT / 4; y++) {
      for (let x = 0; x < WIDTH / 4; x++) sum += pixels[n * size + (y * WIDTH + x) * 3];
    }
    out[n * 2] = 0.3;
    out[n * 2 + 1] = sum / ((HEIGHT / 4) * (WIDTH / 4) * 255);
  }
  return out;
};

describe('occlusionSaliency', () => {
  it('puts the heat where hiding the poster lowers the genre, and scores every masked copy', async () => {
    let scored = 0;
    const counting: ScorePosters = (pixels, count) => {
      scored += count;
      return cornerModel(pixels, count);
    };
    const grid = await occlusionSaliency(posterWithBrightCorner(), HEIGHT, WIDTH, 1, 2, counting, 5);
    expect(scored).toBe(OCCLUSION_COPIES + 1);
    expect(grid.rows).toBe(SALIENCY_CELLS);
    expect(grid.probability).toBeCloseTo(1);
    expect(grid.lowestProbability).toBeLessThan(0.9);
    const at = (row: number, col: number) => grid.heat[row * SALIENCY_CELLS + col];
    expect(Math.max(...grid.heat)).toBe(1);
    // The corner quarter is cells 0-1 in both directions; the far corner has no heat.
    expect(at(0, 0)).toBeGreaterThan(0.5);
    expect(at(1, 1)).toBeGreaterThan(0.5);
    expect(at(7, 7)).toBe(0);
    expect(at(5, 2)).toBe(0);
  });

  it('shows no heat for a genre no region moves, rather than amplifying noise', async () => {
    const grid = await occlusionSaliency(posterWithBrightCorner(), HEIGHT, WIDTH, 0, 2, cornerModel);
    expect(grid.heat.every((value) => value === 0)).toBe(true);
    expect(grid.lowestProbability).toBeCloseTo(0.3);
  });

  it('refuses pixels that do not match the size, and posters too small to cut', async () => {
    await expect(occlusionSaliency(new Uint8Array(10), HEIGHT, WIDTH, 0, 2, cornerModel)).rejects.toThrow(/expected 3840 pixel values/);
    await expect(occlusionSaliency(new Uint8Array(4 * 4 * 3), 4, 4, 0, 2, cornerModel)).rejects.toThrow(/too small/);
  });
});
