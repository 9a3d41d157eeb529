/**
 * UTF-8 check on the raw bytes before parsing.
 *
 * Why: Excel's plain "CSV" format saves Windows-1252 / Latin-1, and decoding it as UTF-8 silently turns
 * "Côte d'Ivoire" into "C�te d'Ivoire". Node's TextDecoder can refuse invalid input but does not say where,
 * so this small validator walks the bytes (carrying an incomplete sequence across chunks) and fails with the
 * byte, its offset and its line, which is what a user needs to find and re-save the file.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { problem, type Problem } from '../i18n/field-errors';

export class NotUtf8Error extends Error {
  constructor(
    readonly byte: number,
    readonly offset: number,
    readonly line: number,
  ) {
    const p = problem('not_utf8', { byte: byte.toString(16).toUpperCase().padStart(2, '0'), offset: String(offset), line: String(line) });
    super(p.message);
    this.problem = p;
    this.name = 'NotUtf8Error';
  }

  readonly problem: Problem;
}

/**
 * Length of the valid UTF-8 prefix of `buf` that ends on a character boundary, and whether what follows is
 * merely an incomplete sequence at the end (more bytes may come) or an invalid byte.
 */
export function scanUtf8(buf: Uint8Array): { valid: number; invalid: boolean } {
  let i = 0;
  const n = buf.length;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return { valid: i, invalid: true };
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return { valid: i, invalid: false }; // incomplete at the end of the chunk
      const c = buf[i + k]!;
      const [l, h] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (c < l || c > h) return { valid: i, invalid: true };
    }
    i += need + 1;
  }
  return { valid: n, invalid: false };
}

/** Passes bytes through unchanged; errors with NotUtf8Error at the first invalid sequence. Counts bytes. */
export class Utf8Guard extends Transform {
  bytes = 0;
  private carry: Buffer = Buffer.alloc(0);
  private line = 1;

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, callback: TransformCallback): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const buf = this.carry.length ? Buffer.concat([this.carry, data]) : data;
    const start = this.bytes - this.carry.length; // file offset of buf[0]
    this.bytes += data.length;
    const { valid, invalid } = scanUtf8(buf);
    const ok = buf.subarray(0, valid);
    if (invalid) return callback(new NotUtf8Error(buf[valid]!, start + valid, this.line + countLf(ok)));
    this.line += countLf(ok);
    this.carry = Buffer.from(buf.subarray(valid));
    callback(null, ok);
  }

  override _flush(callback: TransformCallback): void {
    if (this.carry.length) {
      return callback(new NotUtf8Error(this.carry[0]!, this.bytes - this.carry.length, this.line));
    }
    callback();
  }
}

function countLf(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}
