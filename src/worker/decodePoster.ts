import { SNIFF_BYTES, checkPosterHeader } from '../data/imageHeader';
import { CHANNELS, type InputSpec } from '../data/inputSpec';

/** Decoding one poster failed; the message is shown to the user with the file name. */
export class PosterDecodeError extends Error {}

let canvas: OffscreenCanvas | undefined;
let context: OffscreenCanvasRenderingContext2D | undefined;

function canvasOfSize(width: number, height: number): OffscreenCanvasRenderingContext2D {
  if (!canvas || !context || canvas.width !== width || canvas.height !== height) {
    canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new PosterDecodeError('this browser has no 2D OffscreenCanvas');
    context = ctx;
  }
  return context;
}

/**
 * IMPORTANT: the one way a poster becomes pixels, for training, validation and
 * prediction alike. The browser's native decoder resizes while decoding
 * (squashing to spec's size, as the tutorial does; EXIF orientation applied),
 * then the RGBA canvas pixels are packed into `out` as RGB uint8, HWC.
 */
export async function decodePoster(file: Blob, spec: InputSpec, out?: Uint8Array): Promise<Uint8Array> {
  // Refuse what the header already condemns (random bytes, a declared 30000x30000
  // image) before the decoder allocates anything for it.
  const header = checkPosterHeader(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
  if (!header.ok) throw new PosterDecodeError(header.reason);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, {
      resizeWidth: spec.width,
      resizeHeight: spec.height,
      resizeQuality: 'high',
      imageOrientation: 'from-image',
    });
  } catch (error) {
    throw new PosterDecodeError(`not a decodable image (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    const ctx = canvasOfSize(spec.width, spec.height);
    ctx.clearRect(0, 0, spec.width, spec.height);
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, spec.width, spec.height).data;
    const pixelCount = spec.width * spec.height;
    const rgb = out ?? new Uint8Array(pixelCount * CHANNELS);
    for (let p = 0, q = 0; p < pixelCount; p++, q += 4) {
      rgb[p * 3] = rgba[q];
      rgb[p * 3 + 1] = rgba[q + 1];
      rgb[p * 3 + 2] = rgba[q + 2];
    }
    return rgb;
  } finally {
    bitmap.close();
  }
}
