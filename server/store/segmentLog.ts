// The append-only log on disk: segment files of frames, group commit, crash recovery.
//
// Durability: segments are opened with O_DSYNC, so one write call returns only when its bytes are
// on stable storage; where the file system allows it, also with O_DIRECT (see directIo.ts). Appends
// queue until the next turn of the event loop, or until the appenders answered by the previous
// write have had their turn, and are written together (group commit): one awaited writer pays one
// sync per append, many concurrent writers share one. The write is synchronous on purpose: it
// avoids thread-pool round trips that would cost a single writer more than the sync itself, and
// appends arriving meanwhile simply join the next batch.
//
// The segment being written is grown ahead of the frames in steps of zeros (preallocation), so an
// append overwrites blocks the file already has: its sync then carries only the data, not a change
// of the file's size that the file system must also journal. Sealed and closed segments are cut
// back to their last frame; after a crash the zeros are a torn tail, which recovery cuts.
import fs from 'node:fs';
import path from 'node:path';
import { ApiaryError } from '../../shared/errors';
import { alignDown, alignUp, BLOCK, BlockWriter } from './directIo';
import {
  FRAME_HEADER_SIZE,
  GENESIS_HASH,
  MAX_PAYLOAD,
  SEGMENT_HEADER_SIZE,
  chainHash,
  checkFrame,
  decodeFrame,
  decodeSegmentHeader,
  encodeFrameInPlace,
  encodeSegmentHeader,
  findLaterFrame,
  frameHash,
  newFrameAt,
  type FrameAt,
} from './framing';

export interface Frame {
  firstPosition: number;
  count: number;
  payload: Buffer;
}

export interface LogPoint {
  /** Last event position covered (0 for the empty log). */
  position: number;
  segment: string;
  /** Byte offset just after that frame in `segment`. */
  offset: number;
  hash: string;
}

export interface SegmentLogOptions {
  dir: string;
  maxSegmentBytes?: number;
  /** Start scanning here (from a snapshot) instead of at the beginning of the log. */
  resumeFrom?: LogPoint;
  /**
   * Called for every intact frame after the resume point while opening (replay). The frame and its
   * buffer are the scan's own and change with the next frame: copy what must outlive the call.
   */
  onFrame?: (frame: FrameAt) => void;
  /** Told about a torn tail that was cut off. */
  onWarning?: (message: string) => void;
  /** Write with O_DIRECT where the file system allows it (default); false keeps to the page cache. */
  directIo?: boolean;
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  events: number;
  segments: number;
  headHash: string;
  problem?: { position: number; segment: string; offset: number; reason: string };
}

interface Pending extends Frame {
  /** The whole frame: FRAME_HEADER_SIZE bytes of header (filled in at the write), then `payload`. */
  frame: Buffer;
  /** Called with null once the frame is durable, or with the error that stopped the log. */
  done: (err: Error | null) => void;
}

interface SegmentInfo {
  name: string;
  firstPosition: number;
}

/**
 * The committed log as it stood at one moment: enough for another thread to read it without
 * opening it (no recovery, no writes). The writer only adds after `head` and rewrites its last
 * block with the same committed bytes, so what this names stays readable while appends go on.
 */
export interface LogSource {
  dir: string;
  segments: SegmentInfo[];
  head: number;
}

const SEGMENT_RE = /^(\d{20})\.seg$/;
const DEFAULT_MAX_SEGMENT = 64 * 1024 * 1024;
const PREALLOCATE_BYTES = 1024 * 1024;
const MAX_CHAINED_FLUSHES = 8;
let zeros: Buffer | null = null;

/**
 * About how many bytes opening the log at `resumeFrom` will read: the segments from the resume
 * point on (their preallocated tails included, so it errs high). For progress reports only.
 */
export function bytesToScan(dir: string, resumeFrom?: LogPoint): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => SEGMENT_RE.test(n));
  } catch {
    return 0;
  }
  let total = 0;
  for (const name of names) {
    if (resumeFrom && resumeFrom.position > 0 && name < resumeFrom.segment) continue;
    try {
      total += fs.statSync(path.join(dir, name)).size - (resumeFrom && name === resumeFrom.segment ? resumeFrom.offset : 0);
    } catch {
      // removed meanwhile: nothing to read there
    }
  }
  return Math.max(0, total);
}

function segmentName(firstPosition: number): string {
  return `${String(firstPosition).padStart(20, '0')}.seg`;
}

function corrupt(segment: string, offset: number, position: number, reason: string): ApiaryError {
  return new ApiaryError(
    'corrupt_log',
    `event log is corrupt at position ${position} (segment ${segment}, byte ${offset}): ${reason}`,
    'Run `apiary events verify` for details. Acknowledged data follows this point, so nothing was truncated: restore the segment from a backup or move it aside.',
    { segment, offset, position, reason },
  );
}

export class SegmentLog {
  readonly dir: string;
  private readonly maxSegmentBytes: number;
  private segments: SegmentInfo[] = [];
  private fd = -1;
  private writeOffset = 0;
  /** How far the current segment file extends: its frames, then preallocated zeros. */
  private fileEnd = 0;
  private committedPosition = 0;
  private committedHash: Buffer = GENESIS_HASH;
  private nextPosition = 1;
  private queue: Pending[] = [];
  private flushScheduled = false;
  /** A flush will run once the appenders just answered have had their turn (see `flush`). */
  private followUpScheduled = false;
  /** Flushes in a row without a turn of the event loop. */
  private chained = 0;
  private failed: Error | null = null;
  private closed = false;
  private commitListener: ((frames: Frame[]) => void) | null = null;
  /** Set while the current segment is written with O_DIRECT. */
  private block: BlockWriter | null = null;

  private constructor(
    dir: string,
    maxSegmentBytes: number,
    private directIo: boolean,
  ) {
    this.dir = dir;
    this.maxSegmentBytes = maxSegmentBytes;
  }

  /** Opens (creating if needed) and recovers the log: a torn tail is cut, corruption throws. */
  static open(opts: SegmentLogOptions): SegmentLog {
    const log = new SegmentLog(opts.dir, opts.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT, opts.directIo ?? true);
    fs.mkdirSync(opts.dir, { recursive: true });
    log.recover(opts);
    return log;
  }

  get head(): number {
    return this.committedPosition;
  }

  /** Whether the current segment is written with O_DIRECT (after its first append). */
  get writesDirect(): boolean {
    return this.block !== null;
  }

  get headHash(): string {
    return this.committedHash.toString('hex');
  }

  /** Where the log ends now: what a snapshot records so a later open can resume there. */
  point(): LogPoint {
    const seg = this.segments[this.segments.length - 1]!;
    return { position: this.committedPosition, segment: seg.name, offset: this.writeOffset, hash: this.headHash };
  }

  stats(): { segments: number; bytes: number } {
    let bytes = 0;
    for (const s of this.segments) {
      if (s === this.segments[this.segments.length - 1] && this.fd >= 0) {
        bytes += this.writeOffset; // not the preallocated zeros after it
        continue;
      }
      try {
        bytes += fs.statSync(path.join(this.dir, s.name)).size;
      } catch {
        // A segment removed underneath us is reported by verify, not here.
      }
    }
    return { segments: this.segments.length, bytes };
  }

  /** Called synchronously after each durable batch, before the appenders' promises resolve. */
  onCommit(listener: (frames: Frame[]) => void): void {
    this.commitListener = listener;
  }

  /**
   * Queues one transaction. Positions must follow on from the previous append; the promise
   * resolves once the frame is on stable storage.
   */
  append(firstPosition: number, count: number, payload: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + payload.length);
      payload.copy(frame, FRAME_HEADER_SIZE);
      this.enqueue(firstPosition, count, frame, (err) => (err ? reject(err) : resolve()));
    });
  }

  /**
   * `append` without a promise of its own, for a caller that answers with one of its own (one
   * promise per append instead of a chain of them). `frame` holds FRAME_HEADER_SIZE bytes of room
   * for the header, then the payload, so the payload is written into it once and never copied.
   * Throws when the transaction is refused.
   */
  enqueue(firstPosition: number, count: number, frame: Buffer, done: (err: Error | null) => void): void {
    const payload = frame.subarray(FRAME_HEADER_SIZE);
    if (this.failed) throw this.failed;
    if (this.closed) throw new ApiaryError('unavailable', 'the event log is closed');
    if (firstPosition !== this.nextPosition) throw new Error(`log append out of order: expected position ${this.nextPosition}, got ${firstPosition}`);
    if (payload.length > MAX_PAYLOAD) throw new ApiaryError('invalid_params', `transaction of ${payload.length} bytes exceeds the ${MAX_PAYLOAD}-byte limit`);
    this.nextPosition += count;
    this.queue.push({ firstPosition, count, payload, frame, done });
    if (!this.flushScheduled && !this.followUpScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes everything queued now in one durable write (per segment touched). */
  flush(followUp = false): void {
    this.flushScheduled = false;
    if (!followUp) this.chained = 0;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    try {
      let hash = this.committedHash;
      let buffers: Buffer[] = [];
      let bytes = 0;
      for (const p of batch) {
        const frame = p.frame;
        const next = encodeFrameInPlace(hash, p.firstPosition, p.count, frame);
        if (this.writeOffset + bytes + frame.length > this.maxSegmentBytes && this.writeOffset + bytes > SEGMENT_HEADER_SIZE) {
          this.writeAll(buffers, bytes);
          buffers = [];
          bytes = 0;
          this.rollSegment(p.firstPosition, hash);
        }
        buffers.push(frame);
        bytes += frame.length;
        hash = next;
      }
      this.writeAll(buffers, bytes);
      const last = batch[batch.length - 1]!;
      this.committedPosition = last.firstPosition + last.count - 1;
      this.committedHash = hash;
    } catch (err) {
      // A failed durable write leaves the file in an unknown state: stop accepting writes
      // (fail-stop) rather than acknowledge anything on top of it. Restart recovers.
      this.failed = err instanceof Error ? err : new Error(String(err));
      for (const p of batch) p.done(this.failed);
      for (const p of this.queue) p.done(this.failed);
      this.queue = [];
      return;
    }
    if (this.commitListener) this.commitListener(batch);
    for (const p of batch) p.done(null);
    // Appenders that were waiting on this batch often append again as soon as they hear back, in
    // the promise reactions that follow. A follow-up flush right after those reactions takes all
    // of them together without waiting for a turn of the event loop, which cost a lone awaited
    // writer several µs an append. Appends arriving from I/O still wait for setImmediate, where
    // one poll phase's worth of requests share a write; and every few flushes the loop gets its
    // turn, so other I/O waits a millisecond or so at most.
    if (this.chained < MAX_CHAINED_FLUSHES && !this.followUpScheduled) {
      this.chained++;
      this.followUpScheduled = true;
      queueMicrotask(() => this.followUp(true));
    }
  }

  /**
   * Queued behind the reactions to a batch's promises: appends they made are flushed at once.
   * Appenders further down a chain of promises reply later, so when nothing is queued yet the
   * check is repeated once the microtask queue is empty (a tick queued from a microtask runs then).
   */
  private followUp(again: boolean): void {
    if (this.queue.length > 0) {
      this.followUpScheduled = false;
      this.flush(true);
    } else if (again) {
      process.nextTick(() => this.followUp(false));
    } else {
      this.followUpScheduled = false;
    }
  }

  /** Reads committed frames in order, starting with the one that holds `fromPosition` (see `readFrames`). */
  read(fromPosition: number, onFrame: (frame: FrameAt) => boolean | void): void {
    readFrames(this.source(), fromPosition, onFrame);
  }

  /** The committed log as it stands now, for a reader elsewhere (see `readFrames`). */
  source(): LogSource {
    return { dir: this.dir, segments: this.segments.map((s) => ({ ...s })), head: this.committedPosition };
  }

  /** Recomputes the whole hash chain from the first segment: proves nothing was altered or removed. */
  verify(anchors: Array<{ position: number; hash: string }> = []): VerifyResult {
    return verifyLog(this.source(), anchors);
  }

  /** Flushes what is queued and closes the file. */
  close(): void {
    if (this.closed) return;
    if (this.queue.length) this.flush();
    this.closed = true;
    if (this.fd >= 0) {
      try {
        this.trimTail();
      } catch {
        // The zeros stay; the next open cuts them as a torn tail.
      }
      fs.closeSync(this.fd);
    }
    this.fd = -1;
    this.block = null;
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  private writeAll(buffers: Buffer[], bytes: number): void {
    if (bytes === 0) return;
    if (this.directIo && !this.block) this.goDirect();
    this.reserve(this.writeOffset + bytes);
    if (this.block) {
      this.block.writeBlocks(buffers, bytes, this.writeOffset);
      this.writeOffset += bytes;
      return;
    }
    let written = 0;
    let bufs = buffers;
    while (written < bytes) {
      const n = fs.writevSync(this.fd, bufs, this.writeOffset + written);
      written += n;
      if (written < bytes) bufs = [Buffer.concat(buffers).subarray(written)];
    }
    this.writeOffset += bytes;
  }

  /** Extends the current segment file with durable zeros, a step at a time, to at least `end`. */
  private reserve(end: number): void {
    if (this.block) {
      // Direct writes cover whole blocks, and the file already reaches a block boundary.
      const need = alignUp(end);
      if (need <= this.fileEnd) return;
      const target = alignUp(Math.max(need, Math.min(this.fileEnd + PREALLOCATE_BYTES, this.maxSegmentBytes)));
      this.block.writeZeros(this.fileEnd, target);
      this.fileEnd = target;
      return;
    }
    if (end <= this.fileEnd) return;
    const target = Math.max(end, Math.min(this.fileEnd + PREALLOCATE_BYTES, this.maxSegmentBytes));
    zeros ??= Buffer.alloc(PREALLOCATE_BYTES);
    for (let at = this.fileEnd; at < target; ) at += fs.writeSync(this.fd, zeros, 0, Math.min(zeros.length, target - at), at);
    this.fileEnd = target;
  }

  /** Cuts the preallocated zeros after the last frame, durably, so the segment ends with its last frame. */
  private trimTail(): void {
    if (this.fileEnd <= this.writeOffset) return;
    fs.ftruncateSync(this.fd, this.writeOffset);
    fs.fsyncSync(this.fd);
    this.fileEnd = this.writeOffset;
  }

  private rollSegment(firstPosition: number, prevHash: Buffer): void {
    if (this.fd >= 0) {
      // Sealed before the next segment exists: recovery expects a sealed segment to end with a frame.
      this.trimTail();
      fs.closeSync(this.fd);
      this.block = null;
    }
    const name = segmentName(firstPosition);
    const file = path.join(this.dir, name);
    const { O_RDWR, O_CREAT, O_EXCL, O_DSYNC } = fs.constants;
    this.fd = fs.openSync(file, O_RDWR | O_CREAT | O_EXCL | O_DSYNC, 0o600);
    fs.writeSync(this.fd, encodeSegmentHeader({ firstPosition, prevHash }), 0, SEGMENT_HEADER_SIZE, 0);
    this.writeOffset = SEGMENT_HEADER_SIZE;
    this.fileEnd = SEGMENT_HEADER_SIZE;
    this.segments.push({ name, firstPosition });
    fsyncDir(this.dir);
  }

  /**
   * Switches the current segment to direct writes when the file system takes them. Done at its
   * first append rather than at open, so opening a log changes nothing but a torn tail.
   */
  private goDirect(): void {
    const block = BlockWriter.open(path.join(this.dir, this.segments[this.segments.length - 1]!.name), this.writeOffset);
    if (!block) {
      this.directIo = false; // the same file system will refuse the next segment too
      return;
    }
    fs.closeSync(this.fd);
    this.fd = block.fd;
    this.block = block;
    // The probe wrote the block holding the end of data; a partial block past it is not counted
    // as reserved, so later zero writes stay aligned.
    this.fileEnd = Math.max(alignDown(this.writeOffset) + BLOCK, alignDown(this.fileEnd));
  }

  private recover(opts: SegmentLogOptions): void {
    const names = fs
      .readdirSync(this.dir)
      .filter((n) => SEGMENT_RE.test(n))
      .sort();
    this.segments = names.map((name) => ({ name, firstPosition: Number(SEGMENT_RE.exec(name)![1]) }));
    if (this.segments.length === 0) {
      const r = opts.resumeFrom;
      if (r && r.position > 0) throw corrupt(r.segment, r.offset, r.position, 'the log a snapshot points into is missing');
      this.rollSegment(1, GENESIS_HASH);
      return;
    }
    // Start at the snapshot's point when it is still valid; otherwise scan everything.
    let startSeg = 0;
    let startOffset = SEGMENT_HEADER_SIZE;
    let position = 0;
    let hash: Buffer = GENESIS_HASH;
    const resume = opts.resumeFrom;
    if (resume && resume.position > 0) {
      const idx = this.segments.findIndex((s) => s.name === resume.segment);
      if (idx === -1) throw corrupt(resume.segment, resume.offset, resume.position, 'the segment a snapshot points into is missing');
      startSeg = idx;
      startOffset = resume.offset;
      position = resume.position;
      hash = Buffer.from(resume.hash, 'hex');
    }
    const reader = new SegmentReader();
    const at = newFrameAt();
    for (let i = startSeg; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const isLast = i === this.segments.length - 1;
      const file = path.join(this.dir, seg.name);
      const buf = reader.read(file, i === startSeg ? startOffset : SEGMENT_HEADER_SIZE);
      const header = decodeSegmentHeader(buf);
      if ('error' in header) {
        if (isLast && buf.length < SEGMENT_HEADER_SIZE + FRAME_HEADER_SIZE) {
          // A segment whose creation was interrupted holds no acknowledged data.
          opts.onWarning?.(`removed a segment whose creation was interrupted (${seg.name})`);
          fs.unlinkSync(file);
          this.segments.pop();
          fsyncDir(this.dir);
          break;
        }
        throw corrupt(seg.name, 0, position + 1, header.error);
      }
      if (header.firstPosition !== position + 1 && !(i === startSeg && resume)) {
        throw corrupt(seg.name, 0, position + 1, `segment starts at position ${header.firstPosition}, expected ${position + 1}`);
      }
      let offset = i === startSeg ? startOffset : SEGMENT_HEADER_SIZE;
      // A snapshot's point must lie inside this log and the record after it must chain to the
      // snapshot's hash: otherwise (the log was restored from an older copy, say) padding the
      // file or trusting the snapshot would invent data, so the caller falls back to a full scan.
      const resumingHere = resume !== undefined && resume.position > 0 && i === startSeg;
      if (resumingHere && offset > buf.length) throw corrupt(seg.name, offset, position, 'the log ends before the point a snapshot covers');
      // The last intact frame of this segment: the chain goes on from its hash.
      let lastFrame = -1;
      for (;;) {
        if (offset === buf.length) break;
        const problem = checkFrame(buf, offset, at);
        if (problem === null) {
          if (resumingHere && offset === startOffset && !chainHash(hash, at.firstPosition, at.count, buf.subarray(at.start, at.end)).equals(frameHash(buf, offset))) {
            throw corrupt(seg.name, offset, position + 1, 'the record after the point a snapshot covers does not chain to it');
          }
          if (at.firstPosition !== position + 1) throw corrupt(seg.name, offset, position + 1, `record starts at position ${at.firstPosition}`);
          opts.onFrame?.(at);
          position += at.count;
          lastFrame = offset;
          offset = at.end;
          continue;
        }
        // The rest of this segment does not decode. Only the tail of the last segment may be
        // torn (a write that was never acknowledged); anything with intact frames after it is
        // corruption of acknowledged data and must not be cut.
        const reason = problem.kind === 'short' ? 'truncated record' : problem.reason;
        if (!isLast || findLaterFrame(buf, offset) !== -1) throw corrupt(seg.name, offset, position + 1, reason);
        const tail = buf.subarray(offset);
        opts.onWarning?.(
          tail.every((b) => b === 0)
            ? `cut ${tail.length} bytes of preallocated space after position ${position} (the host stopped without closing the log)`
            : `cut a torn tail of ${tail.length} bytes after position ${position} (segment ${seg.name}, byte ${offset})`,
        );
        const fd = fs.openSync(file, 'r+');
        fs.ftruncateSync(fd, offset);
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        break;
      }
      if (isLast) this.writeOffset = offset;
      // Copied: the reader's buffer is overwritten by the next segment.
      hash = Buffer.from(lastFrame < 0 ? hash : frameHash(buf, lastFrame));
    }
    const last = this.segments[this.segments.length - 1];
    this.committedPosition = position;
    this.committedHash = hash;
    this.nextPosition = position + 1;
    if (!last) {
      this.rollSegment(position + 1, hash);
      return;
    }
    if (this.writeOffset === 0) this.writeOffset = fs.statSync(path.join(this.dir, last.name)).size;
    const { O_RDWR, O_DSYNC } = fs.constants;
    this.fd = fs.openSync(path.join(this.dir, last.name), O_RDWR | O_DSYNC);
    this.fileEnd = fs.fstatSync(this.fd).size;
  }
}

/**
 * Recomputes the hash chain of `source` from its first segment up to its head: proves nothing was
 * altered or removed, and that the log holds every position a snapshot (`anchors`) recorded.
 * Read-only, like `readFrames`: a worker may run it while the host appends.
 */
export function verifyLog(source: LogSource, anchors: Array<{ position: number; hash: string }> = []): VerifyResult {
  const { dir, segments, head } = source;
  const anchorAt = new Map(anchors.map((a) => [a.position, a.hash]));
  let hash: Buffer = GENESIS_HASH;
  let expected = 1;
  let records = 0;
  const fail = (segment: string, offset: number, reason: string): VerifyResult => ({
    ok: false,
    records,
    events: expected - 1,
    segments: segments.length,
    headHash: hash.toString('hex'),
    problem: { position: expected, segment, offset, reason },
  });
  const reader = new SegmentReader();
  for (const seg of segments) {
    let buf: Buffer;
    try {
      buf = reader.readAll(path.join(dir, seg.name));
    } catch {
      return fail(seg.name, 0, 'segment file is missing');
    }
    const header = decodeSegmentHeader(buf);
    if ('error' in header) return fail(seg.name, 0, header.error);
    if (header.firstPosition !== expected) return fail(seg.name, 0, `segment starts at position ${header.firstPosition}, expected ${expected} (events removed?)`);
    if (!header.prevHash.equals(hash)) return fail(seg.name, 0, 'segment does not chain to the previous one (altered or removed data)');
    let offset = SEGMENT_HEADER_SIZE;
    while (offset < buf.length) {
      const f = decodeFrame(buf, offset);
      if (f.kind === 'short') {
        if (expected - 1 >= head) break; // bytes past the committed head are an in-flight write
        return fail(seg.name, offset, 'record is truncated');
      }
      if (f.kind === 'bad') return fail(seg.name, offset, f.reason);
      if (f.firstPosition !== expected) return fail(seg.name, offset, `record starts at position ${f.firstPosition}, expected ${expected}`);
      const h = chainHash(hash, f.firstPosition, f.count, f.payload);
      if (!h.equals(f.hash)) return fail(seg.name, offset, 'hash chain broken: the record was altered');
      hash = h;
      expected += f.count;
      records++;
      offset += f.size;
      const anchor = anchorAt.get(expected - 1);
      if (anchor !== undefined && anchor !== hash.toString('hex')) {
        return fail(seg.name, offset, `hash at position ${expected - 1} differs from the one recorded in a snapshot`);
      }
      if (expected - 1 >= head) break;
    }
  }
  for (const a of anchors) {
    if (a.position > expected - 1) {
      return fail(segments[segments.length - 1]?.name ?? '', 0, `a snapshot covered position ${a.position} but the log ends at ${expected - 1} (events removed)`);
    }
  }
  return { ok: true, records, events: expected - 1, segments: segments.length, headHash: hash.toString('hex') };
}

/**
 * Reads the frames of `source` in order, from the one that holds `fromPosition` up to its head;
 * `onFrame` returning false stops the read. The frame passed is reused for the next one: copy
 * what must outlive the call. Read-only: any thread may call it while the host appends, since the
 * frames up to `head` never change.
 */
export function readFrames(source: LogSource, fromPosition: number, onFrame: (frame: FrameAt) => boolean | void): void {
  const { dir, segments, head } = source;
  if (fromPosition > head) return;
  let start = 0;
  for (let i = 0; i < segments.length; i++) {
    if (segments[i]!.firstPosition <= fromPosition) start = i;
  }
  const at = newFrameAt();
  const reader = new SegmentReader();
  for (let i = start; i < segments.length; i++) {
    const buf = reader.readAll(path.join(dir, segments[i]!.name));
    for (let offset = SEGMENT_HEADER_SIZE; checkFrame(buf, offset, at) === null; offset = at.end) {
      if (at.firstPosition > head) return;
      if (at.firstPosition + at.count - 1 < fromPosition) continue;
      if (onFrame(at) === false) return;
    }
  }
}

/**
 * Reads segments for a scan into one buffer, reused from segment to segment: a fresh
 * 64 MiB buffer per segment cost the kernel a page fault and a zeroed page for every 4 KiB, about
 * a sixth of a second for a million events, and left the collector large buffers to free.
 */
class SegmentReader {
  private buffer: Buffer | null = null;

  /**
   * A segment's bytes at their file offsets, valid until the next read. Resuming from a snapshot's
   * point, only the header and what follows the point are read: a start reads the tail, not the
   * whole segment (up to 64 MiB). The bytes in between are left unread and never looked at.
   */
  read(file: string, from: number): Buffer {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (!this.buffer || this.buffer.length < size) this.buffer = Buffer.allocUnsafe(size);
      const buf = this.buffer.subarray(0, size);
      if (from <= SEGMENT_HEADER_SIZE) {
        readAt(fd, buf, 0, size);
      } else {
        readAt(fd, buf, 0, Math.min(size, SEGMENT_HEADER_SIZE));
        if (size > from) readAt(fd, buf, from, size);
      }
      return buf;
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * A whole segment, valid until the next read, for a reader beside the writer: the writer may
   * cut the preallocated zeros off a segment it seals meanwhile, so a file that ends early is read
   * as far as it goes (its frames up to the head are all there).
   */
  readAll(file: string): Buffer {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (!this.buffer || this.buffer.length < size) this.buffer = Buffer.allocUnsafe(size);
      return this.buffer.subarray(0, readAt(fd, this.buffer, 0, size, false));
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Reads `[start, end)` of the file into the same bytes of `buf`; the end reached (early only when `mustFill` is false). */
function readAt(fd: number, buf: Buffer, start: number, end: number, mustFill = true): number {
  let at = start;
  while (at < end) {
    const n = fs.readSync(fd, buf, at, end - at, at);
    if (n === 0) {
      if (mustFill) throw new Error(`segment shrank while being read (at byte ${at})`);
      break;
    }
    at += n;
  }
  return at;
}

function fsyncDir(dir: string): void {
  // Makes a new or removed file name durable; not supported on every platform (Windows).
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // best effort
  }
}
