import { isUtf8 } from 'node:buffer';

/**
 * Streaming UTF-8 validation with positions. Node decodes invalid bytes to
 * U+FFFD without a word (so does csv-parse), while Personalize fails an import
 * whose file is not UTF-8: every byte goes through here before the parser.
 * Equivalent to a fatal streaming `TextDecoder`, but it says where the bad
 * bytes are and keeps the bytes rather than decoding them twice.
 */

export type Utf8Check =
  /** `bytes`: the complete, valid characters of the input so far (a sequence split across chunks waits for the next one). */
  | { readonly ok: true; readonly bytes: Buffer }
  /** `bytes`: the valid bytes before the bad sequence; `line` is 1-based, `offset` counts bytes from the start of the stream. */
  | {
      readonly ok: false;
      readonly bytes: Buffer;
      readonly line: number;
      readonly offset: number;
      readonly problem: string;
    };

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

function countNewlines(bytes: Buffer, end = bytes.length): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1 && at < end; at = bytes.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}

/** Length of the prefix of `bytes` that does not end inside a multi-byte sequence. */
function completeLength(bytes: Buffer): number {
  const stop = Math.max(0, bytes.length - 4);
  let lead = bytes.length - 1;
  while (lead >= stop && ((bytes[lead] as number) & 0xc0) === 0x80) lead -= 1;
  // Four trailing continuation bytes cannot be completed: let validation reject them.
  if (lead < stop) return bytes.length;
  const byte = bytes[lead] as number;
  const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return lead + size > bytes.length ? lead : bytes.length;
}

/**
 * Length of the well-formed sequence at `at` (Unicode 15, table 3-7): 0 when it is
 * ill-formed, -1 when it is well-formed so far but cut off by the end of `bytes`.
 */
function sequenceLength(bytes: Uint8Array, at: number): number {
  const byte = bytes[at] as number;
  if (byte < 0x80) return 1;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (byte >= 0xc2 && byte <= 0xdf) length = 2;
  else if (byte >= 0xe0 && byte <= 0xef) {
    length = 3;
    if (byte === 0xe0) low = 0xa0; // overlong
    if (byte === 0xed) high = 0x9f; // surrogates
  } else if (byte >= 0xf0 && byte <= 0xf4) {
    length = 4;
    if (byte === 0xf0) low = 0x90; // overlong
    if (byte === 0xf4) high = 0x8f; // above U+10FFFF
  } else return 0;
  for (let next = 1; next < length; next += 1) {
    const continuation = bytes[at + next];
    if (continuation === undefined) return -1;
    const [min, max] = next === 1 ? [low, high] : [0x80, 0xbf];
    if (continuation < min || continuation > max) return 0;
  }
  return length;
}

/** Index of the first byte of the first ill-formed or truncated sequence, or -1 when `bytes` is valid UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let at = 0; at < bytes.length; ) {
    const length = sequenceLength(bytes, at);
    if (length <= 0) return at;
    at += length;
  }
  return -1;
}

const hex = (byte: number | undefined): string => `0x${(byte ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;

/** Validates a byte stream chunk by chunk, keeping a character split across chunks for the next one. */
export class Utf8Guard {
  private carry: Buffer = EMPTY;
  private line = 1;
  private offset = 0;

  /** Checks the next chunk. After a failure the guard must not be used again. */
  push(chunk: Buffer): Utf8Check {
    const bytes = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const complete = completeLength(bytes);
    const head = bytes.subarray(0, complete);
    // Copied: a view would pin the whole chunk for as long as the carry lives.
    this.carry = Buffer.from(bytes.subarray(complete));
    return this.check(head, false);
  }

  /** Ends the stream: a sequence still waiting for its last bytes is a failure. */
  end(): Utf8Check {
    const rest = this.carry;
    this.carry = EMPTY;
    return this.check(rest, true);
  }

  private check(bytes: Buffer, atEnd: boolean): Utf8Check {
    if (isUtf8(bytes)) {
      this.line += countNewlines(bytes);
      this.offset += bytes.length;
      return { ok: true, bytes };
    }
    const bad = firstInvalidUtf8(bytes);
    const problem =
      atEnd && sequenceLength(bytes, bad) === -1
        ? 'the file ends inside a multi-byte character'
        : `invalid byte sequence starting with ${hex(bytes[bad])}`;
    return {
      ok: false,
      bytes: bytes.subarray(0, bad),
      line: this.line + countNewlines(bytes, bad),
      offset: this.offset + bad,
      problem,
    };
  }
}
