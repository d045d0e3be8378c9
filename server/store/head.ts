// Reading an event's head (id, stream, version, position, type) from its payload without decoding
// it. A replay indexes and routes every event from its head and decodes only the events a read
// model handles; reading one stream skips the others' events by theirs.
//
// Payloads are `JSON.stringify` of envelopes whose first five keys come in the writer's order
// (eventStore.ts), and a string value holds no unescaped quote, so the head is read by matching
// the keys in turn. Anything else (another shape, a string that would need unescaping) is said
// plainly — the caller decodes the payload instead. It may never misread.
import { BytesMap } from './bytesMap';
import { GENERATED_ID_PREFIX } from './streamIndex';

/**
 * Where a head's parts lie in the buffer it was read from, and its numbers. Filled in place: a
 * replay reads a million heads into one of these rather than making an object and strings each.
 */
export interface HeadAt {
  /** -1 for an id the store generated: nothing needs one (see streamIndex.ts), so it is not read. */
  idStart: number;
  idEnd: number;
  streamStart: number;
  streamEnd: number;
  version: number;
  position: number;
  typeStart: number;
  typeEnd: number;
}

export const newHead = (): HeadAt => ({ idStart: -1, idEnd: -1, streamStart: 0, streamEnd: 0, version: 0, position: 0, typeStart: 0, typeEnd: 0 });

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const GENERATED = Buffer.from(GENERATED_ID_PREFIX);
const [ID_KEY, STREAM_KEY, VERSION_KEY, POSITION_KEY, TYPE_KEY] = ['[{"id":"', '","stream":"', '","version":', ',"position":', ',"type":"'].map((k) =>
  Buffer.from(k),
) as [Buffer, Buffer, Buffer, Buffer, Buffer];

// The helpers below work byte by byte: a replay runs them for every event, and for spans this
// short Buffer's own compare, indexOf and toString cost more in argument checks than in work.

/** Just past `key` when `buf` holds it at `at` (before `end`), else -1. */
function keyAt(buf: Buffer, at: number, end: number, key: Buffer): number {
  if (at < 0 || at + key.length > end) return -1;
  for (let i = 0; i < key.length; i++) if (buf[at + i] !== key[i]) return -1;
  return at + key.length;
}

/** The closing quote of a string starting at `at`, or -1 when it holds an escape (or never ends). */
function stringEnd(buf: Buffer, at: number, end: number): number {
  for (let i = at; i < end; i++) {
    const c = buf[i];
    if (c === QUOTE) return i;
    if (c === BACKSLASH) return -1;
  }
  return -1;
}

/** The end of a non-negative integer as JSON.stringify writes one starting at `at`, or -1. */
function integerEnd(buf: Buffer, at: number, end: number): number {
  let i = at;
  while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
  return i === at || i - at > 15 ? -1 : i;
}

function integerAt(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (buf[i]! - 0x30);
  return n;
}

/**
 * Reads the head of the one-event payload `buf[start, end)` into `into`; false (and `into` left
 * meaningless) when it cannot be read that way.
 */
export function readHead(buf: Buffer, start: number, end: number, into: HeadAt): boolean {
  const idAt = keyAt(buf, start, end, ID_KEY);
  const idEnd = idAt < 0 ? -1 : stringEnd(buf, idAt, end);
  const streamAt = keyAt(buf, idEnd, end, STREAM_KEY);
  const streamEnd = streamAt < 0 ? -1 : stringEnd(buf, streamAt, end);
  const versionAt = keyAt(buf, streamEnd, end, VERSION_KEY);
  const versionEnd = versionAt < 0 ? -1 : integerEnd(buf, versionAt, end);
  const positionAt = keyAt(buf, versionEnd, end, POSITION_KEY);
  const positionEnd = positionAt < 0 ? -1 : integerEnd(buf, positionAt, end);
  const typeAt = keyAt(buf, positionEnd, end, TYPE_KEY);
  const typeEnd = typeAt < 0 ? -1 : stringEnd(buf, typeAt, end);
  if (typeEnd < 0) return false;
  const generated = keyAt(buf, idAt, idEnd, GENERATED) >= 0;
  into.idStart = generated ? -1 : idAt;
  into.idEnd = generated ? -1 : idEnd;
  into.streamStart = streamAt;
  into.streamEnd = streamEnd;
  into.version = integerAt(buf, versionAt, versionEnd);
  into.position = integerAt(buf, positionAt, positionEnd);
  into.typeStart = typeAt;
  into.typeEnd = typeEnd;
  return true;
}

/** Whether `buf[start, end)` holds exactly the bytes of `key` (a stream name, say). */
export function sameBytes(buf: Buffer, start: number, end: number, key: Buffer): boolean {
  if (end - start !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (buf[start + i] !== key[i]) return false;
  return true;
}

/**
 * The type of a head as a string, made once per type name and the same string after that: a
 * replay routes a million events by a few dozen types, and a string it has seen before is hashed
 * and compared once, not per event.
 */
export class TypeNames {
  private readonly ids = new BytesMap();
  private readonly names: string[] = [];

  of(buf: Buffer, head: HeadAt): string {
    const known = this.ids.getBytes(buf, head.typeStart, head.typeEnd);
    if (known !== undefined) return this.names[known]!;
    const name = buf.toString('utf8', head.typeStart, head.typeEnd);
    this.ids.setBytes(buf, head.typeStart, head.typeEnd, this.names.length);
    this.names.push(name);
    return name;
  }
}
