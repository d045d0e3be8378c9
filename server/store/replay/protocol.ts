// Messages between a replay's coordinator (the host's main thread) and its workers. Internal to
// the store: both ends are this package's own code, in the same bundle.
import type { ApiaryErrorData } from '../../../shared/errors';
import type { EventEnvelope } from '../../../shared/events';
import type { ReplayResult, VerifyReport } from '../../../shared/protocol';
import type { LogSource } from '../segmentLog';
import type { FoldLimit } from './fold';

export type ToReplayWorker =
  /** The read models this worker builds, by name, on a fresh database with `room` bytes to grow into. */
  | { kind: 'init'; projections: string[]; room: number }
  /** Payloads as the log holds them, each preceded by its length (u32 LE), in log order. */
  | { kind: 'frames'; buffer: ArrayBuffer; length: number }
  /** The log ends at `head`: finish, and send the database back. */
  | { kind: 'end'; head: number }
  /** Time travel: fold these read models up to `limit` from the log as `source` names it, then describe them (fold.ts). */
  | { kind: 'fold'; projections: string[]; source: LogSource; limit: FoldLimit; room: number; sql?: string }
  /** The audit: the hash chain of the log as `source` names it, against the snapshots listed before it was taken. */
  | { kind: 'verify'; source: LogSource; snapshots: string[] };

export type FromReplayWorker =
  /** A read model failed on an event: reported as the main thread's engine would. */
  | { kind: 'fault'; projection: string; reason: string; event: EventEnvelope; message: string }
  /** The exported database, every read model checkpointed at the head it was given. */
  | { kind: 'done'; db: Uint8Array }
  | { kind: 'failed'; message: string }
  /** A fold is done and the query (if any) starts: from here on it may be stopped for taking too long. */
  | { kind: 'querying' }
  | { kind: 'folded'; result: ReplayResult }
  | { kind: 'verified'; report: VerifyReport }
  /** The request itself was refused (a query that writes, or fails): said to the user as it stands. */
  | { kind: 'refused'; error: ApiaryErrorData };
