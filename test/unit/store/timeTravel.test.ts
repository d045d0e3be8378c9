import assert from 'node:assert/strict';
import type { Store } from '../../../server/store/store';
import { cleanTempDirs, crash, dumpTables, openStore, tempDir } from './helpers';
import { notesProjection } from './notesProjection';

const T0 = Date.parse('2031-05-01T12:00:00.000Z');
const at = (i: number): string => new Date(T0 + i * 60_000).toISOString();

describe('time travel (foldTo)', () => {
  let store: Store;
  /** The live read models as they were right after each position. */
  const history = new Map<number, Record<string, unknown[][]>>();
  let clock = 0;

  before(async () => {
    // Event i is accepted at T0 + i minutes.
    store = await openStore(tempDir(), [notesProjection()], { now: () => new Date(at(clock)) });
    history.set(0, dumpTables(store.db));
    const steps: Array<[string, string, string]> = [
      ['note.added', 'a', 'first'],
      ['note.added', 'b', 'second'],
      ['note.edited', 'a', 'first, edited'],
      ['note.removed', 'b', ''],
      ['note.added', 'c', 'third'],
      ['note.edited', 'c', 'third, edited'],
    ];
    for (const [type, id, text] of steps) {
      clock += 1;
      await store.events.append(`note-${id}`, [{ type, data: { id, text } }], 'any', { actor: 'ann' });
      history.set(store.head, dumpTables(store.db));
    }
  });
  after(() => {
    crash(store);
    cleanTempDirs();
  });

  it('folds the read models up to any position, equal to what they were live at that position', () => {
    for (const [position, tables] of history) {
      const f = store.foldTo({ to: position });
      try {
        assert.equal(f.position, position);
        assert.equal(f.ts, position === 0 ? null : at(position));
        assert.deepEqual(dumpTables(f.db), tables, `at position ${position}`);
      } finally {
        f.db.close();
      }
    }
  });

  it('folds up to a moment: every event accepted at or before it, none after', () => {
    const cases: Array<[string, number]> = [
      [new Date(T0 - 1).toISOString(), 0],
      [at(1), 1],
      [new Date(T0 + 3.5 * 60_000).toISOString(), 3],
      [at(6), 6],
      [new Date(T0 + 3600_000).toISOString(), 6],
    ];
    for (const [moment, position] of cases) {
      const f = store.foldTo({ at: moment });
      try {
        assert.equal(f.position, position, `at ${moment}`);
        assert.deepEqual(dumpTables(f.db), history.get(position));
      } finally {
        f.db.close();
      }
    }
  });

  it('leaves the live read models and the log untouched', () => {
    const before = dumpTables(store, { withCheckpoints: true });
    const head = store.head;
    const f = store.foldTo({ to: 2 });
    f.db.run('DELETE FROM notes');
    f.db.close();
    assert.deepEqual(dumpTables(store, { withCheckpoints: true }), before);
    assert.equal(store.head, head);
  });
});
