import { DEFAULT_MAX_PIXELS, SNIFF_BYTES, checkPosterHeader, type PosterHeaderCheck } from '../data/imageHeader';
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

/** Far above any poster (a 300x440 JPEG is about 40 KB); a bigger file is not read at all. */
export const MAX_POSTER_BYTES = 50 * 1024 * 1024;

/**
 * Refuses what the header already condemns (random bytes, a declared
 * 30000x30000 image, an 8000x8000 GIF frame) before the decoder allocates
 * anything for it. The first 64 KB usually tell; when they do not (a JPEG's
 * frame header behind a big EXIF block) or when every frame counts (GIF), the
 * whole file is read and sniffed again.
 */
async function checkHeader(file: Blob): Promise<Extract<PosterHeaderCheck, { ok: true }>> {
  if (file.size > MAX_POSTER_BYTES) {
    throw new PosterDecodeError(
      `the file is ${(file.size / 1024 / 1024).toFixed(0)} MB; posters of up to ${MAX_POSTER_BYTES / 1024 / 1024} MB are read`,
    );
  }
  let header = checkPosterHeader(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()), {}, file.size <= SNIFF_BYTES);
  if (header.ok && file.size > SNIFF_BYTES && (header.sniff.width === undefined || header.sniff.format === 'gif')) {
    header = checkPosterHeader(new Uint8Array(await file.arrayBuffer()), {}, true);
  }
  if (!header.ok) throw new PosterDecodeError(header.reason);
  return header;
}

/** The image at its own size, refused above the pixel limit: for formats whose header gives no size. */
async function checkedFullSize(file: Blob): Promise<ImageBitmap> {
  const full = await createImageBitmap(file, { imageOrientation: 'from-image' });
  if (full.width * full.height > DEFAULT_MAX_PIXELS) {
    full.close();
    throw new PosterDecodeError(`decoded ${full.width}x${full.height} pixels exceeds the ${DEFAULT_MAX_PIXELS / 1e6} MP limit`);
  }
  return full;
}

/**
 * IMPORTANT: the one way a poster becomes pixels, for training, validation and
 * prediction alike. The browser's native decoder resizes while decoding
 * (squashing to spec's size, as the tutorial does; EXIF orientation applied),
 * then the RGBA canvas pixels are packed into `out` as RGB uint8, HWC.
 */
export async function decodePoster(file: Blob, spec: InputSpec, out?: Uint8Array): Promise<Uint8Array> {
  const header = await checkHeader(file);
  let bitmap: ImageBitmap;
  try {
    // A size no header told (AVIF, say): decode at full size, check it, then resize.
    const source = header.sniff.width === undefined ? await checkedFullSize(file) : file;
    bitmap = await createImageBitmap(source, {
      resizeWidth: spec.width,
      resizeHeight: spec.height,
      resizeQuality: 'high',
      imageOrientation: 'from-image',
    });
    if (source !== file) (source as ImageBitmap).close();
  } catch (error) {
    if (error instanceof PosterDecodeError) throw error;
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
