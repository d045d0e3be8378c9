// Reading the log (EventStore.read): whatever the window and the stream asked for, the answer is
// the committed events that match, in position order, at most `limit` of them. Reading one stream
// skips the others by their heads and stops at the stream's last event, which must not change
// what is read: streams whose heads cannot be peeked (a quote in the name), transactions of
// several events and streams, a window that starts or ends inside a transaction.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EventEnvelope } from '../../../shared/events';
import type { AppendOp } from '../../../server/store/eventStore';
import type { Store } from '../../../server/store/store';
import { cleanTempDirs, crash, openStore, tempDir } from './helpers';

const STREAMS = ['a', 'b', 'c-"quoted"', 'd'];

describe('reading the log (events read)', () => {
  let store: Store;
  let all: EventEnvelope[];

  before(async () => {
    store = await openStore(tempDir(), []);
    // A fixed, varied log: single events, and transactions over one or several streams.
    for (let i = 0; i < 120; i++) {
      const ops: AppendOp[] = [];
      const n = i % 7 === 0 ? 3 : 1;
      for (let k = 0; k < n; k++) {
        const stream = STREAMS[(i * 3 + k) % (i < 60 ? 4 : 3)]!; // after position ~60, no more "d"
        ops.push({ stream, events: [{ type: 'thing.happened', data: { i, k } }], expectedVersion: 'any' });
      }
      await store.events.appendMany(ops, { actor: 'ann' });
    }
    all = store.events.read({});
  });
  after(() => {
    crash(store);
    cleanTempDirs();
  });

  it('reads the whole log by default, in position order', () => {
    assert.equal(all.length, store.head);
    assert.deepEqual(
      all.map((e) => e.position),
      Array.from({ length: store.head }, (_, i) => i + 1),
    );
  });

  it('answers any window of any stream as a filter of the whole log would', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: all.length + 3 }),
        fc.option(fc.integer({ min: 1, max: all.length + 3 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
        fc.option(fc.constantFrom(...STREAMS, 'never-written'), { nil: undefined }),
        (from, to, limit, stream) => {
          const expected = all.filter((e) => e.position >= from && (to === undefined || e.position <= to) && (stream === undefined || e.stream === stream)).slice(0, limit ?? Infinity);
          assert.deepEqual(store.events.read({ from, to, limit, stream }), expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads every event of a stream that stopped early, and none of a stream never written', () => {
    const d = all.filter((e) => e.stream === 'd');
    assert.ok(d.length > 5 && d.at(-1)!.position < all.length / 2, 'the fixture has a stream that stopped early');
    assert.deepEqual(store.events.read({ stream: 'd' }), d);
    assert.deepEqual(store.events.read({ stream: 'never-written' }), []);
  });
});
