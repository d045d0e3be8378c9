// Snapshots: the read-model database plus the stream index, with the log point they cover, so a
// start replays only the tail. Written atomically (temp file, fsync, rename); the newest two are
// kept and a damaged one is skipped (the older one, or a full replay, takes over).
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { LogPoint } from './segmentLog';
import type { StreamIndexSnapshot } from './streamIndex';

const MAGIC = 'APSNAP01';
const NAME_RE = /^snapshot-(\d{20})\.bin$/;

export interface SnapshotHeader {
  format: 1;
  point: LogPoint;
  createdAt: string;
  projections: Record<string, number>;
}

export interface Snapshot {
  header: SnapshotHeader;
  index: StreamIndexSnapshot;
  db: Uint8Array;
}

// Layout: magic(8) · headerLen u32 · indexLen u32 · dbLen u32 · crc32(all after this field) u32 · header · index · db
export function writeSnapshot(dir: string, snap: Snapshot): string {
  fs.mkdirSync(dir, { recursive: true });
  const header = Buffer.from(JSON.stringify(snap.header));
  const index = Buffer.from(JSON.stringify(snap.index));
  const db = Buffer.from(snap.db.buffer, snap.db.byteOffset, snap.db.byteLength);
  const lens = Buffer.alloc(16);
  lens.writeUInt32LE(header.length, 0);
  lens.writeUInt32LE(index.length, 4);
  lens.writeUInt32LE(db.length, 8);
  let crc = crc32(header);
  crc = crc32(index, crc);
  crc = crc32(db, crc);
  lens.writeUInt32LE(crc, 12);
  const name = `snapshot-${String(snap.header.point.position).padStart(20, '0')}.bin`;
  const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writevSync(fd, [Buffer.from(MAGIC, 'ascii'), lens, header, index, db]);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path.join(dir, name));
  prune(dir, 2);
  return name;
}

export function readSnapshot(file: string): Snapshot | { error: string } {
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
    const index = JSON.parse(body.toString('utf8', hl, hl + il)) as StreamIndexSnapshot;
    const db = new Uint8Array(body.buffer, body.byteOffset + hl + il, dl);
    return { header, index, db };
  } catch (e) {
    return { error: `snapshot is unreadable: ${(e as Error).message}` };
  }
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
