// A deterministic stream of events shaped like a working host's log: the hive's work items (create,
// then claim, comment, update or close), agents' progress notes on task streams, and the durable
// primitives every host projects (mailbox sends and acks, CAS lock acquire/release, deferred
// create/resolve, cursor commits), with the payloads their read models expect. Every slot of a
// 20-event cycle has a fixed kind, so a log of N events has a known mix.
import type { AppendOp } from '../../../server/store';
import { HIVE_STREAM, type CellClosedData, type CellCreatedData, type ClaimData, type CommentAddedData, type CellUpdatedData } from '../../../shared/hive';

const FILES = ['server/store/framing.ts', 'server/store/segmentLog.ts', 'test/unit/store/framing.test.ts'];

/** A progress note of about 200 bytes of JSON: the typical event an agent appends. */
export function noteData(n: number): Record<string, unknown> {
  return {
    cell: `apiary-${(n % 4096).toString(36).padStart(4, '0')}`,
    agent: `worker-${n % 8}`,
    summary: 'Ran the store unit tests after changing the framing; all passed.',
    files: FILES.slice(0, 1 + (n % 3)),
    durationMs: 1000 + (n % 9000),
  };
}

/** An event type no read model handles (the generic events of the log). */
export const NOTE_TYPE = 'work.progress';

export function noteOp(n: number, stream = `task-${n % 512}`): AppendOp {
  return { stream, events: [{ type: NOTE_TYPE, data: noteData(n) }], expectedVersion: 'any' };
}

const T0 = Date.parse('2026-01-05T09:00:00.000Z');
const at = (c: number, slot: number): string => new Date(T0 + c * 60_000 + slot * 1000).toISOString();

/** A work item created in each cycle, then one more step on it: claimed, commented, updated or closed. */
function hiveOp(c: number, slot: number): AppendOp {
  const id = `apiary-b${c.toString(36)}`;
  const agent = `worker-${c % 8}`;
  const hive = (type: string, data: unknown): AppendOp => ({ stream: HIVE_STREAM, events: [{ type, data }], expectedVersion: 'any' });
  switch (slot === 0 ? 'create' : (['claim', 'comment', 'update', 'close'] as const)[c % 4]!) {
    case 'create':
      return hive('hive.cell.created', {
        cell: {
          id,
          title: `Benchmark work item ${c}`,
          description: 'Make the store replay faster without changing its durability.',
          type: 'task',
          status: 'open',
          priority: (c % 5) as 0 | 1 | 2 | 3 | 4,
          parent: null,
          assignee: null,
          labels: ['bench'],
          files: FILES.slice(0, 1 + (c % 3)),
          dependencies: [],
          comments: [],
          metadata: {},
          createdAt: at(c, slot),
          updatedAt: at(c, slot),
          closedAt: null,
          closeReason: null,
          deletedAt: null,
          deleteReason: null,
        },
      } satisfies CellCreatedData);
    case 'claim':
      return hive('hive.cell.claimed', { id, holder: agent, expiresAt: at(c + 30, slot), at: at(c, slot) } satisfies ClaimData);
    case 'comment':
      return hive('hive.comment.added', { id, comment: { id: 1, author: agent, text: 'Started; profiling the replay first.', createdAt: at(c, slot) } } satisfies CommentAddedData);
    case 'update':
      return hive('hive.cell.updated', { id, changes: { status: 'in_progress', labels: ['bench', 'perf'] }, at: at(c, slot) } satisfies CellUpdatedData);
    case 'close':
      return hive('hive.cell.closed', { id, reason: 'done', at: at(c, slot) } satisfies CellClosedData);
  }
}

const CYCLE = 20;

/** The i-th event of the mix (i from 0), as a one-event transaction. */
export function mixOp(i: number): AppendOp {
  const c = Math.floor(i / CYCLE);
  const slot = i % CYCLE;
  const mailbox = `agent-${c % 16}`;
  const lock = `lock-${c % 64}`;
  const one = (stream: string, type: string, data: unknown, id?: string): AppendOp => ({
    stream,
    events: [{ ...(id ? { id } : {}), type, data }],
    expectedVersion: 'any',
  });
  switch (slot) {
    case 0:
    case 15:
      return hiveOp(c, slot);
    case 2:
    case 7:
    case 12: {
      const id = `m${c}-${slot}`;
      return one(`$mailbox-${mailbox}`, 'mailbox.sent', { mailbox, id, body: { subject: 'review request', cell: `apiary-${c % 4096}`, text: 'Please look at the diff.' } }, `mail:${mailbox}:${id}`);
    }
    case 9:
    case 14: {
      const id = `m${c}-${slot - 7}`;
      const consumer = `worker-${c % 8}`;
      return one(`$mailbox-${mailbox}`, 'mailbox.acked', { mailbox, consumer, id }, `ack:${mailbox}:${consumer}:${id}`);
    }
    case 4:
    case 16:
      return one(`$caslock-${lock}`, 'caslock.acquired', { name: lock, holder: `worker-${c % 8}`, expiresAt: 1_700_000_000_000 + c * 1000 });
    case 18:
      return one(`$caslock-${lock}`, 'caslock.released', { name: lock, holder: `worker-${c % 8}` });
    case 5:
      return one(`$deferred-d${c}`, 'deferred.created', { id: `d${c}`, data: { kind: 'approval', cell: `apiary-${c % 4096}` }, timeoutAt: null, onTimeout: null });
    case 17:
      return one(`$deferred-d${c}`, 'deferred.resolved', { id: `d${c}`, value: { approved: true } });
    case 10:
    case 19:
      return one(`$cursor-consumer-${c % 4}`, 'cursor.committed', { name: `consumer-${c % 4}`, position: i });
    default:
      return noteOp(i);
  }
}
