// Property: whatever the interleaving of concurrent writers and whatever versions they expect,
// the log stays gap-free, every stream is numbered 1..n, every acknowledged append reads back
// exactly as sent, and a refused append leaves no trace — before and after a reopen.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ApiaryError } from '../../../shared/errors';
import type { EventEnvelope, ExpectedVersion } from '../../../shared/events';
import type { AppendResult } from '../../../shared/protocol';
import type { AppendOp } from '../../../server/store/eventStore';
import type { Store } from '../../../server/store/store';
import { cleanTempDirs, crash, openStore, tempDir } from './helpers';

type Expect = { kind: 'any' } | { kind: 'no-stream' } | { kind: 'exists' } | { kind: 'exact'; v: number } | { kind: 'read-then-yield' };
interface Part {
  stream: string;
  n: number;
  expect: Expect;
}
interface Op {
  parts: Part[];
  /** await: wait for the answer · fire: don't wait · tick: let the event loop turn first */
  pace: 'await' | 'fire' | 'tick';
}

const expectArb: fc.Arbitrary<Expect> = fc.oneof(
  fc.constant<Expect>({ kind: 'any' }),
  fc.constant<Expect>({ kind: 'no-stream' }),
  fc.constant<Expect>({ kind: 'exists' }),
  fc.integer({ min: 0, max: 6 }).map((v): Expect => ({ kind: 'exact', v })),
  fc.constant<Expect>({ kind: 'read-then-yield' }),
);
const partArb: fc.Arbitrary<Part> = fc.record({ stream: fc.constantFrom('s0', 's1', 's2'), n: fc.integer({ min: 1, max: 3 }), expect: expectArb });
const opArb: fc.Arbitrary<Op> = fc.record({
  parts: fc.array(partArb, { minLength: 1, maxLength: 2 }),
  pace: fc.constantFrom<Op['pace']>('await', 'fire', 'tick'),
});
const writersArb = fc.array(fc.array(opArb, { minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 4 });

interface Attempt {
  ops: AppendOp[];
  /** Each stream's version, read synchronously when the append was made. */
  seen: number[];
  result?: AppendResult[];
  error?: unknown;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function runWriter(store: Store, writer: number, ops: Op[], attempts: Attempt[]): Promise<void> {
  const inflight: Array<Promise<void>> = [];
  let seq = 0;
  for (const op of ops) {
    const resolved: ExpectedVersion[] = [];
    let yielded = false;
    for (const p of op.parts) {
      const e = p.expect;
      if (e.kind === 'read-then-yield') {
        resolved.push(store.events.version(p.stream));
        yielded = true;
      } else resolved.push(e.kind === 'exact' ? e.v : e.kind);
    }
    // A writer that read a version and then yields races the others: its expectation may go stale.
    if (yielded) await Promise.resolve();
    const appendOps: AppendOp[] = op.parts.map((p, i) => ({
      stream: p.stream,
      expectedVersion: resolved[i],
      events: Array.from({ length: p.n }, () => {
        const id = `w${writer}-${seq++}`;
        return { id, type: `test.${p.stream}`, data: { id, writer, payload: 'x'.repeat(seq % 7) } };
      }),
    }));
    const attempt: Attempt = { ops: appendOps, seen: appendOps.map((o) => store.events.version(o.stream)) };
    attempts.push(attempt);
    const done = store.events.appendMany(appendOps, { actor: `w${writer}` }).then(
      (r) => {
        attempt.result = r;
      },
      (err: unknown) => {
        attempt.error = err;
      },
    );
    if (op.pace === 'await') await done;
    else if (op.pace === 'tick') await tick();
    else inflight.push(done);
  }
  await Promise.all(inflight);
}

function accepts(expected: ExpectedVersion, actual: number): boolean {
  return expected === 'any' || (expected === 'no-stream' ? actual === 0 : expected === 'exists' ? actual > 0 : expected === actual);
}

function checkLog(events: EventEnvelope[], attempts: Attempt[]): void {
  // Gap-free, in order.
  assert.deepEqual(
    events.map((e) => e.position),
    events.map((_, i) => i + 1),
  );
  // Each stream numbered 1..n in position order.
  const perStream = new Map<string, number>();
  for (const e of events) {
    const v = (perStream.get(e.stream) ?? 0) + 1;
    assert.equal(e.version, v, `stream ${e.stream} at position ${e.position}`);
    perStream.set(e.stream, v);
  }
  const byId = new Map(events.map((e) => [e.id, e]));
  assert.equal(byId.size, events.length, 'ids are unique');
  let acknowledged = 0;
  for (const a of attempts) {
    const ids = a.ops.flatMap((o) => o.events.map((e) => e.id!));
    if (a.result) {
      // Acknowledged: every event readable exactly as sent, at the positions it was told, contiguously.
      const positions = a.result.flatMap((r) => r.positions);
      assert.deepEqual(
        positions,
        positions.map((_, i) => positions[0]! + i),
      );
      a.ops.forEach((o, i) => {
        const r = a.result![i]!;
        assert.equal(r.duplicate, false);
        o.events.forEach((sent, k) => {
          const got = events[r.positions[k]! - 1]!;
          assert.deepEqual([got.id, got.stream, got.type, got.data], [sent.id, o.stream, sent.type, sent.data]);
        });
        assert.equal(events[r.positions.at(-1)! - 1]!.version, r.version);
      });
      // The expectation held against what the stream was when the append was made.
      const local = new Map<string, number>();
      a.ops.forEach((o, i) => {
        const actual = local.get(o.stream) ?? a.seen[i]!;
        assert.ok(accepts(o.expectedVersion!, actual), `acked with expected ${String(o.expectedVersion)} at ${actual}`);
        assert.equal(events[a.result![i]!.positions[0]! - 1]!.version, actual + 1);
        local.set(o.stream, actual + o.events.length);
      });
      acknowledged += ids.length;
    } else {
      // Refused: for a version conflict only, and nothing of it written.
      assert.ok(a.error instanceof ApiaryError && a.error.code === 'wrong_expected_version', `unexpected refusal ${String(a.error)}`);
      const details = a.error.details as { stream: string; actual: number };
      const idx = a.ops.findIndex((o) => o.stream === details.stream);
      assert.ok(idx >= 0);
      for (const id of ids) assert.equal(byId.has(id), false, `refused event ${id} was written`);
    }
  }
  assert.equal(events.length, acknowledged, 'the log holds exactly the acknowledged events');
}

describe('concurrent appends (property-based)', () => {
  after(cleanTempDirs);

  it('keep the log gap-free and every stream numbered 1..n, with acknowledged appends intact and refused ones absent, across a reopen', async function () {
    this.timeout(60_000);
    // What the runs exercised, so the property cannot pass vacuously.
    const seen = { acked: 0, refused: 0, sharedCommits: 0 };
    await fc.assert(
      fc.asyncProperty(writersArb, async (writers) => {
        const dir = tempDir();
        let store = await openStore(dir);
        const attempts: Attempt[] = [];
        store.events.onCommitted((batch) => {
          if (new Set(batch.map((e) => e.actor)).size > 1) seen.sharedCommits++;
        });
        try {
          await Promise.all(writers.map((ops, w) => runWriter(store, w, ops, attempts)));
          assert.ok(attempts.every((a) => a.result || a.error), 'every append was answered');
          const live = store.events.read({});
          checkLog(live, attempts);
          seen.acked += attempts.filter((a) => a.result).length;
          seen.refused += attempts.filter((a) => a.error).length;
          const versions = ['s0', 's1', 's2'].map((s) => store.events.version(s));
          crash(store);
          store = await openStore(dir);
          assert.deepEqual(store.events.read({}), live);
          assert.deepEqual(
            ['s0', 's1', 's2'].map((s) => store.events.version(s)),
            versions,
          );
          assert.equal(store.verify().ok, true);
        } finally {
          crash(store);
        }
      }),
      { numRuns: 40 },
    );
    assert.ok(seen.acked > 0 && seen.refused > 0 && seen.sharedCommits > 0, JSON.stringify(seen));
  });
});
