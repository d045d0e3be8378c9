// What the store must know to accept an append without reading the log: each stream's version
// and which event ids exist (idempotency). Rebuilt by replay, carried in snapshots.
//
// Only ids a caller chose are kept. An id the store generated (GENERATED_ID_PREFIX, which callers
// may not use) is a fresh UUID no retry can carry, so remembering it would buy nothing — and it
// was most of the index's memory, of the time a replay spends on it, and of each snapshot's size.
//
// Both maps keep their keys as bytes (bytesMap.ts), so a replay records an event straight from
// the head it read in the log's buffer (recordHead), without making strings.
import { BytesMap } from './bytesMap';
import type { HeadAt } from './head';

/** Ids the store generates begin with this; appends that bring their own such ids are refused. */
export const GENERATED_ID_PREFIX = 'evt_';

export const isGeneratedId = (id: string): boolean => id.startsWith(GENERATED_ID_PREFIX);

export interface StreamIndexSnapshot {
  versions: Array<[string, number]>;
  ids: Array<[string, number]>;
}

export class StreamIndex {
  constructor(
    private readonly versions = new BytesMap(),
    private readonly ids = new BytesMap(),
  ) {}

  version(stream: string): number {
    return this.versions.get(stream) ?? 0;
  }

  positionOf(id: string): number | undefined {
    return this.ids.get(id);
  }

  /** `id` null: one the store generated, known not to be needed without reading it. */
  record(id: string | null, stream: string, version: number, position: number): void {
    if (id !== null && !isGeneratedId(id)) this.ids.set(id, position);
    this.versions.set(stream, version);
  }

  /** The same, for an event whose head was read from `buf` (head.ts). */
  recordHead(buf: Buffer, head: HeadAt): void {
    if (head.idStart >= 0) this.ids.setBytes(buf, head.idStart, head.idEnd, head.position);
    this.versions.setBytes(buf, head.streamStart, head.streamEnd, head.version);
  }

  get streamCount(): number {
    return this.versions.size;
  }

  toJSON(): StreamIndexSnapshot {
    return { versions: [...this.versions.entries()], ids: [...this.ids.entries()] };
  }

  /** For snapshots: the versions' map, then the ids' (bytesMap.ts), after the first one's length. */
  toBytes(): Buffer {
    const versions = this.versions.toBytes();
    const length = Buffer.alloc(4);
    length.writeUInt32LE(versions.length);
    return Buffer.concat([length, versions, this.ids.toBytes()]);
  }

  /** The index `toBytes` wrote; throws on bytes that are not one. */
  static fromBytes(bytes: Uint8Array): StreamIndex {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const length = buf.length >= 4 ? buf.readUInt32LE(0) : Number.POSITIVE_INFINITY;
    if (4 + length > buf.length) throw new Error('stored index is cut short');
    return new StreamIndex(BytesMap.fromBytes(buf.subarray(4, 4 + length)), BytesMap.fromBytes(buf.subarray(4 + length)));
  }

  /** The index as snapshots of the first format held it (JSON pairs). */
  static from(snapshot: StreamIndexSnapshot): StreamIndex {
    const index = new StreamIndex();
    for (const [stream, version] of snapshot.versions) index.versions.set(stream, version);
    for (const [id, position] of snapshot.ids) index.ids.set(id, position);
    return index;
  }
}
