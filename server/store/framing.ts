// On-disk framing of the event log (pure: bytes in, bytes out).
//
// A segment file starts with a fixed header, then frames back to back. One frame holds one
// append transaction (one or more events), so a transaction is atomic on disk: its CRC covers
// the whole of it. Each frame also carries a SHA-256 chained to the previous frame's hash, which
// makes the log tamper-evident (`apiary events verify`).
//
//   segment header (64 B): magic "APSEG001" · firstPosition u64 · prevHash[32] · crc32 u32 · pad
//   frame: magic u32 · payloadLength u32 · crc32 u32 · firstPosition u64 · count u32 · hash[32] · payload
//   crc32 covers firstPosition..payload; hash = sha256(prevHash · firstPosition · count · payload)
import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const SEGMENT_MAGIC = Buffer.from('APSEG001', 'ascii');
export const SEGMENT_HEADER_SIZE = 64;
export const FRAME_MAGIC = 0x41504652; // "APFR"
export const FRAME_HEADER_SIZE = 56;
export const HASH_SIZE = 32;
export const GENESIS_HASH: Buffer = Buffer.alloc(HASH_SIZE);
/** A single transaction larger than this is refused before it reaches the disk. */
export const MAX_PAYLOAD = 64 * 1024 * 1024;

export interface SegmentHeader {
  firstPosition: number;
  prevHash: Buffer;
}

export function encodeSegmentHeader(h: SegmentHeader): Buffer {
  const buf = Buffer.alloc(SEGMENT_HEADER_SIZE);
  SEGMENT_MAGIC.copy(buf, 0);
  buf.writeBigUInt64LE(BigInt(h.firstPosition), 8);
  h.prevHash.copy(buf, 16);
  buf.writeUInt32LE(crc32(buf.subarray(0, 48)), 48);
  return buf;
}

export function decodeSegmentHeader(buf: Buffer): SegmentHeader | { error: string } {
  if (buf.length < SEGMENT_HEADER_SIZE) return { error: 'segment header is truncated' };
  if (!buf.subarray(0, 8).equals(SEGMENT_MAGIC)) return { error: 'not an Apiary log segment (bad magic)' };
  if (buf.readUInt32LE(48) !== crc32(buf.subarray(0, 48))) return { error: 'segment header checksum mismatch' };
  return {
    firstPosition: Number(buf.readBigUInt64LE(8)),
    prevHash: Buffer.from(buf.subarray(16, 48)),
  };
}

/** prevHash · firstPosition · count: what the hash covers before the payload. */
const HASH_INPUT_PREFIX = HASH_SIZE + 12;

export function chainHash(prevHash: Buffer, firstPosition: number, count: number, payload: Buffer): Buffer {
  const input = Buffer.allocUnsafe(HASH_INPUT_PREFIX + payload.length);
  payload.copy(input, HASH_INPUT_PREFIX);
  return hashInput(input, 0, prevHash, firstPosition, count);
}

/**
 * Lays out the hash's prefix at `at`, right before the payload that follows it in `buf`, and
 * hashes from there to the end. One-shot hash of one buffer: about half the cost of a Hash object
 * fed three times, and every append pays it.
 */
function hashInput(buf: Buffer, at: number, prevHash: Buffer, firstPosition: number, count: number): Buffer {
  prevHash.copy(buf, at);
  writeU64(buf, firstPosition, at + HASH_SIZE);
  buf.writeUInt32LE(count, at + HASH_SIZE + 8);
  return hash('sha256', buf.subarray(at), 'buffer');
}

/** Positions stay below 2^53, so two 32-bit halves hold them exactly. */
function writeU64(buf: Buffer, n: number, offset: number): void {
  buf.writeUInt32LE(n % 2 ** 32, offset);
  buf.writeUInt32LE(Math.floor(n / 2 ** 32), offset + 4);
}

/** Encodes one transaction frame; returns it with the hash the next frame chains to. */
export function encodeFrame(prevHash: Buffer, firstPosition: number, count: number, payload: Buffer): { frame: Buffer; hash: Buffer } {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + payload.length);
  payload.copy(frame, FRAME_HEADER_SIZE);
  return { frame, hash: encodeFrameInPlace(prevHash, firstPosition, count, frame) };
}

/**
 * Fills in the header of a frame whose payload already sits after FRAME_HEADER_SIZE bytes of
 * room, and returns the hash the next frame chains to. The hash's input (prevHash · firstPosition
 * · count, 44 bytes) is first laid out in the header's last 44 bytes, right before the payload, so
 * neither it nor the payload is copied anywhere else.
 */
export function encodeFrameInPlace(prevHash: Buffer, firstPosition: number, count: number, frame: Buffer): Buffer {
  const next = hashInput(frame, FRAME_HEADER_SIZE - HASH_INPUT_PREFIX, prevHash, firstPosition, count);
  frame.writeUInt32LE(FRAME_MAGIC, 0);
  frame.writeUInt32LE(frame.length - FRAME_HEADER_SIZE, 4);
  writeU64(frame, firstPosition, 12);
  frame.writeUInt32LE(count, 20);
  next.copy(frame, 24);
  frame.writeUInt32LE(crc32(frame.subarray(12)), 8);
  return next;
}

export type DecodedFrame =
  | { kind: 'frame'; firstPosition: number; count: number; hash: Buffer; payload: Buffer; size: number }
  | FrameProblem;

export type FrameProblem =
  /** Not enough bytes for a whole frame: the end of what was written. */
  | { kind: 'short' }
  | { kind: 'bad'; reason: string };

/**
 * An intact frame as a scan meets it: its payload is `buf[start, end)`, and the next frame starts
 * at `end`. Scans fill one of these in place for every frame and pass it on: copy what must
 * outlive the call, since the object and the buffer are reused.
 */
export interface FrameAt {
  buf: Buffer;
  start: number;
  end: number;
  firstPosition: number;
  count: number;
}

const SHORT: FrameProblem = { kind: 'short' };

/**
 * Checks the frame at `offset` and fills `into` with where it lies: null when it is intact, else
 * what is wrong. Never throws on bad bytes. Makes nothing but the view its checksum needs: a
 * replay checks a million frames.
 */
export function checkFrame(buf: Buffer, offset: number, into: FrameAt): FrameProblem | null {
  const avail = buf.length - offset;
  if (avail < FRAME_HEADER_SIZE) return SHORT;
  if (buf.readUInt32LE(offset) !== FRAME_MAGIC) return { kind: 'bad', reason: 'bad frame magic' };
  const length = buf.readUInt32LE(offset + 4);
  if (length > MAX_PAYLOAD) return { kind: 'bad', reason: `implausible frame length ${length}` };
  if (avail < FRAME_HEADER_SIZE + length) return SHORT;
  const end = offset + FRAME_HEADER_SIZE + length;
  if (buf.readUInt32LE(offset + 8) !== crc32(buf.subarray(offset + 12, end))) return { kind: 'bad', reason: 'frame checksum mismatch' };
  into.buf = buf;
  into.start = offset + FRAME_HEADER_SIZE;
  into.end = end;
  // Two 32-bit reads: a BigInt per frame was a measurable share of replaying a large log.
  into.firstPosition = buf.readUInt32LE(offset + 12) + buf.readUInt32LE(offset + 16) * 2 ** 32;
  into.count = buf.readUInt32LE(offset + 20);
  return null;
}

/** The chain hash stored in the header of the frame at `offset` (a view). */
export function frameHash(buf: Buffer, offset: number): Buffer {
  return buf.subarray(offset + 24, offset + FRAME_HEADER_SIZE);
}

export const newFrameAt = (): FrameAt => ({ buf: Buffer.alloc(0), start: 0, end: 0, firstPosition: 0, count: 0 });

const scratch = newFrameAt();

/** Decodes the frame at `offset`. Never throws on bad bytes: says what is wrong instead. */
export function decodeFrame(buf: Buffer, offset: number): DecodedFrame {
  const problem = checkFrame(buf, offset, scratch);
  if (problem) return problem;
  const { start, end, firstPosition, count } = scratch;
  return { kind: 'frame', firstPosition, count, hash: frameHash(buf, offset), payload: buf.subarray(start, end), size: end - offset };
}

/**
 * After a frame at `from` failed to decode, is there any intact frame later in the buffer?
 * If so, the damage is in the middle of acknowledged data (corruption), not a torn tail.
 */
export function findLaterFrame(buf: Buffer, from: number): number {
  const magic = Buffer.alloc(4);
  magic.writeUInt32LE(FRAME_MAGIC, 0);
  let at = buf.indexOf(magic, from + 1);
  while (at !== -1) {
    if (decodeFrame(buf, at).kind === 'frame') return at;
    at = buf.indexOf(magic, at + 1);
  }
  return -1;
}
