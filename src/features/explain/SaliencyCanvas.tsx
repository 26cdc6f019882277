import { useEffect, useRef } from 'react';
import type { SaliencyGrid } from '../../worker/protocol';

/** Heat 0..1 to a warm colour whose opacity grows with the heat: cold regions leave the poster as it is. */
function heatColour(value: number): [number, number, number, number] {
  const v = Math.max(0, Math.min(1, value));
  return [255, Math.round(220 * (1 - v)), 0, Math.round(200 * v)];
}

/**
 * The saliency grid drawn over a poster: the coarse grid is painted one pixel
 * per cell, then scaled up by the browser with smoothing, which blurs the
 * cell edges into a heatmap. Decorative: the text next to it says the same.
 */
export function SaliencyCanvas({ grid }: { grid: SaliencyGrid }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const target = canvas.current;
    const context = target?.getContext('2d');
    if (!target || !context) return;
    const cells = new OffscreenCanvas(grid.cols, grid.rows);
    const cellContext = cells.getContext('2d');
    if (!cellContext) return;
    const image = cellContext.createImageData(grid.cols, grid.rows);
    grid.heat.forEach((value, k) => image.data.set(heatColour(value), k * 4));
    cellContext.putImageData(image, 0, 0);
    context.clearRect(0, 0, target.width, target.height);
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(cells, 0, 0, target.width, target.height);
  }, [grid]);
  // The backing store's size only sets the blur's resolution; CSS stretches the canvas over the image.
  return <canvas ref={canvas} className="saliency-canvas" width={grid.cols * 16} height={grid.rows * 16} aria-hidden="true" />;
}
