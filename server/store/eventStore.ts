// The write side: assigns positions and versions, enforces expected versions and idempotency,
// and hands each transaction to the segment log. Every check happens synchronously before the
// first await, so concurrent appends in this process are serialized without locks.
import { randomUUID } from 'node:crypto';
import { ApiaryError } from '../../shared/errors';
import type { EventEnvelope, ExpectedVersion, NewEvent } from '../../shared/events';
import type { AppendResult } from '../../shared/protocol';
import { checkExpectedVersion } from './expectedVersion';
import { FRAME_HEADER_SIZE, MAX_PAYLOAD } from './framing';
import type { Frame, SegmentLog } from './segmentLog';
import { newHead, readHead, sameBytes } from './head';
import { GENERATED_ID_PREFIX, isGeneratedId, StreamIndex } from './streamIndex';

export interface AppendOp {
  stream: string;
  events: NewEvent[];
  expectedVersion?: ExpectedVersion;
}

export interface AppendMeta {
  actor: string;
  correlationId?: string | null;
  causationId?: string | null;
}

export type CommitListener = (events: EventEnvelope[]) => void;

export interface ReadOptions {
  from?: number;
  to?: number;
  limit?: number;
  stream?: string;
}

export class EventStore {
  private readonly pending = new Map<number, EventEnvelope[]>();
  private readonly listeners: CommitListener[] = [];
  private readonly waiters: Array<{ position: number; resolve: () => void }> = [];
  /** The last timestamp formatted, by its milliseconds: appends in the same millisecond share it. */
  private lastTs = { ms: Number.NaN, iso: '' };
  private nextPosition: number;

  constructor(
    readonly log: SegmentLog,
    readonly index: StreamIndex,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.nextPosition = log.head + 1;
    log.onCommit((frames) => this.committed(frames));
  }

  /** Last durable position. */
  get head(): number {
    return this.log.head;
  }

  version(stream: string): number {
    return this.index.version(stream);
  }

  /** Listeners run synchronously, in commit order, after events are durable and before appenders hear back. */
  onCommitted(listener: CommitListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  append(stream: string, events: NewEvent[], expectedVersion: ExpectedVersion, meta: AppendMeta): Promise<AppendResult> {
    return this.submit([{ stream, events, expectedVersion }], meta, first);
  }

  /** Appends to one or more streams as one transaction: all of it is durable, or none. */
  appendMany(ops: AppendOp[], meta: AppendMeta): Promise<AppendResult[]> {
    return this.submit(ops, meta, all);
  }

  /** One promise per append, answered with `answer(results)`: each extra hop cost a single writer time. */
  private submit<T>(ops: AppendOp[], meta: AppendMeta, answer: (results: AppendResult[]) => T): Promise<T> {
    try {
      return this.appendSync(ops, meta, answer);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private appendSync<T>(ops: AppendOp[], meta: AppendMeta, answer: (results: AppendResult[]) => T): Promise<T> {
    if (ops.length === 0 || ops.some((o) => o.events.length === 0)) {
      throw new ApiaryError('invalid_params', 'an append needs at least one event', 'Pass events: [{ type, data }].');
    }
    // Idempotency: a retried transaction (every id already known) is answered, not written.
    const given: string[] = [];
    for (const o of ops) for (const e of o.events) if (e.id !== undefined) given.push(e.id);
    if (given.length > 0) return this.withIds(ops, meta, answer, given);
    return this.write(ops, meta, answer);
  }

  /** The checks only appends that name their events' ids need. */
  private withIds<T>(ops: AppendOp[], meta: AppendMeta, answer: (results: AppendResult[]) => T, given: string[]): Promise<T> {
    const reserved = given.find(isGeneratedId);
    if (reserved !== undefined) {
      throw new ApiaryError(
        'invalid_params',
        `event id ${reserved} uses the prefix ${GENERATED_ID_PREFIX}, which is reserved for ids the store generates`,
        'Choose ids of your own form (e.g. "mail:<box>:<n>"), or leave id out and the store makes one.',
      );
    }
    if (new Set(given).size !== given.length) {
      throw new ApiaryError('invalid_params', 'the same event id appears twice in one append', 'Give every event its own id.');
    }
    const known = given.filter((id) => this.index.positionOf(id) !== undefined);
    if (known.length > 0) {
      const total = ops.reduce((n, o) => n + o.events.length, 0);
      if (known.length !== total) {
        throw new ApiaryError(
          'conflict',
          `event ids ${known.slice(0, 3).join(', ')} were already appended with other events`,
          'Retry the original append unchanged, or use new ids.',
          { knownIds: known },
        );
      }
      return this.duplicateResult(ops).then(answer);
    }
    return this.write(ops, meta, answer);
  }

  private write<T>(ops: AppendOp[], meta: AppendMeta, answer: (results: AppendResult[]) => T): Promise<T> {
    // Expected versions, in order (one transaction may touch a stream twice). Versions are
    // recorded in the index only once the transaction is known to fit: a refused transaction must
    // leave no trace in the index or in the positions.
    const starts: number[] = [];
    const touched = ops.length > 1 ? new Map<string, number>() : null;
    for (const op of ops) {
      const actual = touched?.get(op.stream) ?? this.index.version(op.stream);
      checkExpectedVersion(op.stream, op.expectedVersion ?? 'any', actual);
      starts.push(actual);
      touched?.set(op.stream, actual + op.events.length);
    }
    const ts = this.timestamp();
    const firstPosition = this.nextPosition;
    let position = firstPosition;
    const envelopes: EventEnvelope[] = [];
    const results: AppendResult[] = [];
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      let version = starts[i]!;
      const positions: number[] = [];
      for (const e of op.events) {
        version += 1;
        // The first five keys in this order: head.ts reads them from the payload without decoding it.
        const env: EventEnvelope = {
          id: e.id ?? GENERATED_ID_PREFIX + randomUUID(),
          stream: op.stream,
          version,
          position,
          type: e.type,
          ts,
          actor: meta.actor,
          causationId: e.causationId ?? meta.causationId ?? null,
          correlationId: e.correlationId ?? meta.correlationId ?? null,
          data: e.data === undefined ? null : e.data,
        };
        envelopes.push(env);
        positions.push(position);
        position += 1;
      }
      results.push({ stream: op.stream, version, positions, duplicate: false });
    }
    const json = JSON.stringify(envelopes);
    const length = Buffer.byteLength(json);
    if (length > MAX_PAYLOAD) {
      throw new ApiaryError('invalid_params', `transaction of ${length} bytes exceeds the ${MAX_PAYLOAD}-byte limit`, 'Split it into smaller appends.');
    }
    // Encoded straight into the frame the log writes, after room for its header.
    const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + length);
    frame.write(json, FRAME_HEADER_SIZE);
    for (const env of envelopes) this.index.record(env.id, env.stream, env.version, env.position);
    this.nextPosition = position;
    this.pending.set(firstPosition, envelopes);
    return new Promise<T>((resolve, reject) => {
      this.log.enqueue(firstPosition, envelopes.length, frame, (err) => (err ? reject(err) : resolve(answer(results))));
    });
  }

  private timestamp(): string {
    const now = this.now();
    const ms = now.getTime();
    if (ms !== this.lastTs.ms) this.lastTs = { ms, iso: now.toISOString() };
    return this.lastTs.iso;
  }

  private async duplicateResult(ops: AppendOp[]): Promise<AppendResult[]> {
    const results = ops.map((op) => ({
      stream: op.stream,
      version: this.index.version(op.stream),
      positions: op.events.map((e) => this.index.positionOf(e.id!)!),
      duplicate: true,
    }));
    // The original may still be on its way to disk: acknowledge only once it is durable.
    const last = Math.max(...results.flatMap((r) => r.positions));
    await this.durable(last);
    return results;
  }

  /** Resolves once everything up to `position` is durable. */
  durable(position: number): Promise<void> {
    if (position <= this.log.head) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  private committed(frames: Frame[]): void {
    const events: EventEnvelope[] = [];
    for (const f of frames) {
      const envs = this.pending.get(f.firstPosition);
      this.pending.delete(f.firstPosition);
      if (envs) for (const e of envs) events.push(e);
    }
    for (const l of this.listeners) l(events);
    if (this.waiters.length) {
      const head = this.log.head;
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (w.position <= head) {
          this.waiters.splice(i, 1);
          w.resolve();
        }
      }
    }
  }

  /** Reads committed events in position order. */
  read(opts: ReadOptions = {}): EventEnvelope[] {
    const from = opts.from ?? 1;
    const to = opts.to ?? Number.MAX_SAFE_INTEGER;
    const limit = opts.limit ?? Number.MAX_SAFE_INTEGER;
    const out: EventEnvelope[] = [];
    // Reading one stream: the index knows how many events it has (its version), so a stream with
    // none needs no read at all, and the read ends at its last event rather than the log's.
    const last = opts.stream === undefined ? Number.POSITIVE_INFINITY : this.index.version(opts.stream);
    if (last === 0) return out;
    const wanted = opts.stream === undefined ? null : Buffer.from(opts.stream);
    const head = newHead();
    this.log.read(from, ({ buf, start, end, count }) => {
      // An event of another stream is recognised by its head, read in place, and not decoded: a
      // stream's events are few among a long log's.
      if (wanted && count === 1 && readHead(buf, start, end, head) && !sameBytes(buf, head.streamStart, head.streamEnd, wanted)) return head.position <= to;
      for (const e of decodePayload(buf.subarray(start, end))) {
        if (e.position < from) continue;
        if (e.position > to || out.length >= limit) return false;
        if (opts.stream === undefined) out.push(e);
        else if (e.stream === opts.stream) {
          out.push(e);
          if (e.version >= last) return false;
        }
      }
      return out.length < limit;
    });
    return out;
  }
}

const first = (results: AppendResult[]): AppendResult => results[0]!;
const all = (results: AppendResult[]): AppendResult[] => results;

export function decodePayload(payload: Buffer): EventEnvelope[] {
  return JSON.parse(payload.toString('utf8')) as EventEnvelope[];
}
