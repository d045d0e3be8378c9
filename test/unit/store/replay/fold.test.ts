// Time travel answers with the size of each folded table and, when asked, the rows of one query.
// The query is read-only in fact, not only by its first word: SQLite refuses any write, and a
// second statement after the first is refused rather than run or ignored.
import assert from 'node:assert/strict';
import { describeFold, type Folded } from '../../../../server/store/replay/fold';
import type { Store } from '../../../../server/store/store';
import { cleanTempDirs, crash, dumpTables, openStore, refusal, tempDir } from '../helpers';
import { notesProjection } from '../notesProjection';

describe('a fold described (describeFold)', () => {
  let store: Store;
  let folded: Folded;

  before(async () => {
    store = await openStore(tempDir(), [notesProjection()]);
    for (const [id, text] of [['a', 'first'], ['b', 'second'], ['c', 'third']] as const) {
      await store.events.append(`note-${id}`, [{ type: 'note.added', data: { id, text } }], 'any', { actor: 'ann' });
    }
    folded = store.foldTo({ to: 2 });
  });
  after(() => {
    folded.db.close();
    crash(store);
    cleanTempDirs();
  });

  it('counts the rows of every read-model table, and nothing of the bookkeeping', () => {
    assert.deepEqual(describeFold(folded), { position: 2, ts: folded.ts, tables: { note_authors: 1, notes: 2 } });
  });

  it('gives the rows of one SELECT or WITH query as objects keyed by column', () => {
    assert.deepEqual(describeFold(folded, 'SELECT id, text FROM notes ORDER BY id').rows, [
      { id: 'a', text: 'first' },
      { id: 'b', text: 'second' },
    ]);
    assert.deepEqual(describeFold(folded, 'WITH t AS (SELECT count(*) AS n FROM notes) SELECT n FROM t;  -- how many').rows, [{ n: 2 }]);
    assert.deepEqual(describeFold(folded, "SELECT id FROM notes WHERE id = 'zz'").rows, []);
  });

  it('refuses, as invalid params, a query that would write, however it is dressed, and the fold is unchanged', async () => {
    const before = dumpTables(folded.db);
    for (const [sql, reason] of [
      ['DELETE FROM notes', /start with SELECT or WITH/],
      ['WITH doomed AS (SELECT id FROM notes) DELETE FROM notes WHERE id IN doomed', /this query would write/],
      ['SELECT 1; DELETE FROM notes', /one query at a time \(this text holds 2\)/],
      ['SELECT 1; PRAGMA query_only = 0', /one query at a time/],
    ] as const) {
      const err = await refusal(() => describeFold(folded, sql));
      assert.equal(err.code, 'invalid_params', sql);
      assert.match(err.message, reason, sql);
      assert.ok(err.hint, sql);
    }
    assert.deepEqual(dumpTables(folded.db), before);
  });

  it('reports a query SQLite cannot run with its own words', async () => {
    for (const [sql, reason] of [
      ['SELECT * FROM nowhere', /query failed: no such table: nowhere/],
      ['SELECT id FROM notes WHERE', /query failed: incomplete input/],
      ['WITH', /query failed: /],
    ] as const) {
      const err = await refusal(() => describeFold(folded, sql));
      assert.equal(err.code, 'invalid_params', sql);
      assert.match(err.message, reason, sql);
    }
  });
});
