import assert from 'node:assert/strict';
import type { Database } from 'sql.js';
import { HIVE_STREAM } from '../../../shared/hive';
import { hiveProjection } from '../../../server/hive/projection';
import { findCells, listCells, showCell } from '../../../server/hive/queries';
import { resetStatements } from '../../../server/hive/statements';
import { hiveDb, TestHive } from './harness';

function dump(db: Database): string {
  const tables = ['hive_cells', 'hive_deps', 'hive_comments'];
  return JSON.stringify(tables.map((t) => db.exec(`SELECT * FROM ${t} ORDER BY 1, 2`)[0]?.values ?? []));
}

/** A history touching every event type. */
async function busyHive(): Promise<TestHive> {
  const hive = await TestHive.create();
  const gate = hive.create('gate', { priority: 1 });
  const [marker] = hive.run('apiary/hive/createEpic', { title: 'epic', subtasks: [{ title: 'a' }, { title: 'b', dependsOn: [1, gate] }] });
  const epic = marker!.type === 'hive.epic.created' ? marker!.data.epicId : '';
  hive.advance(1000);
  hive.run('apiary/hive/claim', { id: `${epic}.1`, ttlSeconds: 30 }, 'bob');
  hive.run('apiary/hive/update', { id: `${epic}.1`, status: 'in_progress', labels: ['x'] }, 'bob');
  hive.run('apiary/hive/heartbeat', { id: `${epic}.1`, ttlSeconds: 30 }, 'bob');
  hive.run('apiary/hive/comment', { id: gate, text: 'looking' }, 'carol');
  hive.run('apiary/hive/claim', { id: gate }, 'carol');
  hive.run('apiary/hive/release', { id: gate }, 'carol');
  hive.run('apiary/hive/close', { id: gate, reason: 'done' });
  hive.run('apiary/hive/reopen', { id: gate });
  const side = hive.create('side');
  hive.run('apiary/hive/depAdd', { id: side, dependsOn: gate, type: 'related' });
  hive.run('apiary/hive/depRemove', { id: side, dependsOn: gate });
  hive.run('apiary/hive/delete', { id: side });
  hive.advance(60_000);
  hive.run('apiary/hive/claim', { id: `${epic}.1` }, 'dave');
  hive.append([{ type: 'hive.cell.purged', data: { id: side, source: 'merge', at: new Date(hive.now).toISOString() } }]);
  return hive;
}

describe('hive projection', () => {
  it('has the shape the projection engine loads', () => {
    assert.equal(hiveProjection.name, 'hive');
    assert.equal(hiveProjection.version, 1);
    assert.deepEqual(hiveProjection.types, ['hive.*']);
    assert.ok(hiveProjection.schema.every((ddl) => /^CREATE (TABLE|INDEX)/.test(ddl)));
  });

  it('rebuilds the same model from zero, every time', async () => {
    const hive = await busyHive();
    const live = dump(hive.db);
    for (let round = 0; round < 2; round++) {
      const db = await hiveDb();
      for (const e of hive.log) hiveProjection.apply(db, e);
      assert.equal(dump(db), live, `rebuild ${round + 1}`);
    }
  });

  it('is unchanged when every event is applied twice', async () => {
    const hive = await busyHive();
    const db = await hiveDb();
    for (const e of hive.log) {
      hiveProjection.apply(db, e);
      hiveProjection.apply(db, e);
    }
    assert.equal(dump(db), dump(hive.db));
  });

  it('ignores event types it does not know', async () => {
    const db = await hiveDb();
    const before = dump(db);
    hiveProjection.apply(db, { id: 'x', stream: HIVE_STREAM, version: 1, position: 1, type: 'hive.future.thing', ts: '', actor: '', causationId: null, correlationId: null, data: {} });
    assert.equal(dump(db), before);
  });

  it('keeps working after the database is exported and after its statements are reset', async () => {
    const hive = await TestHive.create();
    hive.create('one');
    hive.db.export();
    hive.create('two');
    resetStatements(hive.db);
    hive.create('three');
    assert.equal(hive.readyIds().length, 3);
  });

  it('lists with filters, counts the total, and shows a cell with its links', async () => {
    const hive = await TestHive.create();
    const epic = hive.create('Epic', { type: 'epic', labels: ['web'] });
    const a = hive.create('Alpha task', { parent: epic, labels: ['web', 'ui'], priority: 1 });
    const b = hive.create('Beta task', { parent: epic, dependsOn: [a] });
    const c = hive.create('Gamma bug', { type: 'bug', dependsOn: [{ id: a, type: 'related' }], assignee: 'bob' });
    hive.run('apiary/hive/close', { id: c });

    const list = (q: object) => listCells(hive.db, { includeDeleted: false, limit: 100, offset: 0, ...q });
    assert.deepEqual(list({ parent: epic }).cells.map((x) => x.id), [a, b]);
    assert.deepEqual(list({ labels: ['web', 'ui'] }).cells.map((x) => x.id), [a]);
    assert.deepEqual(list({ status: ['closed'] }).cells.map((x) => x.id), [c]);
    assert.deepEqual(list({ assignee: null }).total, 3);
    assert.deepEqual(list({ text: 'task' }).cells.map((x) => x.id), [a, b]);
    assert.deepEqual(list({ text: '100%_' }).total, 0, 'LIKE wildcards in the text are literal');
    const page = list({ limit: 2, offset: 1 });
    assert.equal(page.total, 4);
    assert.equal(page.cells.length, 2);

    const shown = showCell(hive.db, a, hive.now)!;
    assert.deepEqual(shown.blocks, [b]);
    assert.deepEqual(shown.related, [{ id: c, type: 'related', direction: 'in' }]);
    assert.equal(shown.ready, true);
    const waiting = showCell(hive.db, b, hive.now)!;
    assert.deepEqual(waiting.blockedBy, [a]);
    assert.equal(waiting.ready, false);
    assert.deepEqual(showCell(hive.db, epic, hive.now)!.children.map((x) => x.id), [a, b]);
    assert.equal(showCell(hive.db, 'ap-none', hive.now), undefined);
  });

  it('finds cells by id or words, best match first', async () => {
    const hive = await TestHive.create();
    const login = hive.create('Fix login redirect');
    hive.create('Docs', { description: 'mention login in the guide' });
    const found = findCells(hive.db, { text: 'login', limit: 10 });
    assert.equal(found.total, 2);
    assert.equal(found.cells[0]!.id, login, 'a title match ranks above a description match');
    assert.deepEqual(findCells(hive.db, { text: login, limit: 10 }).cells.map((x) => x.id), [login]);
  });
});
