import assert from 'node:assert/strict';
import type { ExpectedVersion } from '../../../shared/events';
import type { Store } from '../../../server/store/store';
import { cleanTempDirs, crash, openStore, refusal, tempDir } from './helpers';

const meta = { actor: 'tester' };
const ev = (type = 'note.added', data: unknown = {}): { type: string; data: unknown } => ({ type, data });

describe('optimistic concurrency (expected version)', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore(tempDir());
  });
  afterEach(() => crash(store));
  after(cleanTempDirs);

  const cases: Array<{ expected: ExpectedVersion; okAt: number[]; refusedAt: number[] }> = [
    { expected: 'any', okAt: [0, 1, 3], refusedAt: [] },
    { expected: 'no-stream', okAt: [0], refusedAt: [1, 3] },
    { expected: 'exists', okAt: [1, 3], refusedAt: [0] },
    { expected: 2, okAt: [2], refusedAt: [0, 1, 3] },
    { expected: 0, okAt: [0], refusedAt: [1, 2] },
  ];
  for (const c of cases) {
    it(`accepts expected version ${JSON.stringify(c.expected)} on a stream at ${c.okAt.join(', ')}${c.refusedAt.length ? ` and refuses it at ${c.refusedAt.join(', ')}` : ''}`, async () => {
      for (const at of [...c.okAt, ...c.refusedAt]) {
        const stream = `s-${at}`;
        for (let i = 0; i < at; i++) await store.events.append(stream, [ev()], 'any', meta);
        const head = store.head;
        if (c.okAt.includes(at)) {
          const r = await store.events.append(stream, [ev()], c.expected, meta);
          assert.equal(r.version, at + 1);
          assert.deepEqual(r.positions, [head + 1]);
        } else {
          const err = await refusal(() => store.events.append(stream, [ev()], c.expected, meta));
          assert.equal(err.code, 'wrong_expected_version');
          assert.equal(store.head, head, 'a refused append writes nothing');
          assert.equal(store.events.version(stream), at);
        }
      }
    });
  }

  it('reports the actual version in the conflict error, with a hint', async () => {
    await store.events.append('orders-1', [ev(), ev(), ev()], 'no-stream', meta);
    const err = await refusal(() => store.events.append('orders-1', [ev()], 1, meta));
    assert.equal(err.code, 'wrong_expected_version');
    assert.equal(err.message, 'stream orders-1 is at version 3, expected version 1');
    assert.deepEqual(err.details, { stream: 'orders-1', expected: 1, actual: 3 });
    assert.match(err.hint!, /current version/);
  });

  it('numbers each stream on its own while positions are global', async () => {
    const a1 = await store.events.append('a', [ev(), ev()], 'no-stream', meta);
    const b1 = await store.events.append('b', [ev()], 'no-stream', meta);
    const a2 = await store.events.append('a', [ev()], 2, meta);
    assert.deepEqual([a1.version, a1.positions], [2, [1, 2]]);
    assert.deepEqual([b1.version, b1.positions], [1, [3]]);
    assert.deepEqual([a2.version, a2.positions], [3, [4]]);
    assert.deepEqual(
      store.events.read({ stream: 'a' }).map((e) => [e.version, e.position]),
      [
        [1, 1],
        [2, 2],
        [3, 4],
      ],
    );
  });

  it('lets exactly one of several writers that read the same version win', async () => {
    await store.events.append('counter', [ev()], 'no-stream', meta);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.events.append('counter', [ev('counter.bumped', { by: i })], 1, meta)));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'wrong_expected_version');
    assert.equal(store.events.version('counter'), 2);
    assert.equal(store.head, 2);
  });

  it('sees the version of an append that is still on its way to disk (no stale reads between writers)', async () => {
    const first = store.events.append('x', [ev()], 'no-stream', meta);
    // Not yet durable, but a second writer must already compare against it.
    const second = refusal(() => store.events.append('x', [ev()], 'no-stream', meta));
    const third = store.events.append('x', [ev()], 1, meta);
    await first;
    assert.equal((await second).code, 'wrong_expected_version');
    assert.equal((await third).version, 2);
  });

  describe('multi-stream transactions (appendMany)', () => {
    it('writes every stream of a transaction in one go with consecutive positions', async () => {
      const rs = await store.events.appendMany(
        [
          { stream: 'order-1', events: [ev('order.placed')], expectedVersion: 'no-stream' },
          { stream: 'stock-9', events: [ev('stock.reserved'), ev('stock.reserved')], expectedVersion: 'any' },
        ],
        meta,
      );
      assert.deepEqual(
        rs.map((r) => [r.stream, r.version, r.positions]),
        [
          ['order-1', 1, [1]],
          ['stock-9', 2, [2, 3]],
        ],
      );
      let frames = 0;
      store.log.read(1, () => {
        frames++;
      });
      assert.equal(frames, 1, 'one transaction is one record on disk');
    });

    it('writes nothing at all when any one stream\'s expectation fails', async () => {
      await store.events.append('order-1', [ev()], 'no-stream', meta);
      const head = store.head;
      const err = await refusal(() =>
        store.events.appendMany(
          [
            { stream: 'stock-9', events: [ev()], expectedVersion: 'no-stream' },
            { stream: 'order-1', events: [ev()], expectedVersion: 'no-stream' },
          ],
          meta,
        ),
      );
      assert.equal(err.code, 'wrong_expected_version');
      assert.equal(store.head, head);
      assert.equal(store.events.version('stock-9'), 0);
      assert.deepEqual(store.events.read({ stream: 'stock-9' }), []);
      // And the positions it would have used are still free.
      const r = await store.events.append('stock-9', [ev()], 'no-stream', meta);
      assert.deepEqual(r.positions, [head + 1]);
    });

    it('checks a stream touched twice in one transaction against its version so far', async () => {
      const rs = await store.events.appendMany(
        [
          { stream: 'a', events: [ev()], expectedVersion: 'no-stream' },
          { stream: 'a', events: [ev()], expectedVersion: 1 },
        ],
        meta,
      );
      assert.deepEqual(
        rs.map((r) => r.version),
        [1, 2],
      );
      const err = await refusal(() =>
        store.events.appendMany(
          [
            { stream: 'b', events: [ev()], expectedVersion: 'no-stream' },
            { stream: 'b', events: [ev()], expectedVersion: 'no-stream' },
          ],
          meta,
        ),
      );
      assert.equal(err.code, 'wrong_expected_version');
      assert.equal(store.events.version('b'), 0);
    });

    it('refuses an empty transaction or an empty event list as invalid', async () => {
      assert.equal((await refusal(() => store.events.appendMany([], meta))).code, 'invalid_params');
      assert.equal((await refusal(() => store.events.append('a', [], 'any', meta))).code, 'invalid_params');
      assert.equal(store.head, 0);
    });
  });

  it('fills each envelope: id, stream, version, position, type, ts, actor, causation and correlation', async () => {
    const now = new Date('2030-01-02T03:04:05.000Z');
    crash(store);
    store = await openStore(tempDir(), [], { now: () => now });
    await store.events.append('s', [{ id: 'e-1', type: 't.one', data: { k: 1 }, causationId: 'cause-own' }, { type: 't.two', data: undefined }], 'any', {
      actor: 'alice',
      correlationId: 'corr-9',
      causationId: 'cause-meta',
    });
    const [a, b] = store.events.read({});
    assert.deepEqual(a, { id: 'e-1', stream: 's', version: 1, position: 1, type: 't.one', ts: now.toISOString(), actor: 'alice', causationId: 'cause-own', correlationId: 'corr-9', data: { k: 1 } });
    assert.match(b!.id, /^evt_[0-9a-f-]{36}$/);
    assert.equal(b!.causationId, 'cause-meta');
    assert.equal(b!.data, null);
  });
});
