// What the store must know to accept an append without reading the log: each stream's version
// and which event ids exist (idempotency). Rebuilt by replay, carried in snapshots.
//
// Only ids a caller chose are kept. An id the store generated (GENERATED_ID_PREFIX, which callers
// may not use) is a fresh UUID no retry can carry, so remembering it would buy nothing — and it
// was most of the index's memory, of the time a replay spends on it, and of each snapshot's size.

/** Ids the store generates begin with this; appends that bring their own such ids are refused. */
export const GENERATED_ID_PREFIX = 'evt_';

export const isGeneratedId = (id: string): boolean => id.startsWith(GENERATED_ID_PREFIX);

export interface StreamIndexSnapshot {
  versions: Array<[string, number]>;
  ids: Array<[string, number]>;
}

export class StreamIndex {
  constructor(
    private readonly versions = new Map<string, number>(),
    private readonly ids = new Map<string, number>(),
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

  get streamCount(): number {
    return this.versions.size;
  }

  toJSON(): StreamIndexSnapshot {
    return { versions: [...this.versions], ids: [...this.ids] };
  }

  static from(snapshot: StreamIndexSnapshot): StreamIndex {
    // The Map constructor takes the pairs as they are: several times faster at start-up than a
    // set() per entry.
    return new StreamIndex(new Map(snapshot.versions), new Map(snapshot.ids));
  }
}
