// A deterministic stream of events shaped like a working host's log: agents' progress notes on
// task streams, plus the durable primitives every host projects (mailbox sends and acks, CAS lock
// acquire/release, deferred create/resolve, cursor commits), with the payloads their projections
// read. Every slot of a 20-event cycle has a fixed kind, so a log of N events has a known mix.
import type { AppendOp } from '../../../server/store';

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

export function noteOp(n: number, stream = `task-${n % 512}`): AppendOp {
  return { stream, events: [{ type: 'agent.progress', data: noteData(n) }], expectedVersion: 'any' };
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
