// A map from strings to numbers that keeps its keys as UTF-8 bytes and can be asked with bytes.
// A replay indexes every event's stream and id straight from the log's buffer: making a string of
// each, only to hash it into a Map, cost more than reading the event's head. Measured on a log of
// 1,000,000 events (50,597 streams, 250,000 ids a caller chose): 0.75 s of the main thread's 2.8 s
// with Maps, 0.4 s here, and the keys stay out of the collector's way.
//
// Keys are compared as bytes, which is string equality for well-formed strings. A string with a
// lone surrogate has no UTF-8 form of its own (it would be encoded as U+FFFD and meet other keys),
// so such keys are kept in a plain Map beside. No delete: the stream index only ever grows.
//
// Snapshots carry the map as its own arrays (toBytes), hashes included: a start takes them back
// with a few copies, where rebuilding it key by key from JSON doubled the cold start at 100,000
// events.

type WellFormed = (s: string) => boolean;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed: WellFormed =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !LONE_SURROGATE.test(s);

/** Keys come from agents: a fixed hash would let one choose keys that all collide. */
const randomSeed = (): number => (Math.random() * 2 ** 32) | 0;

/** Version of the layout toBytes writes. */
const LAYOUT = 1;
const FIXED = 16;

export class BytesMap {
  /** Open addressing, linear probing: entry index + 1, 0 for an empty slot; at most half full. */
  private slots = new Int32Array(16);
  private hashes = new Int32Array(8);
  private starts = new Int32Array(8);
  private lengths = new Int32Array(8);
  private values = new Float64Array(8);
  /** Every key's bytes, one after another, in insertion order. */
  private keys = Buffer.allocUnsafe(256);
  private keyBytes = 0;
  private count = 0;
  private readonly odd = new Map<string, number>();
  private scratch = Buffer.allocUnsafe(256);
  /** The key the scratch buffer holds (encode), and its length there. */
  private encoded: string | null = null;
  private encodedLength = -1;
  private seed = randomSeed();

  get size(): number {
    return this.count + this.odd.size;
  }

  /** The value of the key whose UTF-8 bytes are `buf[start, end)`. */
  getBytes(buf: Uint8Array, start: number, end: number): number | undefined {
    const at = this.find(buf, start, end, hash(buf, start, end, this.seed));
    return at < 0 ? undefined : this.values[at];
  }

  setBytes(buf: Uint8Array, start: number, end: number, value: number): void {
    const h = hash(buf, start, end, this.seed);
    const at = this.find(buf, start, end, h);
    if (at >= 0) this.values[at] = value;
    else this.insert(buf, start, end, h, value);
  }

  get(key: string): number | undefined {
    const n = this.encode(key); // first: it may replace the scratch buffer
    return n < 0 ? this.odd.get(key) : this.getBytes(this.scratch, 0, n);
  }

  set(key: string, value: number): void {
    const n = this.encode(key); // first: it may replace the scratch buffer
    if (n < 0) this.odd.set(key, value);
    else this.setBytes(this.scratch, 0, n, value);
  }

  /** Every key and value, in the order the keys were first set (those with lone surrogates last). */
  *entries(): IterableIterator<[string, number]> {
    for (let i = 0; i < this.count; i++) yield [this.keys.toString('utf8', this.starts[i]!, this.starts[i]! + this.lengths[i]!), this.values[i]!];
    yield* this.odd;
  }

  /**
   * Layout: version · seed · count · key bytes (u32 each) · hashes (i32) · lengths (i32) ·
   * values (f64) · keys · the keys with lone surrogates as JSON pairs.
   */
  toBytes(): Buffer {
    const n = this.count;
    const odd = Buffer.from(JSON.stringify([...this.odd]));
    const out = Buffer.alloc(FIXED + n * 16 + this.keyBytes + odd.length);
    out.writeUInt32LE(LAYOUT, 0);
    out.writeInt32LE(this.seed, 4);
    out.writeUInt32LE(n, 8);
    out.writeUInt32LE(this.keyBytes, 12);
    let at = FIXED;
    for (const part of [this.hashes.subarray(0, n), this.lengths.subarray(0, n), this.values.subarray(0, n)]) {
      out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
      at += part.byteLength;
    }
    this.keys.copy(out, at, 0, this.keyBytes);
    odd.copy(out, at + this.keyBytes);
    return out;
  }

  /** The map `toBytes` wrote; throws on bytes that are not one. */
  static fromBytes(bytes: Uint8Array): BytesMap {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < FIXED || buf.readUInt32LE(0) !== LAYOUT) throw new Error('not a stored map (or a newer layout)');
    const n = buf.readUInt32LE(8);
    const keyBytes = buf.readUInt32LE(12);
    const keysAt = FIXED + n * 16;
    if (buf.length < keysAt + keyBytes) throw new Error('stored map is cut short');
    const map = new BytesMap();
    map.seed = buf.readInt32LE(4);
    const capacity = Math.max(8, n);
    // Copied byte for byte into fresh arrays: the source need not be aligned for their element size.
    const take = <T extends Int32Array | Float64Array>(into: T, from: number, width: number): T => {
      new Uint8Array(into.buffer).set(buf.subarray(from, from + n * width));
      return into;
    };
    map.hashes = take(new Int32Array(capacity), FIXED, 4);
    map.lengths = take(new Int32Array(capacity), FIXED + n * 4, 4);
    map.values = take(new Float64Array(capacity), FIXED + n * 8, 8);
    map.starts = new Int32Array(capacity);
    let start = 0;
    for (let i = 0; i < n; i++) {
      if (map.lengths[i]! < 0) throw new Error('stored map has a key of negative length');
      map.starts[i] = start;
      start += map.lengths[i]!;
    }
    if (start !== keyBytes) throw new Error('stored map keys do not add up');
    map.keys = Buffer.allocUnsafe(Math.max(256, keyBytes));
    buf.copy(map.keys, 0, keysAt, keysAt + keyBytes);
    map.keyBytes = keyBytes;
    map.count = n;
    map.rehash(Math.max(16, 2 ** Math.ceil(Math.log2(n * 2 + 1))));
    for (const [k, v] of JSON.parse(buf.toString('utf8', keysAt + keyBytes)) as Array<[string, number]>) map.odd.set(k, v);
    return map;
  }

  /**
   * `key` as UTF-8 at the start of the scratch buffer; its length in bytes, or -1 for a key with a
   * lone surrogate. An append asks for its stream's version and then records it: the second call
   * finds the key already there.
   */
  private encode(key: string): number {
    if (key === this.encoded) return this.encodedLength;
    let n = -1;
    if (isWellFormed(key)) {
      // A UTF-16 code unit takes at most 3 bytes of UTF-8: with that much room nothing is cut off.
      if (this.scratch.length < key.length * 3) this.scratch = Buffer.allocUnsafe(key.length * 3);
      n = this.scratch.write(key, 0, 'utf8');
    }
    this.encoded = key;
    this.encodedLength = n;
    return n;
  }

  /** The entry holding these bytes, or -1. */
  private find(buf: Uint8Array, start: number, end: number, h: number): number {
    const { slots, keys } = this;
    const mask = slots.length - 1;
    const length = end - start;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = slots[s]!;
      if (e === 0) return -1;
      const at = e - 1;
      if (this.hashes[at] !== h || this.lengths[at] !== length) continue;
      const from = this.starts[at]!;
      let i = 0;
      while (i < length && keys[from + i] === buf[start + i]) i++;
      if (i === length) return at;
    }
  }

  private insert(buf: Uint8Array, start: number, end: number, h: number, value: number): void {
    const length = end - start;
    if (this.count === this.hashes.length) this.growEntries();
    if (this.keyBytes + length > this.keys.length) {
      const keys = Buffer.allocUnsafe(Math.max(this.keys.length * 2, this.keyBytes + length));
      this.keys.copy(keys, 0, 0, this.keyBytes);
      this.keys = keys;
    }
    this.keys.set(buf.subarray(start, end), this.keyBytes);
    const at = this.count++;
    this.hashes[at] = h;
    this.starts[at] = this.keyBytes;
    this.lengths[at] = length;
    this.values[at] = value;
    this.keyBytes += length;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else place(this.slots, h, at);
  }

  private growEntries(): void {
    const n = this.hashes.length * 2;
    this.hashes = grown(this.hashes, new Int32Array(n));
    this.starts = grown(this.starts, new Int32Array(n));
    this.lengths = grown(this.lengths, new Int32Array(n));
    this.values = grown(this.values, new Float64Array(n));
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let at = 0; at < this.count; at++) place(this.slots, this.hashes[at]!, at);
  }
}

/** FNV-1a over the bytes, from the map's seed. */
function hash(buf: Uint8Array, start: number, end: number, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h;
}

function place(slots: Int32Array, h: number, at: number): void {
  const mask = slots.length - 1;
  let s = h & mask;
  while (slots[s] !== 0) s = (s + 1) & mask;
  slots[s] = at + 1;
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
