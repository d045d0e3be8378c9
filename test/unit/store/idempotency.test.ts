import assert from 'node:assert/strict';
import type { NewEvent } from '../../../shared/events';
import type { Store } from '../../../server/store/store';
import { cleanTempDirs, crash, openStore, refusal, tempDir } from './helpers';

const meta = { actor: 'tester' };
const evs = (...ids: string[]): NewEvent[] => ids.map((id) => ({ id, type: 'note.added', data: { id } }));

describe('idempotent appends (by event id)', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = tempDir();
    store = await openStore(dir);
  });
  afterEach(() => crash(store));
  after(cleanTempDirs);

  it('answers a retry with the same ids as a duplicate, with the original positions, and writes nothing', async () => {
    const first = await store.events.append('notes', evs('a', 'b'), 'no-stream', meta);
    await store.events.append('other', evs('c'), 'any', meta);
    const retry = await store.events.append('notes', evs('a', 'b'), 'no-stream', meta);
    assert.equal(first.duplicate, false);
    assert.equal(retry.duplicate, true);
    assert.deepEqual(retry.positions, first.positions);
    assert.equal(store.head, 3);
    assert.deepEqual(
      store.events.read({}).map((e) => e.id),
      ['a', 'b', 'c'],
    );
  });

  it('recognises a retry even when the expected version no longer holds (the original already moved it)', async () => {
    await store.events.append('notes', evs('a'), 0, meta);
    const retry = await store.events.append('notes', evs('a'), 0, meta);
    assert.equal(retry.duplicate, true);
    assert.equal(store.events.version('notes'), 1);
  });

  it('remembers ids across a reopen that replays the log', async () => {
    const first = await store.events.append('notes', evs('a', 'b'), 'any', meta);
    crash(store);
    store = await openStore(dir);
    const retry = await store.events.append('notes', evs('a', 'b'), 'any', meta);
    assert.equal(retry.duplicate, true);
    assert.deepEqual(retry.positions, first.positions);
    assert.equal(store.head, 2);
  });

  it('remembers ids across a reopen from a snapshot', async () => {
    await store.events.append('notes', evs('a'), 'any', meta);
    store.snapshot();
    await store.events.append('notes', evs('b'), 'any', meta);
    crash(store);
    store = await openStore(dir);
    assert.equal(store.opened.fromSnapshot, 1);
    assert.equal((await store.events.append('notes', evs('a'), 'any', meta)).duplicate, true);
    assert.equal((await store.events.append('notes', evs('b'), 'any', meta)).duplicate, true);
    assert.equal(store.head, 2);
  });

  it('refuses a partial overlap (some ids known, some new) as a conflict that names the known ids, and writes nothing', async () => {
    await store.events.append('notes', evs('a', 'b'), 'any', meta);
    const err = await refusal(() => store.events.append('notes', evs('b', 'z'), 'any', meta));
    assert.equal(err.code, 'conflict');
    assert.deepEqual(err.details, { knownIds: ['b'] });
    assert.match(err.hint!, /unchanged|new ids/);
    assert.equal(store.head, 2);
    assert.equal(store.events.read({}).some((e) => e.id === 'z'), false);
  });

  it('refuses the same id twice within one append', async () => {
    const err = await refusal(() => store.events.append('notes', evs('a', 'a'), 'any', meta));
    assert.equal(err.code, 'invalid_params');
    assert.equal(store.head, 0);
  });

  it('applies across streams: a transaction retried in full is a duplicate', async () => {
    const ops = [
      { stream: 'x', events: evs('x1'), expectedVersion: 'no-stream' as const },
      { stream: 'y', events: evs('y1', 'y2'), expectedVersion: 'no-stream' as const },
    ];
    const first = await store.events.appendMany(ops, meta);
    const retry = await store.events.appendMany(ops, meta);
    assert.deepEqual(
      retry.map((r) => [r.duplicate, r.positions]),
      first.map((r) => [true, r.positions]),
    );
    assert.equal(store.head, 3);
  });

  it('holds back the answer to a retry racing the original until the original is durable', async () => {
    const order: string[] = [];
    const original = store.events.append('notes', evs('a'), 'any', meta).then((r) => {
      order.push(`original durable=${store.head >= r.positions[0]!}`);
      return r;
    });
    const retry = store.events.append('notes', evs('a'), 'any', meta).then((r) => {
      order.push(`retry durable=${store.head >= r.positions[0]!}`);
      return r;
    });
    const [o, r] = await Promise.all([original, retry]);
    assert.equal(r.duplicate, true);
    assert.deepEqual(r.positions, o.positions);
    assert.deepEqual(order.sort(), ['original durable=true', 'retry durable=true']);
    assert.equal(store.head, 1);
  });

  it('does not let a refused oversized transaction poison the ids, versions or positions of later appends', async function () {
    this.timeout(30_000);
    const huge = 'x'.repeat(64 * 1024 * 1024);
    const err = await refusal(() => store.events.append('notes', [{ id: 'big', type: 'note.added', data: huge }], 'any', meta));
    assert.equal(err.code, 'invalid_params');
    assert.equal(store.events.version('notes'), 0, 'the refused transaction must not count');
    const r = await store.events.append('notes', evs('big', 'small'), 'no-stream', meta);
    assert.equal(r.duplicate, false);
    assert.deepEqual(r.positions, [1, 2]);
    assert.equal(store.head, 2);
  });

  it('gives an event without an id a fresh one of its own form, and keeps it out of the id index', async () => {
    await store.events.append('notes', [{ type: 'note.added', data: {} }, { type: 'note.added', data: {} }], 'any', meta);
    const ids = store.events.read({}).map((e) => e.id);
    assert.equal(new Set(ids).size, 2);
    for (const id of ids) assert.match(id, /^evt_[0-9a-f-]{36}$/);
    assert.equal(store.events.index.positionOf(ids[0]!), undefined, 'no retry can carry an id it never chose');
    assert.deepEqual(store.events.index.toJSON().ids, []);
  });

  it('refuses ids in the form reserved for generated ones, and writes nothing', async () => {
    await store.events.append('notes', [{ type: 'note.added', data: {} }], 'any', meta);
    const taken = store.events.read({})[0]!.id;
    const err = await refusal(() => store.events.append('notes', evs('fine', taken), 'any', meta));
    assert.equal(err.code, 'invalid_params');
    assert.match(err.message, /evt_.*reserved/);
    assert.equal(store.head, 1);
    assert.equal(store.events.version('notes'), 1);
  });
});
