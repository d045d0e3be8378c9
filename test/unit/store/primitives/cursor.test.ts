import assert from 'node:assert/strict';
import type { EventEnvelope } from '../../../../shared/events';
import { Cursors, subscribe } from '../../../../server/store/primitives/cursor';
import { primitiveProjections } from '../../../../server/store';
import type { Store } from '../../../../server/store/store';
import { cleanTempDirs, crash, openStore, refusal, tempDir, until } from '../helpers';

const meta = { actor: 'ann' };

async function addEvents(store: Store, n: number, stream = 'work'): Promise<void> {
  for (let i = 0; i < n; i++) await store.events.append(stream, [{ type: 'work.done', data: { i } }], 'any', meta);
}

describe('cursors and subscriptions', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = tempDir();
    store = await openStore(dir, primitiveProjections);
  });
  afterEach(() => crash(store));
  after(cleanTempDirs);

  describe('Cursors', () => {
    it('starts at 0 and hands out the events after its checkpoint, leaving system streams out', async () => {
      const cursors = new Cursors(store);
      await addEvents(store, 2);
      await store.events.append('$internal', [{ type: 'sys.tick', data: {} }], 'any', meta);
      await addEvents(store, 1);
      assert.equal(cursors.position('c'), 0);
      assert.deepEqual(
        cursors.next('c').map((e) => e.position),
        [1, 2, 4],
      );
      await cursors.commit('c', 2);
      assert.equal(cursors.position('c'), 2);
      assert.deepEqual(
        cursors.next('c').map((e) => e.position),
        [4],
      );
    });

    it('refuses to move back or past the head, and ignores a commit that does not move it', async () => {
      const cursors = new Cursors(store);
      await addEvents(store, 3);
      await cursors.commit('c', 2);
      const head = store.head;
      assert.equal((await refusal(() => cursors.commit('c', 1))).code, 'conflict');
      assert.equal((await refusal(() => cursors.commit('c', head + 5))).code, 'invalid_params');
      await cursors.commit('c', 2);
      assert.equal(store.head, head, 'refused and no-op commits write nothing');
    });

    it('skips past a long run of system events to the next event for the consumer', async () => {
      const cursors = new Cursors(store);
      // One transaction of many system events (as busy mailboxes or locks write), then one real event.
      await store.events.append('$busy', Array.from({ length: 2500 }, (_, i) => ({ type: 'sys.tick', data: { i } })), 'any', meta);
      await addEvents(store, 1);
      assert.deepEqual(
        cursors.next('c', 10).map((e) => e.position),
        [2501],
      );
    });
  });

  describe('subscribe', () => {
    it('hands over past events, then new ones as they commit, checkpointing each batch', async () => {
      await addEvents(store, 3);
      const cursors = new Cursors(store);
      const seen: number[] = [];
      const stop = subscribe(store, cursors, 'sub', (batch) => {
        seen.push(...batch.map((e) => e.position));
      });
      await until(() => seen.length === 3, 2000, 'the backlog');
      await addEvents(store, 2);
      await until(() => seen.length === 5, 2000, 'new events');
      await until(() => cursors.position('sub') === seen.at(-1), 2000, 'the checkpoint');
      stop();
      assert.deepEqual(seen, [1, 2, 3, ...seen.slice(3)]);
      assert.equal(new Set(seen).size, seen.length, 'no event twice');
    });

    it('resumes after a restart exactly after the last committed checkpoint, redelivering only what was not committed', async () => {
      await addEvents(store, 4);
      let cursors = new Cursors(store);
      const first: number[] = [];
      let release: () => void = () => {};
      const stuck = new Promise<void>((r) => (release = r));
      let calls = 0;
      const stop = subscribe(store, cursors, 'sub', async (batch) => {
        calls++;
        first.push(...batch.map((e) => e.position));
        // The second batch is handled but the process "crashes" before its checkpoint.
        if (calls === 2) await stuck;
      });
      await until(() => cursors.position('sub') === 4, 2000, 'the first checkpoint');
      await addEvents(store, 3);
      await until(() => calls === 2, 2000, 'the second batch');
      const handledBeforeCrash = first.filter((p) => p > 4);
      stop();
      crash(store);
      release();

      store = await openStore(dir, primitiveProjections);
      cursors = new Cursors(store);
      assert.equal(cursors.position('sub'), 4);
      const second: EventEnvelope[] = [];
      const stop2 = subscribe(store, cursors, 'sub', (batch) => {
        second.push(...batch);
      });
      await until(() => second.length >= 3, 2000, 'redelivery');
      await addEvents(store, 1);
      await until(() => second.length === 4, 2000, 'the new event');
      stop2();
      // Exactly the consumer's events after checkpoint 4: what was handled but not committed comes again, nothing before it.
      assert.deepEqual(
        second.map((e) => e.position),
        store.events
          .read({ stream: 'work' })
          .map((e) => e.position)
          .filter((p) => p > 4),
      );
      assert.deepEqual(second.slice(0, handledBeforeCrash.length).map((e) => e.position), handledBeforeCrash);
    });

    it('does not wake up for its own checkpoint events or other system streams', async () => {
      const cursors = new Cursors(store);
      let batches = 0;
      const stop = subscribe(store, cursors, 'sub', () => {
        batches++;
      });
      await addEvents(store, 1);
      await until(() => cursors.position('sub') === 1, 2000, 'the checkpoint');
      await store.events.append('$other', [{ type: 'sys.tick', data: {} }], 'any', meta);
      await new Promise((r) => setTimeout(r, 30));
      stop();
      assert.equal(batches, 1);
    });

    it('reaches events that follow a long run of system events', async () => {
      const cursors = new Cursors(store);
      await store.events.append('$busy', Array.from({ length: 2500 }, (_, i) => ({ type: 'sys.tick', data: { i } })), 'any', meta);
      await addEvents(store, 1);
      const seen: number[] = [];
      const stop = subscribe(store, cursors, 'sub', (batch) => {
        seen.push(...batch.map((e) => e.position));
      });
      try {
        await until(() => seen.length === 1, 2000, 'the event after the system events');
      } finally {
        stop();
      }
      assert.deepEqual(seen, [2501]);
    });

    it('reports a failing handler and hands it the same batch again later, instead of crashing the host', async () => {
      const cursors = new Cursors(store);
      await addEvents(store, 2);
      const errors: unknown[] = [];
      const handled: number[][] = [];
      let failures = 1;
      const stop = subscribe(
        store,
        cursors,
        'flaky',
        (batch) => {
          if (failures-- > 0) throw new Error('disk full');
          handled.push(batch.map((e) => e.position));
        },
        { onError: (err) => errors.push(err), retryMs: 20 },
      );
      await until(() => handled.length === 1);
      stop();
      assert.equal(errors.length, 1);
      assert.match(String(errors[0]), /disk full/);
      assert.deepEqual(handled, [[1, 2]]);
      await until(() => cursors.position('flaky') === 2);
    });
  });
});
