// Snapshots: the read-model database plus the stream index, with the log point they cover, so a
// start replays only the tail. Written atomically (temp file, fsync, rename); the newest two are
// kept and a damaged one is skipped (the older one, or a full replay, takes over). A snapshot is
// only a shortcut past replay, never the only copy of anything, so writing one in the background
// risks nothing: until its rename, the previous snapshot and the log stand.
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { LogPoint } from './segmentLog';
import { StreamIndex, type StreamIndexSnapshot } from './streamIndex';

const MAGIC = 'APSNAP01';
const NAME_RE = /^snapshot-(\d{20})\.bin$/;

export interface SnapshotHeader {
  /** 2: the index is StreamIndex.toBytes(); 1 (read, no longer written): the index as JSON pairs. */
  format: 1 | 2;
  point: LogPoint;
  createdAt: string;
  projections: Record<string, number>;
}

/** A snapshot as written: its stream index as StreamIndex.toBytes() made it when it was taken. */
export interface Snapshot {
  header: SnapshotHeader;
  index: Uint8Array;
  db: Uint8Array;
}

/** A snapshot as read back. */
export interface StoredSnapshot {
  header: SnapshotHeader;
  index: StreamIndex;
  db: Uint8Array;
}

// Layout: magic(8) · headerLen u32 · indexLen u32 · dbLen u32 · crc32(all after this field) u32 · header · index · db
function encode(snap: Snapshot): Buffer[] {
  const header = Buffer.from(JSON.stringify(snap.header));
  const index = Buffer.from(snap.index.buffer, snap.index.byteOffset, snap.index.byteLength);
  const db = Buffer.from(snap.db.buffer, snap.db.byteOffset, snap.db.byteLength);
  const lens = Buffer.alloc(16);
  lens.writeUInt32LE(header.length, 0);
  lens.writeUInt32LE(index.length, 4);
  lens.writeUInt32LE(db.length, 8);
  let crc = crc32(header);
  crc = crc32(index, crc);
  crc = crc32(db, crc);
  lens.writeUInt32LE(crc, 12);
  return [Buffer.from(MAGIC, 'ascii'), lens, header, index, db];
}

const fileName = (snap: Snapshot): string => `snapshot-${String(snap.header.point.position).padStart(20, '0')}.bin`;

// Each write has its own temporary file: a background write and the one close() takes may run at
// the same time, for the same position.
let writes = 0;
const temporaryName = (name: string): string => `.${name}.${process.pid}.${++writes}.tmp`;
const TEMPORARY_RE = /^\.snapshot-\d{20}\.bin\.(\d+)(?:\.\d+)?\.tmp$/;

/** Writes a snapshot durably before returning; returns its file name. */
export function writeSnapshot(dir: string, snap: Snapshot): string {
  fs.mkdirSync(dir, { recursive: true });
  const name = fileName(snap);
  const tmp = path.join(dir, temporaryName(name));
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writevSync(fd, encode(snap));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, name));
  prune(dir, 2);
  return name;
}

/**
 * The same, with the bytes encoded now and the file written and synced off the main thread:
 * at a million events the write and its sync are most of what a snapshot would block the host for.
 * A failed write leaves no file behind.
 */
export async function writeSnapshotInBackground(dir: string, snap: Snapshot): Promise<string> {
  const buffers = encode(snap);
  await fs.promises.mkdir(dir, { recursive: true });
  const name = fileName(snap);
  const tmp = path.join(dir, temporaryName(name));
  const file = await fs.promises.open(tmp, 'w', 0o600);
  try {
    try {
      await file.writev(buffers);
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.promises.rename(tmp, path.join(dir, name));
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  prune(dir, 2);
  return name;
}

/** Removes temporary files that a process which is no longer running left mid-write. */
export function removeStaleTemporaries(dir: string, alive: (pid: number) => boolean = isAlive): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMPORARY_RE.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      // gone already
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A snapshot file whose checksum holds, with its header read and its index still as stored. */
function readChecked(file: string): { header: SnapshotHeader; index: Buffer; db: Uint8Array } | { error: string } {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    return { error: (e as Error).message };
  }
  if (buf.length < 24 || buf.toString('ascii', 0, 8) !== MAGIC) return { error: 'not a snapshot' };
  const hl = buf.readUInt32LE(8);
  const il = buf.readUInt32LE(12);
  const dl = buf.readUInt32LE(16);
  const body = buf.subarray(24);
  if (body.length !== hl + il + dl) return { error: 'snapshot is truncated' };
  if (crc32(body) !== buf.readUInt32LE(20)) return { error: 'snapshot checksum mismatch' };
  try {
    const header = JSON.parse(body.toString('utf8', 0, hl)) as SnapshotHeader;
    return { header, index: body.subarray(hl, hl + il), db: new Uint8Array(body.buffer, body.byteOffset + hl + il, dl) };
  } catch (e) {
    return { error: `snapshot is unreadable: ${(e as Error).message}` };
  }
}

export function readSnapshot(file: string): StoredSnapshot | { error: string } {
  const s = readChecked(file);
  if ('error' in s) return s;
  try {
    // A snapshot of the first format is read as well: the next one is written in the second.
    const index = s.header.format === 1 ? StreamIndex.from(JSON.parse(s.index.toString('utf8')) as StreamIndexSnapshot) : StreamIndex.fromBytes(s.index);
    return { header: s.header, index, db: s.db };
  } catch (e) {
    return { error: `snapshot is unreadable: ${(e as Error).message}` };
  }
}

/**
 * The log points the readable snapshots among `files` recorded: anchors for `verifyLog`, which
 * proves the log still holds what each snapshot covered.
 */
export function snapshotAnchors(files: readonly string[]): Array<{ position: number; hash: string }> {
  const anchors: Array<{ position: number; hash: string }> = [];
  for (const f of files) {
    // Only the header is needed: the index is not rebuilt for it.
    const s = readChecked(f);
    if (!('error' in s)) anchors.push({ position: s.header.point.position, hash: s.header.point.hash });
  }
  return anchors;
}

/** Snapshot files, newest first. */
export function listSnapshots(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => NAME_RE.test(n))
    .sort()
    .reverse()
    .map((n) => path.join(dir, n));
}

function prune(dir: string, keep: number): void {
  for (const f of listSnapshots(dir).slice(keep)) {
    try {
      fs.unlinkSync(f);
    } catch {
      // another process may have pruned it already
    }
  }
}
