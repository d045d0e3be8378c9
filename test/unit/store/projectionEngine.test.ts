import assert from 'node:assert/strict';
import type { EventEnvelope, NewEvent } from '../../../shared/events';
import type { Projection } from '../../../server/store/projection';
import type { Store } from '../../../server/store/store';
import { cleanTempDirs, crash, dumpTables, openStore, tempDir } from './helpers';
import { counterProjection, countsOf, notesProjection } from './notesProjection';

const meta = { actor: 'ann' };

async function addNotes(store: Store, from: number, to: number): Promise<void> {
  for (let i = from; i <= to; i++) await store.events.append(`note-${i}`, [{ type: 'note.added', data: { id: `n${i}`, text: `text ${i}` } }], 'no-stream', meta);
}

/** The checkpoints as the next snapshot would carry them (they reach the database when it is copied). */
function checkpoints(store: Store): Record<string, number> {
  store.engine.persistCheckpoints();
  const rows = store.db.exec('SELECT name, position FROM _projections ORDER BY name')[0]?.values ?? [];
  return Object.fromEntries(rows.map(([n, p]) => [String(n), Number(p)]));
}

/** Fails on any event whose data says poison, while `broken.on` is set. */
function fragileProjection(broken: { on: boolean }): Projection {
  const inner = counterProjection('fragile', ['note.*']);
  return {
    ...inner,
    apply(db, e) {
      if (broken.on && (e.data as { poison?: boolean }).poison) throw new Error('cannot digest this note');
      inner.apply(db, e);
    },
  };
}

describe('projection engine', () => {
  after(cleanTempDirs);

  it('keeps one checkpoint per projection at the last applied position, and writes them into the database with each snapshot', async () => {
    const dir = tempDir();
    const store = await openStore(dir, [notesProjection(), counterProjection('only_edits', ['note.edited'])]);
    await addNotes(store, 1, 4);
    const inDatabase = (): unknown[][] => store.db.exec('SELECT name, position FROM _projections ORDER BY name')[0]?.values ?? [];
    assert.deepEqual(inDatabase(), [['notes', 0], ['only_edits', 0]], 'an append costs no checkpoint write');
    store.snapshot();
    assert.deepEqual(inDatabase(), [['notes', 4], ['only_edits', 4]], 'the snapshot carries them, matching its tables');
    assert.deepEqual(checkpoints(store), { notes: 4, only_edits: 4 });
    assert.deepEqual(
      store.projections().map((p) => [p.name, p.version, p.position]),
      [
        ['notes', 1, 4],
        ['only_edits', 1, 4],
      ],
    );
    crash(store);
  });

  it('hands each projection only the event types it declares: exact names, prefixes with .*, and *', async () => {
    const store = await openStore(tempDir(), [
      counterProjection('exact', ['note.edited']),
      counterProjection('prefix', ['note.*']),
      counterProjection('every', ['*']),
    ]);
    await store.events.append('n', [{ type: 'note.added', data: { id: 'a' } }, { type: 'note.edited', data: { id: 'a' } }], 'any', meta);
    await store.events.append('x', [{ type: 'notebook.opened', data: {} }, { type: 'other.thing', data: {} }], 'any', meta);
    assert.deepEqual(countsOf(store.db, 'exact'), { 'note.edited': 1 });
    assert.deepEqual(countsOf(store.db, 'prefix'), { 'note.added': 1, 'note.edited': 1 });
    assert.deepEqual(countsOf(store.db, 'every'), { 'note.added': 1, 'note.edited': 1, 'notebook.opened': 1, 'other.thing': 1 });
    crash(store);
  });

  it('updates the read models before the appender hears back', async () => {
    const store = await openStore(tempDir(), [notesProjection()]);
    await store.events.append('n', [{ type: 'note.added', data: { id: 'a', text: 'hello' } }], 'any', meta);
    assert.deepEqual(store.db.exec('SELECT text FROM notes')[0]?.values, [['hello']]);
    crash(store);
  });

  it('stops a failing projection at the failing event while the others and the log carry on', async () => {
    const broken = { on: true };
    const errors: string[] = [];
    const store = await openStore(tempDir(), [fragileProjection(broken), notesProjection()], {
      onProjectionError: (name, e, err) => errors.push(`${name}@${e.position}: ${(err as Error).message}`),
    });
    await addNotes(store, 1, 2);
    const r = await store.events.append('note-3', [{ type: 'note.added', data: { id: 'n3', poison: true } }], 'any', meta);
    assert.deepEqual(r.positions, [3], 'the append itself succeeds');
    await addNotes(store, 4, 5);
    assert.deepEqual(errors, ['fragile@3: cannot digest this note']);
    const status = Object.fromEntries(store.projections().map((p) => [p.name, p]));
    assert.equal(status.fragile!.position, 2);
    assert.equal(status.fragile!.faulted, 'cannot digest this note (at position 3)');
    assert.equal(status.notes!.position, 5);
    assert.equal(status.notes!.faulted, undefined);
    assert.equal(store.db.exec('SELECT count(*) FROM notes')[0]!.values[0]![0], 5);
    assert.deepEqual(countsOf(store.db, 'fragile'), { 'note.added': 2 }, 'nothing after the fault reached it');
    assert.deepEqual(checkpoints(store), { fragile: 2, notes: 5 });
    crash(store);
  });

  it('on a batch that fails, undoes the batch and applies its events one by one, stopping at the one that fails', async () => {
    const broken = { on: true };
    const inner = fragileProjection(broken);
    let batches = 0;
    // A batch-capable read model whose batch writes everything and then fails on the poisoned note.
    const batching: Projection = {
      ...inner,
      applyBatch(db, events) {
        batches++;
        for (const e of events) inner.apply(db, e);
      },
    };
    const errors: string[] = [];
    const store = await openStore(tempDir(), [batching, notesProjection()], { onProjectionError: (name, e) => errors.push(`${name}@${e.position}`) });
    const note = (id: string, poison = false): NewEvent => ({ type: 'note.added', data: { id, text: id, ...(poison ? { poison } : {}) } });
    await store.events.append('batch', [note('a'), note('b'), note('c', true), note('d')], 'any', meta);
    assert.equal(batches, 1, 'the four events went to applyBatch together');
    assert.deepEqual(errors, ['fragile@3']);
    assert.deepEqual(countsOf(store.db, 'fragile'), { 'note.added': 2 }, 'the events before the failing one, once each; none after it');
    assert.equal(store.projections().find((p) => p.name === 'fragile')!.faulted, 'cannot digest this note (at position 3)');
    assert.equal(store.db.exec('SELECT count(*) FROM notes')[0]!.values[0]![0], 4, 'the other read model took the whole batch');
    crash(store);
  });

  it('lets a faulted projection retry from its checkpoint after a restart, catching up once it can', async () => {
    const dir = tempDir();
    const broken = { on: true };
    let store = await openStore(dir, [fragileProjection(broken), notesProjection()]);
    await addNotes(store, 1, 2);
    await store.events.append('note-3', [{ type: 'note.added', data: { id: 'n3', poison: true } }], 'any', meta);
    await addNotes(store, 4, 6);
    store.close(); // writes a snapshot ahead of the faulted checkpoint
    broken.on = false;
    store = await openStore(dir, [fragileProjection(broken), notesProjection()]);
    assert.equal(store.opened.fromSnapshot, 6);
    assert.deepEqual(countsOf(store.db, 'fragile'), { 'note.added': 6 });
    assert.deepEqual(checkpoints(store), { fragile: 6, notes: 6 });
    assert.equal(store.projections().some((p) => p.faulted), false);
    // The healthy projection was not applied twice on the way.
    assert.deepEqual(store.db.exec('SELECT author, live, total FROM note_authors')[0]?.values, [['ann', 6, 6]]);
    crash(store);
  });

  it('rebuilds a projection from the whole log when its version changes, and only that one', async () => {
    const dir = tempDir();
    let store = await openStore(dir, [counterProjection('tally', ['note.*'], 1), notesProjection()]);
    await addNotes(store, 1, 3);
    await store.events.append('note-1', [{ type: 'note.edited', data: { id: 'n1', text: 'changed' } }], 'any', meta);
    store.close();
    // Version 2 counts something else; its new table must reflect every past event.
    const v2: Projection = {
      name: 'tally',
      version: 2,
      schema: ['CREATE TABLE tally (type TEXT PRIMARY KEY, n INTEGER NOT NULL, last INTEGER NOT NULL)'],
      types: ['note.*'],
      apply(db, e: EventEnvelope) {
        db.run('INSERT INTO tally VALUES (?, 1, ?) ON CONFLICT(type) DO UPDATE SET n = n + 1, last = excluded.last', [e.type, e.position]);
      },
    };
    store = await openStore(dir, [v2, notesProjection()]);
    assert.deepEqual(store.opened.rebuilt, ['tally']);
    assert.deepEqual(store.db.exec('SELECT type, n, last FROM tally ORDER BY type')[0]?.values, [
      ['note.added', 3, 3],
      ['note.edited', 1, 4],
    ]);
    assert.deepEqual(store.db.exec('SELECT author, live, total FROM note_authors')[0]?.values, [['ann', 3, 3]], 'notes was not replayed again');
    store.close();
    store = await openStore(dir, [v2, notesProjection()]);
    assert.deepEqual(store.opened.rebuilt, []);
    assert.equal(store.opened.replayed, 0);
    crash(store);
  });

  it('rebuilds a projection by decoding only the events of the types it handles, and brings every checkpoint to the head', async () => {
    const dir = tempDir();
    let store = await openStore(dir, [notesProjection()]);
    await addNotes(store, 1, 40);
    for (const i of [3, 17, 29]) await store.events.append(`note-${i}`, [{ type: 'note.edited', data: { id: `n${i}`, text: 'changed' } }], 'any', meta);
    await store.events.append('other', [{ type: 'note.edited', data: { id: 'n1' } }, { type: 'note.added', data: { id: 'n41' } }], 'any', meta); // one frame, two events
    store.snapshot();
    await addNotes(store, 41, 42); // a tail after the snapshot
    const head = store.head;
    crash(store);
    store = await openStore(dir, [counterProjection('edits', ['note.edited']), notesProjection()]);
    try {
      assert.deepEqual(store.opened.rebuilt, ['edits']);
      assert.deepEqual(countsOf(store.db, 'edits'), { 'note.edited': 4 });
      // Decoded: the three one-event edits, the two-event frame (not read by its type) and the tail.
      assert.equal(store.opened.replayed, 3 + 2 + 2);
      assert.deepEqual(Object.fromEntries(store.projections().map((p) => [p.name, p.position])), { edits: head, notes: head });
    } finally {
      crash(store);
    }
  });

  it('builds a projection added later from the start of the log', async () => {
    const dir = tempDir();
    let store = await openStore(dir, []);
    await addNotes(store, 1, 5);
    store.close();
    store = await openStore(dir, [notesProjection()]);
    assert.deepEqual(store.opened.rebuilt, ['notes']);
    assert.equal(store.db.exec('SELECT count(*) FROM notes')[0]!.values[0]![0], 5);
    const live = dumpTables(store.db);
    crash(store);
    const fresh = await openStore(dir, [notesProjection()], { ignoreSnapshots: true });
    assert.deepEqual(dumpTables(fresh.db), live);
    crash(fresh);
  });
});
