// What the store must know to accept an append without reading the log: each stream's version
// and which event ids exist (idempotency). Rebuilt by replay, carried in snapshots.

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

  record(id: string, stream: string, version: number, position: number): void {
    this.ids.set(id, position);
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
