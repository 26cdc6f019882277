import { describe, expect, it } from 'vitest';
import { checkPosterHeader, SNIFF_BYTES, sniffImage } from './imageHeader';

// Headers are built byte by byte here, so each test shows exactly which field it exercises.

function bytesOf(...parts: Array<number[] | Uint8Array | string>): Uint8Array {
  const arrays = parts.map((part) => (typeof part === 'string' ? Uint8Array.from(part, (ch) => ch.charCodeAt(0)) : Uint8Array.from(part)));
  const out = new Uint8Array(arrays.reduce((sum, array) => sum + array.length, 0));
  let offset = 0;
  for (const array of arrays) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

const be16 = (value: number): number[] => [(value >> 8) & 0xff, value & 0xff];
const be32 = (value: number): number[] => [...be16(Math.floor(value / 0x10000)), ...be16(value & 0xffff)];
const le16 = (value: number): number[] => [value & 0xff, (value >> 8) & 0xff];
const le24 = (value: number): number[] => [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff];
const le32 = (value: number): number[] => [...le16(value & 0xffff), ...le16((value >>> 16) & 0xffff)];

const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];

/** A marker segment: ff <marker> <length:2, counting itself> <payload>. */
function segment(marker: number, payload: number[] | Uint8Array): number[] {
  return [0xff, marker, ...be16(payload.length + 2), ...payload];
}

const JFIF_APP0 = segment(0xe0, [...bytesOf('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const DQT = segment(0xdb, [0, ...new Array<number>(64).fill(1)]);

/** SOFn with 8-bit precision and `components` components, each 1x1 sampled. */
function startOfFrame(marker: number, width: number, height: number, components = 3): number[] {
  const perComponent: number[] = [];
  for (let c = 1; c <= components; c++) perComponent.push(c, 0x11, 0);
  return segment(marker, [8, ...be16(height), ...be16(width), components, ...perComponent]);
}

function jpeg(...segments: number[][]): Uint8Array {
  return bytesOf(SOI, ...segments, EOI);
}

function png(width: number, height: number): Uint8Array {
  const ihdr = [...be32(width), ...be32(height), 8, 2, 0, 0, 0];
  return bytesOf([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], be32(13), 'IHDR', ihdr, [0, 0, 0, 0]);
}

function gif(width: number, height: number, version = 'GIF89a'): Uint8Array {
  return bytesOf(version, le16(width), le16(height), [0x80, 0, 0], new Array<number>(6).fill(0), ';');
}

function riff(chunk: string, payload: number[]): Uint8Array {
  return bytesOf('RIFF', le32(payload.length + 12), 'WEBP', chunk, le32(payload.length), payload);
}

function bmp(width: number, height: number, dibSize = 40): Uint8Array {
  const fileHeader = bytesOf('BM', le32(0), le32(0), le32(14 + dibSize));
  const info = [...le32(dibSize), ...le32(width), ...le32(height), ...le16(1), ...le16(24)];
  return bytesOf(fileHeader, info, new Array<number>(dibSize - info.length).fill(0));
}

describe('sniffImage: JPEG', () => {
  it('reads a baseline frame after APP0 and DQT', () => {
    expect(sniffImage(jpeg(JFIF_APP0, DQT, startOfFrame(0xc0, 300, 425)))).toEqual({
      format: 'jpeg',
      width: 300,
      height: 425,
      components: 3,
      progressive: false,
    });
  });

  it('flags progressive frames (SOF2) and reports grayscale and CMYK component counts', () => {
    expect(sniffImage(jpeg(startOfFrame(0xc2, 16, 24)))).toMatchObject({ progressive: true, components: 3 });
    expect(sniffImage(jpeg(startOfFrame(0xc0, 16, 24, 1)))).toMatchObject({ progressive: false, components: 1 });
    const adobeApp14 = segment(0xee, [...bytesOf('Adobe'), 0, 100, 0, 0, 0, 0, 2]);
    expect(sniffImage(jpeg(adobeApp14, startOfFrame(0xc0, 16, 24, 4)))).toMatchObject({ components: 4, width: 16 });
  });

  it.each([
    [0xc1, false],
    [0xc3, false],
    [0xc6, true],
    [0xc9, false],
    [0xca, true],
    [0xcf, false],
  ])('takes SOF marker 0x%s as a frame header (progressive: %s)', (marker, progressive) => {
    expect(sniffImage(jpeg(startOfFrame(marker, 40, 30)))).toMatchObject({ width: 40, height: 30, progressive });
  });

  it('skips DHT, JPG and DAC, which share the SOF range but carry no size', () => {
    const lookalikes = [0xc4, 0xc8, 0xcc].map((marker) => segment(marker, [0, ...be16(9999), ...be16(9999), 3]));
    expect(sniffImage(jpeg(...lookalikes, startOfFrame(0xc0, 16, 24)))).toMatchObject({ width: 16, height: 24 });
  });

  it('tolerates fill bytes, restart markers and stray bytes between segments, as libjpeg does', () => {
    const bytes = bytesOf(SOI, [0xff, 0xff, 0xff], JFIF_APP0, [0xff, 0xd0], [0x12, 0x34], startOfFrame(0xc0, 7, 9), EOI);
    expect(sniffImage(bytes)).toMatchObject({ width: 7, height: 9 });
  });

  it('reads a frame header behind a large EXIF block when it lies within 64 KB', () => {
    const exif = segment(0xe1, [...bytesOf('Exif'), 0, 0, ...new Array<number>(40_000).fill(0x41)]);
    expect(sniffImage(jpeg(exif, startOfFrame(0xc0, 16, 24)))).toMatchObject({ width: 16, height: 24 });
  });

  it('leaves the size unknown, without a defect, when the frame header lies beyond 64 KB', () => {
    // Two near-maximal APP segments (65,535 bytes each) push SOF past the sniff window.
    const filler = new Array<number>(65_533 - 6).fill(0x41);
    const bytes = jpeg(
      segment(0xe1, [...bytesOf('Exif'), 0, 0, ...filler]),
      segment(0xe2, [...bytesOf('ICC_PR'), ...filler]),
      startOfFrame(0xc0, 16, 24),
    );
    expect(bytes.length).toBeGreaterThan(SNIFF_BYTES);
    const sniff = sniffImage(bytes);
    expect(sniff).toEqual({ format: 'jpeg' });
    expect(checkPosterHeader(bytes)).toEqual({ ok: true, sniff: { format: 'jpeg' } });
    // The same when the caller passes only the first 64 KB, as decodePoster does.
    expect(sniffImage(bytes.subarray(0, SNIFF_BYTES))).toEqual({ format: 'jpeg' });
  });

  it('reports a file that ends before the frame header as truncated', () => {
    const whole = jpeg(JFIF_APP0, DQT, startOfFrame(0xc0, 300, 425));
    const cut = whole.subarray(0, 60); // inside the DQT segment
    expect(sniffImage(cut)).toEqual({
      format: 'jpeg',
      defect: 'truncated JPEG header (the file ends at byte 60, before the image size)',
    });
    // Cut inside the SOF segment itself.
    const sofStart = whole.length - 2 - 19;
    expect(sniffImage(whole.subarray(0, sofStart + 6)).defect).toMatch(/^truncated JPEG header/);
    // Just the signature.
    expect(sniffImage(bytesOf([0xff, 0xd8, 0xff])).defect).toMatch(/^truncated JPEG header/);
  });

  it('does not need the scan data: a file cut right after the frame header still has its size', () => {
    const headerOnly = bytesOf(SOI, JFIF_APP0, startOfFrame(0xc0, 30000, 30000), [0x12, 0x34]);
    expect(sniffImage(headerOnly)).toMatchObject({ width: 30000, height: 30000 });
  });

  it('finds corrupt structures: EOI or scan data before a frame, a segment length below 2', () => {
    expect(sniffImage(bytesOf(SOI, JFIF_APP0, EOI)).defect).toMatch(/ends \(EOI marker\) before any frame header/);
    expect(sniffImage(bytesOf(SOI, segment(0xda, [1, 1, 0, 0, 63, 0]), [1, 2, 3])).defect).toMatch(/image data starts before any frame header/);
    expect(sniffImage(bytesOf(SOI, [0xff, 0xe0, 0x00, 0x01])).defect).toBe('corrupt JPEG header (segment length 1 at byte 4)');
  });
});

describe('sniffImage: PNG, GIF, WebP, BMP', () => {
  it('reads PNG IHDR', () => {
    expect(sniffImage(png(640, 480))).toEqual({ format: 'png', width: 640, height: 480 });
    expect(sniffImage(png(0x80000000, 1))).toMatchObject({ width: 2_147_483_648 });
  });

  it('reports a PNG whose first chunk is not IHDR, and one cut inside IHDR', () => {
    const bytes = png(16, 24);
    bytes.set(
      Uint8Array.from('IDAT', (ch) => ch.charCodeAt(0)),
      12,
    );
    expect(sniffImage(bytes).defect).toBe('corrupt PNG header (the first chunk is not IHDR)');
    expect(sniffImage(png(16, 24).subarray(0, 20)).defect).toMatch(/^truncated PNG header \(the file ends at byte 20/);
  });

  it('reads the GIF logical screen, 87a and 89a', () => {
    expect(sniffImage(gif(16, 24))).toEqual({ format: 'gif', width: 16, height: 24 });
    expect(sniffImage(gif(500, 2, 'GIF87a'))).toEqual({ format: 'gif', width: 500, height: 2 });
    expect(sniffImage(gif(16, 24).subarray(0, 8)).defect).toMatch(/^truncated GIF header/);
  });

  it('reads WebP VP8 (lossy), ignoring the 2 scaling bits', () => {
    const frameTag = [0x50, 0x02, 0x00];
    const payload = [...frameTag, 0x9d, 0x01, 0x2a, ...le16(16 | 0x4000), ...le16(24 | 0x8000), 0, 0];
    expect(sniffImage(riff('VP8 ', payload))).toEqual({ format: 'webp', width: 16, height: 24 });
    const noStartCode = [...frameTag, 0, 0, 0, ...le16(16), ...le16(24)];
    expect(sniffImage(riff('VP8 ', noStartCode)).defect).toBe('corrupt WebP header (VP8 start code missing)');
  });

  it('reads WebP VP8L (lossless): 14-bit width-1 and height-1', () => {
    const bits = (16 - 1) | ((24 - 1) << 14);
    expect(sniffImage(riff('VP8L', [0x2f, ...le32(bits), 0, 0]))).toEqual({ format: 'webp', width: 16, height: 24 });
    const widest = (16384 - 1) | ((1 - 1) << 14);
    expect(sniffImage(riff('VP8L', [0x2f, ...le32(widest)]))).toMatchObject({ width: 16384, height: 1 });
    expect(sniffImage(riff('VP8L', [0x00, ...le32(bits)])).defect).toBe('corrupt WebP header (VP8L signature missing)');
  });

  it('reads WebP VP8X (extended): 24-bit canvas width-1 and height-1', () => {
    const payload = [0x10, 0, 0, 0, ...le24(30000 - 1), ...le24(30000 - 1)];
    expect(sniffImage(riff('VP8X', payload))).toEqual({ format: 'webp', width: 30000, height: 30000 });
  });

  it('reports a WebP with an unknown first chunk, and one cut before its size', () => {
    expect(sniffImage(riff('ABCD', [1, 2, 3, 4])).defect).toMatch(/first chunk is not VP8, VP8L or VP8X/);
    expect(sniffImage(riff('VP8X', [0x10, 0, 0, 0, 1])).defect).toMatch(/^truncated WebP header/);
  });

  it('reads BMP BITMAPINFOHEADER; a negative height means top-down rows', () => {
    expect(sniffImage(bmp(16, 24))).toEqual({ format: 'bmp', width: 16, height: 24, topDown: false });
    expect(sniffImage(bmp(16, -24))).toEqual({ format: 'bmp', width: 16, height: 24, topDown: true });
    expect(sniffImage(bmp(16, 24, 124))).toMatchObject({ width: 16, height: 24 }); // BITMAPV5HEADER
  });

  it('reads the 12-byte OS/2 core header with 16-bit sizes', () => {
    const core = bytesOf('BM', le32(0), le32(0), le32(26), le32(12), le16(640), le16(480), le16(1), le16(24));
    expect(sniffImage(core)).toEqual({ format: 'bmp', width: 640, height: 480, topDown: false });
  });

  it('reports BMP headers no decoder accepts', () => {
    expect(sniffImage(bmp(-16, 24)).defect).toBe('corrupt BMP header (negative width -16)');
    expect(sniffImage(bytesOf('BM', le32(0), le32(0), le32(0), le32(5))).defect).toBe('corrupt BMP header (DIB header size 5)');
    expect(sniffImage(bmp(16, 24).subarray(0, 20)).defect).toMatch(/^truncated BMP header/);
  });

  it('recognises AVIF by its ftyp brand, size unknown', () => {
    expect(sniffImage(bytesOf(be32(24), 'ftypavif', be32(0), 'mif1miaf'))).toEqual({ format: 'avif' });
  });

  it('calls everything else unknown: text, random bytes, a RIFF that is not WebP, HEIC', () => {
    expect(sniffImage(bytesOf('<!DOCTYPE html><html>'))).toEqual({ format: 'unknown' });
    expect(sniffImage(bytesOf('RIFF', le32(4), 'WAVE'))).toEqual({ format: 'unknown' });
    expect(sniffImage(bytesOf(be32(24), 'ftypheic'))).toEqual({ format: 'unknown' });
    expect(sniffImage(bytesOf([0x3f, 0x2a, 0x00, 0x01]))).toEqual({ format: 'unknown' });
    expect(sniffImage(new Uint8Array(0))).toEqual({ format: 'unknown' });
  });
});

describe('checkPosterHeader', () => {
  it('accepts an ordinary poster header and returns the sniff', () => {
    const bytes = jpeg(JFIF_APP0, startOfFrame(0xc0, 300, 425));
    expect(checkPosterHeader(bytes)).toEqual({
      ok: true,
      sniff: { format: 'jpeg', width: 300, height: 425, components: 3, progressive: false },
    });
  });

  it('rejects a declared size over the limit, in the words the user sees', () => {
    const bytes = bytesOf(SOI, JFIF_APP0, startOfFrame(0xc0, 30000, 30000), new Array<number>(500).fill(0x5a));
    expect(checkPosterHeader(bytes)).toEqual({ ok: false, reason: 'declared 30000x30000 pixels (900 MP) exceeds the 50 MP limit' });
    expect(checkPosterHeader(png(100_000, 100_000))).toEqual({
      ok: false,
      reason: 'declared 100000x100000 pixels (10000 MP) exceeds the 50 MP limit',
    });
  });

  it('accepts exactly the limit and never prints a size just over it as equal to it', () => {
    expect(checkPosterHeader(png(10_000, 5_000)).ok).toBe(true); // 50,000,000 pixels
    expect(checkPosterHeader(png(10_001, 5_000))).toEqual({
      ok: false,
      reason: 'declared 10001x5000 pixels (50.1 MP) exceeds the 50 MP limit',
    });
  });

  it('takes a custom limit', () => {
    expect(checkPosterHeader(gif(4000, 3000), { maxPixels: 10_000_000 })).toEqual({
      ok: false,
      reason: 'declared 4000x3000 pixels (12 MP) exceeds the 10 MP limit',
    });
    expect(checkPosterHeader(gif(4000, 3000), { maxPixels: 2_500_000 }).ok).toBe(false);
    expect(checkPosterHeader(gif(1000, 1000), { maxPixels: 2_500_000 }).ok).toBe(true);
  });

  it('rejects an empty file and a zero width or height', () => {
    expect(checkPosterHeader(new Uint8Array(0))).toEqual({ ok: false, reason: 'the file is empty (0 bytes)' });
    expect(checkPosterHeader(gif(0, 24))).toEqual({ ok: false, reason: 'the GIF header declares an empty 0x24 image' });
    // SOF height 0 means "defined later by DNL", which browsers do not support.
    expect(checkPosterHeader(jpeg(startOfFrame(0xc0, 16, 0)))).toEqual({ ok: false, reason: 'the JPEG header declares an empty 16x0 image' });
  });

  it('rejects unknown formats with the first bytes in hex', () => {
    expect(checkPosterHeader(bytesOf([0x3f, 0x2a, 0x10, 0xff, 0, 1, 2, 3, 4, 5]))).toEqual({
      ok: false,
      reason: 'not an image (unknown format, first bytes 3f 2a 10 ff 00 01 02 03 ...)',
    });
    expect(checkPosterHeader(bytesOf('<b>'))).toEqual({ ok: false, reason: 'not an image (unknown format, first bytes 3c 62 3e)' });
  });

  it('passes on the defect of a truncated or corrupt header', () => {
    const cut = jpeg(JFIF_APP0, DQT, startOfFrame(0xc0, 300, 425)).subarray(0, 95);
    expect(checkPosterHeader(cut)).toEqual({
      ok: false,
      reason: 'truncated JPEG header (the file ends at byte 95, before the image size)',
    });
    expect(checkPosterHeader(bmp(-1, 1))).toEqual({ ok: false, reason: 'corrupt BMP header (negative width -1)' });
  });

  it('lets a size it cannot see through to the decoder (AVIF)', () => {
    expect(checkPosterHeader(bytesOf(be32(24), 'ftypavif'))).toEqual({ ok: true, sniff: { format: 'avif' } });
  });

  it('reads only the first 64 KB of a longer buffer', () => {
    const bytes = new Uint8Array(SNIFF_BYTES * 3);
    bytes.set(png(16, 24));
    expect(checkPosterHeader(bytes)).toEqual({ ok: true, sniff: { format: 'png', width: 16, height: 24 } });
  });

  it('with the whole file, finds a JPEG frame header far behind its metadata (issue 14, case 6)', () => {
    // An APP1 segment of 65,533 bytes twice: the frame header starts past byte 131,000.
    const app1 = (fill: number) => [0xff, 0xe1, 0xff, 0xff, ...new Array<number>(65_533).fill(fill)];
    const file = jpeg(app1(0), app1(0x20), startOfFrame(0xc0, 12000, 12000));
    expect(checkPosterHeader(file.subarray(0, SNIFF_BYTES), {}, false)).toEqual({ ok: true, sniff: { format: 'jpeg' } });
    expect(checkPosterHeader(file, {}, true)).toEqual({ ok: false, reason: 'declared 12000x12000 pixels (144 MP) exceeds the 50 MP limit' });
  });

  it('checks every GIF frame, not only the logical screen (issue 14, case 6)', () => {
    const gifWithFrame = (width: number, height: number) =>
      bytesOf(
        'GIF89a',
        [1, 0, 1, 0, 0, 0, 0],
        [0x2c, 0, 0, 0, 0, width & 255, width >> 8, height & 255, height >> 8, 0],
        [2, 2, 0x44, 0x01, 0],
        [0x3b],
      );
    expect(checkPosterHeader(gifWithFrame(8000, 8000))).toEqual({
      ok: false,
      reason: 'a GIF frame declares 8000x8000 pixels (64 MP), more than the 50 MP limit',
    });
    expect(checkPosterHeader(gifWithFrame(16, 24))).toEqual({
      ok: true,
      sniff: { format: 'gif', width: 1, height: 1, largestFrame: { width: 16, height: 24 } },
    });
  });
});
