/**
 * Hostile inputs for the e2e tests, generated at test time into a temp folder:
 * posters that are empty, cut short, random, in other formats under a .jpg
 * name, or declaring 900 megapixels; and a labels CSV with every quirk a
 * spreadsheet export can have. Each case says exactly what the app must do
 * with it, so the spec only has to loop.
 *
 * IMPORTANT: no image file is committed. Real posters are copied from
 * ../shared/posters; the small synthetic images are base64 constants (each a
 * 16x24 vertical gradient, made once with ImageMagick 6 / libjpeg-turbo 2.1 /
 * libwebp 1.2 and exiftool, none of which a test run needs) or built here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageFormat } from '../src/data/imageHeader';
import { makePosterSubset } from './fixtures';

/** What the app must do with one poster file while training. */
export type PosterOutcome =
  | { outcome: 'trained' }
  | {
      outcome: 'skipped';
      /**
       * Matches the reason after "<file>: skipped, ". Alternatives cover the
       * browser decoder's wording and `checkPosterHeader`'s, whichever runs first.
       */
      reason: RegExp;
      /** Only `checkPosterHeader` (src/data/imageHeader.ts), once decodePoster calls it, gives this reason. */
      needsHeaderCheck: boolean;
    };

/** What `checkPosterHeader` must say about the bytes (checked in Node, no browser). */
export type HeaderExpectation =
  { ok: true; format: ImageFormat; width?: number; height?: number; components?: number; progressive?: boolean } | { ok: false; reason: RegExp };

export interface HostilePosterCase {
  /** Poster Id; the file is `<id>.jpg` whatever its real format. */
  id: string;
  file: string;
  description: string;
  header: HeaderExpectation;
  expected: PosterOutcome;
}

export interface HostilePosterCorpus {
  dir: string;
  /** The folder's `train.csv`: a clean comma CSV with one row per real and per hostile poster. */
  csvPath: string;
  realIds: string[];
  cases: HostilePosterCase[];
  /** Every file the app should find: real posters plus hostile ones. */
  posterCount: number;
}

/** One CSV problem the dataset report must show. */
export interface CsvProblem {
  /** `InputIssue.kind`: the heading of its group in the report. */
  kind: string;
  /** 1-based physical line the report names (header = 1), or the file for poster issues. */
  line?: number;
  file?: string;
  /** A fragment of the exact message (src/data/labelsCsv.ts, src/data/datasetReport.ts). */
  message: string;
  description: string;
}

export interface HostileCsvCorpus {
  dir: string;
  csvPath: string;
  /** What each line of the CSV holds, for people reading a failure. */
  lineNotes: string[];
  problems: CsvProblem[];
  postersFound: number;
  /** Rows with a poster that survive validation. */
  usableExamples: number;
  /** Data lines read: all non-blank lines after the header. */
  rowsRead: number;
  genreCount: number;
}

// 16x24 images, vertical gradient #d04020 -> #2040c0; the spec checks that Chromium (156) decodes each.
const PNG_16X24 =
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAYCAIAAAB8wupbAAAAK0lEQVQ4y2O84KDAQApg+cHARqoGdtI0/CRVA8k2jDpp1EmjTqKnk0i1AQDlkBh+JBA+PwAAAABJRU5ErkJggg==';
/** Lossy VP8. */
const WEBP_16X24 =
  'UklGRmwAAABXRUJQVlA4IGAAAAAQBACdASoQABgAPm0skkW1IqGYBAFQBsS1AE6ZQjgbyD8Saj/2gAHfAAD+7kw/l03Wi+mYt0Mpqf/nrhg0+z/v5SP8NSyP1npcHf9TehEJ5zRdB3+pewvZOsTj+soAAAA=';
/** GIF89a, 16-colour palette, LZW. */
const GIF_16X24 =
  'R0lGODlhEAAYAPMAAHRAc7VAOMhAJ5NAWKZARoNAZjNAr1JAk2VAgSBAwAAAAAAAAAAAAAAAAAAAAAAAACH5BAAAAAAALAAAAAAQABgAAARtUMhJq714Brlp+MIHhiInBsSpokTbsm4sz/Jgt3aeE3rv64VcsDcsGI/IpBHALDCfAGcUSq1SEQBsFqvNehHc8HZ7OCDKZzN6XW673/C43G0o1+8Hg35/x/f5gIGCg3oJhgYJhYmHiIaOj5CGEQA7';
/** Baseline, one component (SOF0 with Nf = 1). */
const JPEG_GRAY_16X24 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAUDBAQEAwUEBAQFBQUGBwwIBwcHBw8LCwkMEQ8SEhEPERETFhwXExQaFRERGCEYGh0dHx8fExciJCIeJBweHx7/wAALCAAYABABAREA/8QAFgABAQEAAAAAAAAAAAAAAAAAAAQG/8QAFhAAAwAAAAAAAAAAAAAAAAAAABNh/9oACAEBAAA/AMA2htIG0NpC2htP/9k=';
/** Four components with an Adobe APP14 marker (transform 2, YCCK), as Photoshop saves CMYK. */
const JPEG_CMYK_16X24 =
  '/9j/7gAOQWRvYmUAZAAAAAAC/9sAQwAFAwQEBAMFBAQEBQUFBgcMCAcHBwcPCwsJDBEPEhIRDxERExYcFxMUGhURERghGBodHR8fHxMXIiQiHiQcHh8e/9sAQwEFBQUHBgcOCAgOHhQRFB4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4e/8AAFAgAGAAQBAEiAAIRAQMRAQQiAP/EABcAAQEBAQAAAAAAAAAAAAAAAAAHBgX/xAAhEAABAwIHAQAAAAAAAAAAAAAAFlKhAQUCEhQVU2Jjkf/EABYBAQEBAAAAAAAAAAAAAAAAAAgCB//EABsRAAEEAwAAAAAAAAAAAAAAAAADFlFSBBQV/9oADgQBAAIRAxEEAAA/AOZuVHDcqOMflunFT6Mt04qfS3wlJi7dWqVVR+khR+kku1NwbI1NwbJV0/gYE/gYAHTbVkR3Ox6m7T/SAn+kAH//2Q==';
/** SOF2, several scans. */
const JPEG_PROGRESSIVE_16X24 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAUDBAQEAwUEBAQFBQUGBwwIBwcHBw8LCwkMEQ8SEhEPERETFhwXExQaFRERGCEYGh0dHx8fExciJCIeJBweHx7/2wBDAQUFBQcGBw4ICA4eFBEUHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh7/wgARCAAYABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAQF/8QAFQEBAQAAAAAAAAAAAAAAAAAABgP/2gAMAwEAAhADEAAAAcdKmhmDQh//xAAVEAEBAAAAAAAAAAAAAAAAAAAAEf/aAAgBAQABBQKqqqr/xAAXEQEAAwAAAAAAAAAAAAAAAAAAAhMV/9oACAEDAQE/AdBdN//EABcRAQADAAAAAAAAAAAAAAAAAAACExX/2gAIAQIBAT8BzlEH/8QAFBABAAAAAAAAAAAAAAAAAAAAIP/aAAgBAQAGPwJf/8QAFBABAAAAAAAAAAAAAAAAAAAAIP/aAAgBAQABPyFf/wD/2gAMAwEAAgADAAAAEDwP/8QAFhEBAQEAAAAAAAAAAAAAAAAAAGFx/9oACAEDAQE/ENLP/8QAFhEBAQEAAAAAAAAAAAAAAAAAAGFx/9oACAECAQE/EMoP/8QAFhABAQEAAAAAAAAAAAAAAAAAAHEQ/9oACAEBAAE/EM7Wtb//2Q==';
/** Baseline YCbCr 4:2:0; the base of the EXIF, huge-EXIF and 900 MP variants. */
const JPEG_BASELINE_16X24 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAUDBAQEAwUEBAQFBQUGBwwIBwcHBw8LCwkMEQ8SEhEPERETFhwXExQaFRERGCEYGh0dHx8fExciJCIeJBweHx7/2wBDAQUFBQcGBw4ICA4eFBEUHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh7/wAARCAAYABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAUG/8QAFhABAQEAAAAAAAAAAAAAAAAAABNh/8QAFQEBAQAAAAAAAAAAAAAAAAAABwP/xAAZEQABBQAAAAAAAAAAAAAAAAAAAxQWUWH/2gAMAwEAAhEDEQA/AMfcumX0vqEcwQ5BpMvpfQM7FGggerWf/9k=';
/** The baseline image with an EXIF APP1 holding Orientation = 6 (rotate 90° clockwise to display). */
const JPEG_EXIF_ORIENTATION_6_16X24 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/4QBiRXhpZgAATU0AKgAAAAgABQESAAMAAAABAAYAAAEaAAUAAAABAAAASgEbAAUAAAABAAAAUgEoAAMAAAABAAEAAAITAAMAAAABAAEAAAAAAAAAAAABAAAAAQAAAAEAAAAB/9sAQwAFAwQEBAMFBAQEBQUFBgcMCAcHBwcPCwsJDBEPEhIRDxERExYcFxMUGhURERghGBodHR8fHxMXIiQiHiQcHh8e/9sAQwEFBQUHBgcOCAgOHhQRFB4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4e/8AAEQgAGAAQAwEiAAIRAQMRAf/EABYAAQEBAAAAAAAAAAAAAAAAAAAFBv/EABYQAQEBAAAAAAAAAAAAAAAAAAATYf/EABUBAQEAAAAAAAAAAAAAAAAAAAcD/8QAGREAAQUAAAAAAAAAAAAAAAAAAAMUFlFh/9oADAMBAAIRAxEAPwDH3Lpl9L6hHMEOQaTL6X0DOxRoIHq1n//Z';

function fromBase64(base64: string): Buffer {
  return Buffer.from(base64, 'base64');
}

/** Deterministic bytes (xorshift32), so a failure names the same "first bytes" every run. */
export function seededBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let k = 0; k < length; k++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[k] = state & 0xff;
  }
  return out;
}

/**
 * A 24-bit BMP (BITMAPINFOHEADER) of a diagonal gradient. Rows are padded to
 * 4 bytes and stored bottom-up unless `topDown`, which writes a negative height.
 */
export function encodeBmp(width: number, height: number, topDown = false): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const pixelOffset = 14 + 40;
  const out = Buffer.alloc(pixelOffset + rowBytes * height);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(pixelOffset, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(topDown ? -height : height, 22);
  out.writeUInt16LE(1, 26); // planes
  out.writeUInt16LE(24, 28); // bits per pixel; compression (30) stays 0 = BI_RGB
  out.writeUInt32LE(rowBytes * height, 34);
  for (let y = 0; y < height; y++) {
    const stored = topDown ? y : height - 1 - y;
    for (let x = 0; x < width; x++) {
      const at = pixelOffset + stored * rowBytes + x * 3;
      out[at] = Math.round((255 * y) / Math.max(height - 1, 1)); // B
      out[at + 1] = 96; // G
      out[at + 2] = Math.round((255 * x) / Math.max(width - 1, 1)); // R
    }
  }
  return out;
}

/** Offset of the first SOF0 marker (ff c0) in a JPEG built by libjpeg (no ff c0 before it). */
function sof0Offset(jpeg: Buffer): number {
  const at = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  if (at < 0) throw new Error('no SOF0 marker in the base JPEG');
  return at;
}

/**
 * The baseline JPEG with its frame header rewritten to 30000x30000 and the
 * scan data after SOS replaced by random bytes (no EOI): a decoder believing
 * the header would allocate 900 megapixels before finding the data is junk.
 */
export function absurdDimensionJpeg(): Buffer {
  const jpeg = fromBase64(JPEG_BASELINE_16X24);
  const headerEnd = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  const scanHeaderLength = jpeg.readUInt16BE(headerEnd + 2);
  const head = Buffer.from(jpeg.subarray(0, headerEnd + 2 + scanHeaderLength));
  const sof = sof0Offset(head);
  // [ff c0][length:2][precision:1][height:2][width:2]
  head.writeUInt16BE(30000, sof + 5);
  head.writeUInt16BE(30000, sof + 7);
  return Buffer.concat([head, seededBytes(4096, 900)]);
}

/**
 * The baseline JPEG with ~128 KB of EXIF and XMP before its frame header, so
 * the size lies beyond the 64 KB that checkPosterHeader reads: it must pass
 * (size unknown) and decode normally.
 */
export function hugeMetadataJpeg(): Buffer {
  const jpeg = fromBase64(JPEG_BASELINE_16X24);
  const segment = (marker: number, signature: Buffer, fill: number): Buffer => {
    // Largest legal segment: the 16-bit length counts itself, so 65,533 payload bytes.
    const payload = Buffer.alloc(65_533, fill);
    signature.copy(payload);
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([head, payload]);
  };
  // A valid, empty big-endian TIFF block (header + IFD with no entries) followed by padding,
  // like a camera's maker notes; then an XMP packet padded with spaces, as Adobe tools do.
  const exifSignature = Buffer.from([...Buffer.from('Exif\0\0', 'latin1'), 0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0]);
  const xmpSignature = Buffer.from('http://ns.adobe.com/xap/1.0/\0<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><?xpacket end="w"?>', 'latin1');
  return Buffer.concat([jpeg.subarray(0, 2), segment(0xe1, exifSignature, 0), segment(0xe1, xmpSignature, 0x20), jpeg.subarray(2)]);
}

/**
 * hugeMetadataJpeg with its frame header declaring 12000x12000 pixels
 * (144 MP): the size sits beyond the first 64 KB, so only a whole-file read
 * of the segments finds it.
 */
export function paddedHugeJpeg(): Buffer {
  const padded = hugeMetadataJpeg();
  const sof = sof0Offset(padded);
  padded.writeUInt16BE(12000, sof + 5);
  padded.writeUInt16BE(12000, sof + 7);
  return padded;
}

/** A GIF whose logical screen is 1x1 but whose one frame declares 8000x8000 pixels (64 MP). */
export function hugeFrameGif(): Buffer {
  const screen = Buffer.from([...Buffer.from('GIF89a', 'latin1'), 1, 0, 1, 0, 0x00, 0, 0]);
  // Image descriptor: left, top, width 8000, height 8000, a 2-colour local table; LZW code size 2, one data sub-block.
  const frame = Buffer.from([0x2c, 0, 0, 0, 0, 0x40, 0x1f, 0x40, 0x1f, 0x80, 0, 0, 0, 255, 255, 255, 2, 2, 0x44, 0x01, 0]);
  return Buffer.concat([screen, frame, Buffer.from([0x3b])]);
}

interface CaseSource extends Omit<HostilePosterCase, 'file'> {
  /** The file's content; hostile cases cut from a real poster get its bytes. */
  bytes: (firstRealPoster: Buffer) => Buffer;
}

/** decodePoster's words when createImageBitmap rejects the bytes. */
const DECODER_FAILED = 'not a decodable image';

/** Every hostile poster, in the order rows are written. */
function posterCaseSources(): CaseSource[] {
  const jpegOk = (width: number, height: number, extra: Partial<Extract<HeaderExpectation, { ok: true }>> = {}): HeaderExpectation => ({
    ok: true,
    format: 'jpeg',
    width,
    height,
    ...extra,
  });
  const trained: PosterOutcome = { outcome: 'trained' };
  const sources: CaseSource[] = [
    {
      id: 'hostile-zero-byte',
      description: 'an empty file (0 bytes)',
      bytes: () => Buffer.alloc(0),
      header: { ok: false, reason: /^the file is empty \(0 bytes\)$/ },
      expected: { outcome: 'skipped', reason: /^the file is empty \(0 bytes\)$/, needsHeaderCheck: false },
    },
    {
      id: 'hostile-truncated-300',
      description: 'the first 300 bytes of a real poster: its frame header, no image data',
      bytes: (real) => Buffer.from(real.subarray(0, 300)),
      // The real posters' SOF sits near byte 160, so the header itself is whole; only the decoder can fail it.
      header: { ok: true, format: 'jpeg' },
      expected: { outcome: 'skipped', reason: new RegExp(`^(${DECODER_FAILED}|truncated JPEG header)`), needsHeaderCheck: false },
    },
    {
      id: 'hostile-truncated-header',
      description: 'the first 60 bytes of a real poster: cut inside the quantisation tables, before the size',
      bytes: (real) => Buffer.from(real.subarray(0, 60)),
      header: { ok: false, reason: /^truncated JPEG header \(the file ends at byte 60, before the image size\)$/ },
      expected: { outcome: 'skipped', reason: new RegExp(`^(${DECODER_FAILED}|truncated JPEG header)`), needsHeaderCheck: false },
    },
    {
      id: 'hostile-random-bytes',
      description: '4 KB of random bytes',
      bytes: () => seededBytes(4096, 7),
      header: { ok: false, reason: /^not an image \(unknown format, first bytes ([0-9a-f]{2} ){8}\.\.\.\)$/ },
      expected: { outcome: 'skipped', reason: new RegExp(`^(${DECODER_FAILED}|not an image \\(unknown format)`), needsHeaderCheck: false },
    },
    {
      id: 'hostile-absurd-dimensions',
      description: 'a JPEG header declaring 30000x30000 pixels, followed by random bytes',
      bytes: () => absurdDimensionJpeg(),
      header: { ok: false, reason: /^declared 30000x30000 pixels \(900 MP\) exceeds the 50 MP limit$/ },
      expected: { outcome: 'skipped', reason: /^declared 30000x30000 pixels \(900 MP\) exceeds the 50 MP limit$/, needsHeaderCheck: true },
    },
    {
      id: 'hostile-padded-huge-jpeg',
      description: 'a JPEG declaring 12000x12000 pixels behind 128 KB of EXIF and XMP (beyond the first 64 KB read)',
      bytes: () => paddedHugeJpeg(),
      // The first 64 KB cannot tell; decodePoster reads the whole file before decoding.
      header: { ok: true, format: 'jpeg' },
      expected: { outcome: 'skipped', reason: /^declared 12000x12000 pixels \(144 MP\) exceeds the 50 MP limit$/, needsHeaderCheck: true },
    },
    {
      id: 'hostile-gif-huge-frame',
      description: 'a GIF with a 1x1 logical screen around one 8000x8000 frame',
      bytes: () => hugeFrameGif(),
      header: { ok: false, reason: /^a GIF frame declares 8000x8000 pixels \(64 MP\), more than the 50 MP limit$/ },
      expected: {
        outcome: 'skipped',
        reason: /^a GIF frame declares 8000x8000 pixels \(64 MP\), more than the 50 MP limit$/,
        needsHeaderCheck: true,
      },
    },
    {
      id: 'format-png',
      description: 'a PNG named .jpg',
      bytes: () => fromBase64(PNG_16X24),
      header: { ok: true, format: 'png', width: 16, height: 24 },
      expected: trained,
    },
    {
      id: 'format-webp',
      description: 'a lossy WebP named .jpg',
      bytes: () => fromBase64(WEBP_16X24),
      header: { ok: true, format: 'webp', width: 16, height: 24 },
      expected: trained,
    },
    {
      id: 'format-gif',
      description: 'a GIF named .jpg',
      bytes: () => fromBase64(GIF_16X24),
      header: { ok: true, format: 'gif', width: 16, height: 24 },
      expected: trained,
    },
    {
      id: 'format-bmp',
      description: 'a 24-bit bottom-up BMP named .jpg',
      bytes: () => encodeBmp(16, 24),
      header: { ok: true, format: 'bmp', width: 16, height: 24 },
      expected: trained,
    },
    {
      id: 'format-bmp-top-down',
      description: 'a 24-bit top-down BMP (negative height) named .jpg',
      bytes: () => encodeBmp(16, 24, true),
      header: { ok: true, format: 'bmp', width: 16, height: 24 },
      expected: trained,
    },
    {
      id: 'jpeg-grayscale',
      description: 'a one-component (grayscale) JPEG',
      bytes: () => fromBase64(JPEG_GRAY_16X24),
      header: jpegOk(16, 24, { components: 1, progressive: false }),
      expected: trained,
    },
    {
      id: 'jpeg-cmyk',
      description: 'a four-component (CMYK, Adobe YCCK) JPEG',
      bytes: () => fromBase64(JPEG_CMYK_16X24),
      header: jpegOk(16, 24, { components: 4, progressive: false }),
      expected: trained,
    },
    {
      id: 'jpeg-progressive',
      description: 'a progressive JPEG (SOF2)',
      bytes: () => fromBase64(JPEG_PROGRESSIVE_16X24),
      header: jpegOk(16, 24, { components: 3, progressive: true }),
      expected: trained,
    },
    {
      id: 'jpeg-exif-rotated',
      description: 'a JPEG with EXIF Orientation 6 (stored 16x24, shown 24x16)',
      bytes: () => fromBase64(JPEG_EXIF_ORIENTATION_6_16X24),
      header: jpegOk(16, 24, { components: 3 }),
      expected: trained,
    },
    {
      id: 'jpeg-huge-metadata',
      description: 'a JPEG whose frame header sits behind 128 KB of EXIF and XMP (beyond the 64 KB header read)',
      bytes: () => hugeMetadataJpeg(),
      header: { ok: true, format: 'jpeg' },
      expected: trained,
    },
  ];
  return sources;
}

/** The real posters' CSV: header and rows split into Id, Genre cell and 0/1 cells. */
interface RealRow {
  id: string;
  genreCell: string;
  labels: string[];
}

/** The subset's rows; `genreCount` 0/1 cells end each line. */
function readSubsetCsv(csvPath: string, genreCount: number): { header: string[]; rows: RealRow[] } {
  // IMPORTANT: ../shared/posters/labels.csv has CRLF line ends, which the subset copies.
  const [headerLine, ...lines] = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/);
  const rows = lines.map((line) => {
    // The Genre cell is quoted and holds commas; the 0/1 cells never do, so split those from the end.
    const cells = line.split(',');
    const labels = cells.slice(-genreCount);
    const id = cells[0];
    return { id, genreCell: cells.slice(1, cells.length - genreCount).join(','), labels };
  });
  return { header: headerLine.split(','), rows };
}

function genreListCell(labels: readonly string[], genres: readonly string[]): string {
  const names = genres.filter((_, k) => labels[k] === '1');
  return `"[${names.map((name) => `'${name}'`).join(', ')}]"`;
}

/**
 * `realCount` real posters plus every hostile poster, each `<id>.jpg`, and a
 * clean `train.csv` labelling them all (hostile ones as Drama), so that only
 * the image bytes are hostile.
 */
export function makeHostilePosterCorpus(realCount = 12): HostilePosterCorpus {
  const subset = makePosterSubset(realCount, 'hostile-posters');
  const firstReal = readFileSync(join(subset.dir, `${subset.ids[0]}.jpg`));
  const sources = posterCaseSources();
  const labels = subset.genres.map((genre) => (genre === 'Drama' ? '1' : '0'));
  const extraRows = sources.map((source) => [source.id, `"['Drama']"`, ...labels].join(','));
  const realLines = readFileSync(subset.csvPath, 'utf8').trim().split(/\r?\n/);
  writeFileSync(subset.csvPath, [...realLines, ...extraRows].join('\n') + '\n');
  const cases = sources.map(({ bytes, ...rest }): HostilePosterCase => {
    const file = `${rest.id}.jpg`;
    writeFileSync(join(subset.dir, file), bytes(firstReal));
    return { ...rest, file };
  });
  return { dir: subset.dir, csvPath: subset.csvPath, realIds: subset.ids, cases, posterCount: subset.ids.length + cases.length };
}

/** The bytes of one case's file, for checks that run without the app. */
export function posterCaseBytes(corpus: HostilePosterCorpus, hostileCase: HostilePosterCase): Buffer {
  return readFileSync(join(corpus.dir, hostileCase.file));
}

/**
 * A `train.csv` with every quirk at once, beside 12 real posters: UTF-8 BOM,
 * ';' delimiter, CRLF, quoted cells holding ',' and ';' and a line break,
 * blank and delimiter-only lines, a Title and a Year column that are not
 * genres, a short row, a value 2, a row with one cell too many, a duplicate Id
 * with other labels, an Id with '/' and '..', and an Id without a poster.
 *
 * IMPORTANT: line numbers below are physical lines of the file (header = 1),
 * which is what the report must print; keep `lineNotes` in step when editing.
 */
export function makeHostileCsvCorpus(): HostileCsvCorpus {
  const subset = makePosterSubset(12, 'hostile-csv');
  const genreCount = subset.genres.length;
  const { header, rows: real } = readSubsetCsv(subset.csvPath, genreCount);
  const genres = header.slice(-genreCount);
  const dramaIndex = genres.indexOf('Drama');
  const actionIndex = genres.indexOf('Action');

  // IMPORTANT: `add` returns the physical line a record starts on; a record with a quoted
  // line break occupies more than one, which shifts every later line number.
  const records: string[] = [];
  const lineNotes: string[] = [];
  let nextLine = 1;
  let rowsRead = 0;
  const add = (record: string, note: string, holdsData = true): number => {
    const line = nextLine;
    const physicalLines = record.split('\r\n').length;
    records.push(record);
    lineNotes.push(`${line}: ${note}`);
    nextLine += physicalLines;
    if (holdsData) rowsRead += 1;
    return line;
  };
  const row = (id: string, labels: readonly string[], title: string, year: string): string =>
    [id, genreListCell(labels, genres), title, ...labels, year].join(';');
  const labelsOf = (k: number): string[] => [...real[k].labels];

  add(['Id', 'Genre', 'Title', ...genres, 'Year'].join(';'), 'header with two non-genre columns, Title and Year', false);
  add(row(real[0].id, labelsOf(0), '"Crouching Tiger, Hidden Dragon"', '2000'), 'valid; the title holds a quoted comma');
  add(row(real[1].id, labelsOf(1), '"Les Misérables; Part 1"', '1998'), 'valid; the title holds a quoted ";" (the delimiter)');
  add('', 'blank', false);
  add(row(real[2].id, labelsOf(2), 'Plain', '1990'), 'valid');
  add(';'.repeat(genreCount + 3), 'only delimiters, as spreadsheets export empty rows: blank', false);
  add(row(real[3].id, labelsOf(3), 'Plain', '1991'), 'valid');
  const shortLine = add(`tt0000001;"['Drama']";Short`, 'short row: 3 cells');
  const badValue = labelsOf(4);
  badValue[dramaIndex] = '2';
  const badValueLine = add(row(real[4].id, badValue, 'Two', '1992'), 'Drama = 2: bad value, row skipped');
  const extraCellLine = add(row(real[5].id, labelsOf(5), 'Extra', '1993') + ';surplus', 'one cell too many: malformed, row skipped');
  const firstCopyLine = add(row(real[6].id, labelsOf(6), 'First', '1994'), 'valid, but see the conflicting copy below');
  add(row(real[7].id, labelsOf(7), 'Plain', '1995'), 'valid');
  const conflicting = labelsOf(6).map((value, k) => (k === actionIndex ? (value === '1' ? '0' : '1') : value));
  const conflictLine = add(row(real[6].id, conflicting, 'Second', '1994'), 'same Id as an earlier row, Action flipped: both dropped');
  const slashLine = add(row('tt/../etc', labelsOf(7), 'Path', '1996'), "Id with '/' and '..': bad Id, row skipped");
  const multiLabels = labelsOf(8).map((_, k) => (k === actionIndex || k === dramaIndex ? '1' : '0'));
  add([real[8].id, `"['Action',\r\n 'Drama']"`, 'Multi', ...multiLabels, '1999'].join(';'), 'valid; a quoted Genre cell with a line break');
  const orphanLine = add(row('tt9999999', labelsOf(7), 'Orphan', '1997'), 'valid row, but no tt9999999.jpg in the folder');
  add(row(real[9].id, labelsOf(9), 'Plain', '2001'), 'valid');
  add(row(real[10].id, labelsOf(10), 'Plain', '2002'), 'valid');
  add(row(real[11].id, labelsOf(11), 'Plain', '2003'), 'valid');
  add('', 'trailing blank', false);
  add('', 'trailing blank', false);
  writeFileSync(subset.csvPath, '\uFEFF' + records.join('\r\n'), 'utf8');

  const problems: CsvProblem[] = [
    {
      kind: 'csv-extra-column',
      line: 1,
      message: 'Line 1: Column "Title" (column 3)',
      description: 'Title holds text, so it is not a genre column',
    },
    {
      kind: 'csv-extra-column',
      line: 1,
      message: `Line 1: Column "Year" (column ${genreCount + 4})`,
      description: 'Year holds numbers other than 0/1',
    },
    {
      kind: 'csv-short-row',
      line: shortLine,
      message: `Line ${shortLine}: 3 cells, but the header has ${genreCount + 4} columns; row skipped.`,
      description: 'short row',
    },
    {
      kind: 'csv-bad-value',
      line: badValueLine,
      message: `Line ${badValueLine}: expected 0 or 1, got "2" in column "Drama"; row skipped.`,
      description: 'value 2',
    },
    {
      kind: 'csv-malformed-row',
      line: extraCellLine,
      message: `Line ${extraCellLine}: ${genreCount + 5} cells, but the header has ${genreCount + 4} columns`,
      description: 'one cell too many',
    },
    {
      kind: 'csv-duplicate-conflict',
      line: conflictLine,
      message: `Line ${conflictLine}: Id "${real[6].id}" appears on lines ${firstCopyLine} (`,
      description: 'duplicate Id with conflicting labels',
    },
    {
      kind: 'csv-bad-id',
      line: slashLine,
      message: `Line ${slashLine}: Id "tt/../etc" contains a path separator (/ or \\); row skipped.`,
      description: "Id with '/'",
    },
    {
      kind: 'row-without-poster',
      line: orphanLine,
      message: `Line ${orphanLine}: no poster file for Id "tt9999999"`,
      description: 'Id without a poster',
    },
    ...[4, 5, 6].map((k) => ({
      kind: 'poster-without-row',
      file: `${real[k].id}.jpg`,
      message: `${real[k].id}.jpg: no usable CSV row with Id "${real[k].id}"; poster not used.`,
      description: 'its only row was rejected above, so the poster is reported too',
    })),
  ];
  return {
    dir: subset.dir,
    csvPath: subset.csvPath,
    lineNotes,
    problems,
    postersFound: 12,
    usableExamples: 9,
    rowsRead,
    genreCount,
  };
}

/**
 * A `train.csv` of `rowCount` rows (the first ones for the real posters, the
 * rest Ids with no poster) beside `realCount` real posters: the report then
 * lists ~50,000 `row-without-poster` issues, which must neither freeze the tab
 * nor take the page down.
 */
export function makeHugeCsvCorpus(rowCount = 50_000, realCount = 12): { dir: string; csvPath: string; rowCount: number; realCount: number } {
  const subset = makePosterSubset(realCount, 'huge-csv');
  const lines = readFileSync(subset.csvPath, 'utf8').trim().split(/\r?\n/);
  const labels = subset.genres.map((genre) => (genre === 'Comedy' ? '1' : '0'));
  for (let k = lines.length - 1; k < rowCount; k++) {
    lines.push([`tt9${String(k).padStart(7, '0')}`, `"['Comedy']"`, ...labels].join(','));
  }
  writeFileSync(subset.csvPath, lines.join('\n') + '\n');
  return { dir: subset.dir, csvPath: subset.csvPath, rowCount, realCount };
}
