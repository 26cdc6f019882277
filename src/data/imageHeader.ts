/**
 * Reads what an image file says about itself before anyone decodes it: the
 * format by its magic bytes, and the pixel size its header declares.
 *
 * Why: a folder of "posters" can hold anything — a 0-byte file, an HTML page
 * saved as .jpg, a JPEG whose header claims 30000x30000 pixels. The browser's
 * decoder would allocate for the declared size first and fail (or stall the
 * worker) later; a header check costs one 64 KB read and turns each of these
 * into a one-line reason next to the file name.
 *
 * No DOM, no tf: bytes in, plain data out, so it runs under Vitest in Node.
 */

/** How much of a file the sniffer looks at: callers read `file.slice(0, SNIFF_BYTES)`. */
export const SNIFF_BYTES = 64 * 1024;

/** The default ceiling for `checkPosterHeader`: far above any poster (300x425 is 0.13 MP). */
export const DEFAULT_MAX_PIXELS = 50_000_000;

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'unknown';

export interface ImageSniff {
  format: ImageFormat;
  /**
   * Declared size in pixels, both set or both absent. Absent when the header
   * does not state it within the bytes read (a JPEG whose frame header sits
   * behind 64 KB of EXIF, an AVIF) or when `defect` is set.
   */
  width?: number;
  height?: number;
  /** JPEG: the frame is progressive (SOF2; also SOF6, SOF10, SOF14). */
  progressive?: boolean;
  /** JPEG: colour components of the frame: 1 grayscale, 3 YCbCr or RGB, 4 CMYK or YCCK. */
  components?: number;
  /** BMP: rows are stored top row first (the header's height is negative). */
  topDown?: boolean;
  /** GIF, sniffed in full: the largest frame (image descriptor), which may exceed the logical screen. */
  largestFrame?: { width: number; height: number };
  /**
   * Why the header cannot belong to a decodable image: it is cut short, or a
   * structure no decoder accepts. Worded to follow "<file>: skipped, ".
   */
  defect?: string;
}

export type PosterHeaderCheck = { ok: true; sniff: ImageSniff } | { ok: false; reason: string };

export interface PosterHeaderLimits {
  /** Largest declared width x height accepted; default `DEFAULT_MAX_PIXELS`. */
  maxPixels?: number;
}

/**
 * `bytes` is the start of the file: the whole file, or at least its first
 * `SNIFF_BYTES` bytes. Only the first `SNIFF_BYTES` are read.
 *
 * IMPORTANT: a header that runs past the end of `bytes` counts as truncated
 * only when `bytes` is the whole file (by default: when it is shorter than
 * `SNIFF_BYTES`). At the window's edge the size is reported unknown instead:
 * callers then read the whole file and sniff again (a JPEG whose frame
 * header sits behind a huge EXIF block; every frame of a GIF).
 */
export function sniffImage(bytes: Uint8Array, isWholeFile = bytes.length < SNIFF_BYTES): ImageSniff {
  const view = isWholeFile ? bytes : bytes.subarray(0, SNIFF_BYTES);
  const reader = new ByteReader(view, isWholeFile);
  const format = formatOf(view);
  switch (format) {
    case 'jpeg':
      return sniffJpeg(reader);
    case 'png':
      return sniffPng(reader);
    case 'gif':
      return sniffGif(reader);
    case 'webp':
      return sniffWebp(reader);
    case 'bmp':
      return sniffBmp(reader);
    case 'avif':
      // The size sits in an `ispe` box deep in `meta`; not worth a box parser here.
      return { format };
    case 'unknown':
      return { format };
    default: {
      const unreachable: never = format;
      throw new Error(`unhandled image format ${String(unreachable)}`);
    }
  }
}

/**
 * Whether a poster's header is worth handing to the decoder: a known format,
 * not cut short, and a declared size of at most `maxPixels`. An unknown size
 * passes (the decoder decides); a zero width or height does not.
 */
export function checkPosterHeader(bytes: Uint8Array, limits: PosterHeaderLimits = {}, isWholeFile = bytes.length < SNIFF_BYTES): PosterHeaderCheck {
  const maxPixels = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (bytes.length === 0) return { ok: false, reason: 'the file is empty (0 bytes)' };
  const sniff = sniffImage(bytes, isWholeFile);
  if (sniff.format === 'unknown') {
    return { ok: false, reason: `not an image (unknown format, first bytes ${hexPreview(bytes)})` };
  }
  if (sniff.defect) return { ok: false, reason: sniff.defect };
  if (sniff.width === undefined || sniff.height === undefined) return { ok: true, sniff };
  const { width, height } = sniff;
  if (width === 0 || height === 0) {
    return { ok: false, reason: `the ${FORMAT_NAMES[sniff.format]} header declares an empty ${width}x${height} image` };
  }
  const pixels = width * height;
  if (pixels > maxPixels) {
    return {
      ok: false,
      reason: `declared ${width}x${height} pixels (${formatMegapixels(pixels, 'up')} MP) exceeds the ${formatMegapixels(maxPixels, 'down')} MP limit`,
    };
  }
  // A GIF's frames may be larger than its logical screen, and the decoder allocates for the frame.
  const frame = sniff.largestFrame;
  if (frame && frame.width * frame.height > maxPixels) {
    return {
      ok: false,
      reason: `a GIF frame declares ${frame.width}x${frame.height} pixels (${formatMegapixels(frame.width * frame.height, 'up')} MP), more than the ${formatMegapixels(maxPixels, 'down')} MP limit`,
    };
  }
  return { ok: true, sniff };
}

const FORMAT_NAMES: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  avif: 'AVIF',
  unknown: 'unknown',
};

/** Bytes shown in the "not an image" reason: enough to tell HTML, PDF, ZIP or HEIC apart. */
const PREVIEW_BYTES = 8;

function hexPreview(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, PREVIEW_BYTES), (byte) => byte.toString(16).padStart(2, '0'));
  return shown.join(' ') + (bytes.length > PREVIEW_BYTES ? ' ...' : '');
}

/**
 * One decimal, rounded away from the limit so that a size just over it never
 * prints as equal to it ("50.1 MP exceeds the 50 MP limit").
 */
function formatMegapixels(pixels: number, rounding: 'up' | 'down'): string {
  const tenths = pixels / 100_000;
  const rounded = (rounding === 'up' ? Math.ceil(tenths) : Math.floor(tenths)) / 10;
  return String(rounded);
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, k) => bytes[offset + k] === byte);
}

function ascii(text: string): number[] {
  return Array.from(text, (ch) => ch.charCodeAt(0));
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Format by magic bytes alone. The checks need only as many bytes as the
 * signature, so a 3-byte `ff d8 ff` is a (truncated) JPEG, not "unknown".
 */
function formatOf(bytes: Uint8Array): ImageFormat {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('BM'))) return 'bmp';
  // ISO-BMFF: [size]['ftyp'][major brand]. Chromium decodes AVIF, so it must not read as "unknown".
  if (startsWith(bytes, ascii('ftyp'), 4) && (startsWith(bytes, ascii('avif'), 8) || startsWith(bytes, ascii('avis'), 8))) {
    return 'avif';
  }
  return 'unknown';
}

/** Bounds-checked big- and little-endian reads that say whether they ran off the end. */
class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    /** The bytes are the whole file, so running off the end means the file is cut short. */
    readonly isWholeFile: boolean,
  ) {}

  has(offset: number, count: number): boolean {
    return offset >= 0 && offset + count <= this.bytes.length;
  }

  u8(offset: number): number {
    return this.bytes[offset];
  }

  u16be(offset: number): number {
    return (this.bytes[offset] << 8) | this.bytes[offset + 1];
  }

  u16le(offset: number): number {
    return this.bytes[offset] | (this.bytes[offset + 1] << 8);
  }

  u24le(offset: number): number {
    return this.bytes[offset] | (this.bytes[offset + 1] << 8) | (this.bytes[offset + 2] << 16);
  }

  u32be(offset: number): number {
    return ((this.bytes[offset] << 24) >>> 0) + ((this.bytes[offset + 1] << 16) | (this.bytes[offset + 2] << 8) | this.bytes[offset + 3]);
  }

  u32le(offset: number): number {
    return this.u16le(offset) + this.u16le(offset + 2) * 0x10000;
  }

  i32le(offset: number): number {
    return this.u32le(offset) | 0;
  }

  /**
   * What to report when the header needs bytes past the end: a defect when the
   * file ends there, else nothing (size unknown, the decoder decides).
   */
  endReached(format: ImageFormat, what: string): ImageSniff {
    if (!this.isWholeFile) return { format };
    return {
      format,
      defect: `truncated ${FORMAT_NAMES[format]} header (the file ends at byte ${this.bytes.length}, before ${what})`,
    };
  }
}

/**
 * SOFn markers C0..CF carry the frame header (and so the size), except
 * C4 (DHT), C8 (JPG, reserved) and CC (DAC), which share the range.
 */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** SOF2, SOF6, SOF10, SOF14: progressive DCT (Huffman or arithmetic, plain or differential). */
const PROGRESSIVE_SOF = new Set([0xc2, 0xc6, 0xca, 0xce]);

/** Markers without a length field: TEM, RST0..RST7, SOI. (EOI is handled apart.) */
function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

/**
 * Walks segments from SOI to the first frame header. Bytes between segments
 * that are not a marker are skipped, as libjpeg does (with a warning), rather
 * than rejecting a file the browser would show.
 */
function sniffJpeg(reader: ByteReader): ImageSniff {
  const format = 'jpeg';
  let offset = 2; // after SOI (ff d8)
  for (;;) {
    while (reader.has(offset, 1) && reader.u8(offset) !== 0xff) offset += 1;
    // Any number of 0xff fill bytes may precede a marker.
    while (reader.has(offset, 1) && reader.u8(offset) === 0xff) offset += 1;
    if (!reader.has(offset, 1)) return reader.endReached(format, 'the image size');
    const marker = reader.u8(offset);
    offset += 1;
    if (marker === 0x00) continue; // a stuffed ff 00 is data, not a marker
    if (marker === 0xd9) return { format, defect: 'the JPEG ends (EOI marker) before any frame header gives its size' };
    if (isStandalone(marker)) continue;
    if (!reader.has(offset, 2)) return reader.endReached(format, 'the image size');
    const length = reader.u16be(offset);
    if (length < 2) return { format, defect: `corrupt JPEG header (segment length ${length} at byte ${offset})` };
    if (marker === 0xda) {
      // Scan data before any frame header: no decoder can know the size.
      return { format, defect: 'corrupt JPEG header (image data starts before any frame header)' };
    }
    if (isStartOfFrame(marker)) {
      // [length:2][precision:1][height:2][width:2][components:1]
      if (!reader.has(offset, 8)) return reader.endReached(format, 'the image size');
      if (length < 8) return { format, defect: `corrupt JPEG frame header (length ${length})` };
      return {
        format,
        height: reader.u16be(offset + 3),
        width: reader.u16be(offset + 5),
        components: reader.u8(offset + 7),
        progressive: PROGRESSIVE_SOF.has(marker),
      };
    }
    offset += length;
  }
}

/** [signature:8][length:4]['IHDR'][width:4][height:4]..., big-endian. */
function sniffPng(reader: ByteReader): ImageSniff {
  const format = 'png';
  if (!reader.has(12, 4)) return reader.endReached(format, 'the IHDR chunk');
  if (!startsWith(reader.bytes, ascii('IHDR'), 12)) {
    return { format, defect: 'corrupt PNG header (the first chunk is not IHDR)' };
  }
  if (!reader.has(16, 8)) return reader.endReached(format, 'the image size');
  return { format, width: reader.u32be(16), height: reader.u32be(20) };
}

/**
 * ['GIF8?a'][screen width:2][screen height:2], little-endian: the logical
 * screen. When the bytes are the whole file, every frame's image descriptor
 * too: a frame may declare far more pixels than the screen, and the decoder
 * allocates for it (a 1x1 screen around an 8000x8000 frame).
 */
function sniffGif(reader: ByteReader): ImageSniff {
  const format = 'gif';
  if (!reader.has(6, 4)) return reader.endReached(format, 'the image size');
  const sniff: ImageSniff = { format, width: reader.u16le(6), height: reader.u16le(8) };
  if (!reader.isWholeFile) return sniff;
  const colorTable = (packed: number) => (packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0);
  /** Skips data sub-blocks ([size:1][data:size]... until a 0 size); the offset after them, or -1 past the end. */
  const skipSubBlocks = (from: number) => {
    let offset = from;
    while (reader.has(offset, 1)) {
      const size = reader.u8(offset);
      offset += 1 + size;
      if (size === 0) return offset;
    }
    return -1;
  };
  let offset = 13 + (reader.has(10, 1) ? colorTable(reader.u8(10)) : 0);
  let largest: { width: number; height: number } | undefined;
  while (reader.has(offset, 1)) {
    const block = reader.u8(offset);
    if (block === 0x3b) break; // trailer
    if (block === 0x21) {
      // Extension: [0x21][label:1] then sub-blocks.
      offset = skipSubBlocks(offset + 2);
    } else if (block === 0x2c) {
      // Image descriptor: [0x2c][left:2][top:2][width:2][height:2][packed:1], a local colour table, [LZW size:1], sub-blocks.
      if (!reader.has(offset, 10)) return reader.endReached(format, 'a frame header');
      const frame = { width: reader.u16le(offset + 5), height: reader.u16le(offset + 7) };
      if (!largest || frame.width * frame.height > largest.width * largest.height) largest = frame;
      offset = skipSubBlocks(offset + 10 + colorTable(reader.u8(offset + 9)) + 1);
    } else {
      break; // bytes after the frames that no block starts: decoders stop here too
    }
    if (offset < 0) break; // cut short inside a frame: the decoder shows what is there
  }
  return largest ? { ...sniff, largestFrame: largest } : sniff;
}

/** ['RIFF'][size:4]['WEBP'] then the first chunk: VP8 (lossy), VP8L (lossless) or VP8X (extended). */
function sniffWebp(reader: ByteReader): ImageSniff {
  const format = 'webp';
  if (!reader.has(12, 8)) return reader.endReached(format, 'the first chunk');
  const bytes = reader.bytes;
  if (startsWith(bytes, ascii('VP8 '), 12)) {
    // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height (top 2 bits: scaling).
    if (!reader.has(20, 10)) return reader.endReached(format, 'the image size');
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) return { format, defect: 'corrupt WebP header (VP8 start code missing)' };
    return { format, width: reader.u16le(26) & 0x3fff, height: reader.u16le(28) & 0x3fff };
  }
  if (startsWith(bytes, ascii('VP8L'), 12)) {
    // Signature 0x2f, then 14 bits width-1 and 14 bits height-1, LSB first.
    if (!reader.has(20, 5)) return reader.endReached(format, 'the image size');
    if (reader.u8(20) !== 0x2f) return { format, defect: 'corrupt WebP header (VP8L signature missing)' };
    const bits = reader.u32le(21);
    return { format, width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (startsWith(bytes, ascii('VP8X'), 12)) {
    // Flags (1) and reserved (3), then 24-bit canvas width-1 and height-1.
    if (!reader.has(20, 10)) return reader.endReached(format, 'the image size');
    return { format, width: reader.u24le(24) + 1, height: reader.u24le(27) + 1 };
  }
  return { format, defect: 'corrupt WebP header (the first chunk is not VP8, VP8L or VP8X)' };
}

/**
 * ['BM'][file header, 12 bytes][DIB header size:4] then, for the 12-byte OS/2
 * core header, unsigned 16-bit width and height; for every later header
 * (BITMAPINFOHEADER 40, V4 108, V5 124, OS/2 v2 16/64), signed 32-bit ones.
 */
function sniffBmp(reader: ByteReader): ImageSniff {
  const format = 'bmp';
  if (!reader.has(14, 4)) return reader.endReached(format, 'the DIB header');
  const dibSize = reader.u32le(14);
  if (dibSize === 12) {
    if (!reader.has(18, 4)) return reader.endReached(format, 'the image size');
    return { format, width: reader.u16le(18), height: reader.u16le(20), topDown: false };
  }
  if (dibSize < 16) return { format, defect: `corrupt BMP header (DIB header size ${dibSize})` };
  if (!reader.has(18, 8)) return reader.endReached(format, 'the image size');
  const width = reader.i32le(18);
  const height = reader.i32le(22);
  if (width < 0) return { format, defect: `corrupt BMP header (negative width ${width})` };
  return { format, width, height: Math.abs(height), topDown: height < 0 };
}
