// A sql.js database opened "with room" starts as a file that already has space to grow into (its
// image followed by zeros): the same database in every observable way, minus the copies of the
// file a growing database otherwise costs.
import assert from 'node:assert/strict';
import type { Database } from 'sql.js';
import { emptyDatabase, loadSqlJs, replayRoom, withRoom } from '../../../server/store/sqljs';

function fill(db: Database, from: number, to: number): void {
  db.exec('CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT NOT NULL)');
  db.exec('CREATE INDEX IF NOT EXISTS t_v ON t (v)');
  db.exec('BEGIN');
  for (let i = from; i < to; i++) db.run('INSERT OR REPLACE INTO t VALUES (?, ?)', [`k${i % 7919}`, `value ${i} `.repeat(1 + (i % 9))]);
  db.exec('COMMIT');
}

describe('sql.js databases with room to grow', () => {
  it('hold and export exactly what a plain database does, past the room and after a reopen', async () => {
    const SQL = await loadSqlJs();
    const plain = new SQL.Database();
    const roomy = emptyDatabase(SQL, 256 * 1024); // smaller than what is written: the file grows past it
    for (const db of [plain, roomy]) {
      fill(db, 0, 20_000);
      db.exec('DELETE FROM t WHERE k LIKE "k1%"');
      fill(db, 20_000, 30_000);
    }
    for (const db of [plain, roomy]) assert.equal(db.exec('PRAGMA integrity_check')[0]!.values[0]![0], 'ok');
    const exported = roomy.export();
    assert.deepEqual(exported, plain.export(), 'byte for byte');
    assert.equal(exported.length, Number(roomy.exec('PRAGMA page_count')[0]!.values[0]![0]) * 4096, 'the zeros are not part of the database');
    // An image given room (what a merge starts from) opens with its content and takes more.
    const reopened = new SQL.Database(withRoom(exported, 1024 * 1024));
    fill(reopened, 30_000, 31_000);
    fill(plain, 30_000, 31_000);
    assert.deepEqual(reopened.export(), plain.export());
    for (const db of [plain, roomy, reopened]) db.close();
  });

  it('sizes a replay\u2019s room at a fifth of the log, capped', () => {
    assert.equal(replayRoom(0), 0);
    assert.equal(replayRoom(100 * 1024 * 1024), 20 * 1024 * 1024);
    assert.equal(replayRoom(10 * 1024 * 1024 * 1024), 256 * 1024 * 1024);
  });
});
