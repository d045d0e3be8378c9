import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Database } from 'sql.js';
import type { EventEnvelope } from '../../../../shared/events';
import { primitiveProjections } from '../../../../server/store';
import { ProjectionEngine } from '../../../../server/store/projectionEngine';
import { loadSqlJs } from '../../../../server/store/sqljs';
import { dumpTables } from '../helpers';

// Replay hands each read model thousands of events at once, and the primitives fold them
// (the last lock state, the last cursor commit, a deferred created and settled in one write,
// many rows per INSERT). Whatever the batching, the tables must end up exactly as applying
// the events one at a time leaves them.

const names = ['a', 'b', 'c'];
const who = ['ann', 'bob'];

const op = fc.oneof(
  fc.record({ kind: fc.constant('sent' as const), mailbox: fc.constantFrom(...names), id: fc.constantFrom('m1', 'm2', 'm3', 'm4'), text: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('acked' as const), mailbox: fc.constantFrom(...names), consumer: fc.constantFrom(...who), id: fc.constantFrom('m1', 'm2', 'm3') }),
  fc.record({ kind: fc.constant('acquired' as const), name: fc.constantFrom(...names), holder: fc.constantFrom(...who), expiresAt: fc.integer({ min: 0, max: 1e6 }) }),
  fc.record({ kind: fc.constant('released' as const), name: fc.constantFrom(...names), holder: fc.constantFrom(...who) }),
  fc.record({ kind: fc.constant('committed' as const), name: fc.constantFrom(...names), position: fc.nat(1000) }),
  fc.record({ kind: fc.constant('created' as const), id: fc.constantFrom('d1', 'd2', 'd3'), timeout: fc.boolean() }),
  fc.record({ kind: fc.constantFrom('resolved' as const, 'rejected' as const, 'timed_out' as const), id: fc.constantFrom('d1', 'd2', 'd3'), note: fc.string({ maxLength: 4 }) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

function toEvent(o: Op, i: number): EventEnvelope {
  const base = { id: `e${i}`, version: i + 1, position: i + 1, ts: `2026-01-05T09:00:${String(i % 60).padStart(2, '0')}.000Z`, actor: who[i % 2]!, causationId: null, correlationId: null };
  switch (o.kind) {
    case 'sent':
      return { ...base, stream: `$mailbox-${o.mailbox}`, type: 'mailbox.sent', data: { mailbox: o.mailbox, id: o.id, body: { text: o.text } } };
    case 'acked':
      return { ...base, stream: `$mailbox-${o.mailbox}`, type: 'mailbox.acked', data: { mailbox: o.mailbox, consumer: o.consumer, id: o.id } };
    case 'acquired':
      return { ...base, stream: `$caslock-${o.name}`, type: 'caslock.acquired', data: { name: o.name, holder: o.holder, expiresAt: o.expiresAt } };
    case 'released':
      return { ...base, stream: `$caslock-${o.name}`, type: 'caslock.released', data: { name: o.name, holder: o.holder } };
    case 'committed':
      return { ...base, stream: `$cursor-${o.name}`, type: 'cursor.committed', data: { name: o.name, position: o.position } };
    case 'created':
      return { ...base, stream: `$deferred-${o.id}`, type: 'deferred.created', data: { id: o.id, data: { i }, timeoutAt: o.timeout ? '2026-01-06T00:00:00.000Z' : null, onTimeout: null } };
    default:
      return { ...base, stream: `$deferred-${o.id}`, type: `deferred.${o.kind}`, data: { id: o.id, value: o.kind === 'resolved' ? { note: o.note } : undefined, reason: o.kind === 'resolved' ? undefined : o.note } };
  }
}

async function freshDb(): Promise<{ db: Database; engine: ProjectionEngine }> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  const engine = new ProjectionEngine(db);
  for (const p of primitiveProjections) engine.register(p);
  return { db, engine };
}

describe('store primitives: batched application', () => {
  it('every primitive that folds a batch declares applyBatch (the property below would test nothing otherwise)', () => {
    assert.deepEqual(
      primitiveProjections.filter((p) => p.applyBatch).map((p) => p.name).sort(),
      ['caslock', 'cursor', 'deferred', 'mailbox'],
    );
  });

  it('leaves the same tables as one event at a time, whatever the batch boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 80 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }), async (ops, cuts) => {
        const events = ops.map(toEvent);
        const one = await freshDb();
        for (const e of events) one.engine.apply([e]);
        const batched = await freshDb();
        for (let at = 0, k = 0; at < events.length; k++) {
          const size = cuts[k % cuts.length]!;
          batched.engine.apply(events.slice(at, at + size));
          at += size;
        }
        try {
          assert.deepEqual(dumpTables(batched.db, { withCheckpoints: true }), dumpTables(one.db, { withCheckpoints: true }));
          assert.deepEqual(batched.engine.status(), one.engine.status());
        } finally {
          one.db.close();
          batched.db.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('settles a deferred created in an earlier batch from a later one, first settlement winning', async () => {
    const { db, engine } = await freshDb();
    const [created, resolved, rejected] = [
      { kind: 'created', id: 'd1', timeout: false },
      { kind: 'resolved', id: 'd1', note: 'yes' },
      { kind: 'rejected', id: 'd1', note: 'no' },
    ].map((o, i) => toEvent(o as Op, i));
    engine.apply([created!]);
    engine.apply([resolved!, rejected!]);
    const row = db.exec("SELECT status, value, reason FROM deferreds WHERE id = 'd1'")[0]?.values[0];
    assert.deepEqual(row, ['resolved', '{"note":"yes"}', null]);
    db.close();
  });
});
