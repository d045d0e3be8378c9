import assert from 'node:assert/strict';
import { readyCells } from '../../../server/hive/queries';
import { TestHive } from './harness';

describe('hive ready queue', () => {
  it('puts the most urgent first: priority 0 before 4 (not the other way round)', async () => {
    const hive = await TestHive.create();
    const low = hive.create('backlog', { priority: 4 });
    hive.advance(1000);
    const normal = hive.create('normal');
    hive.advance(1000);
    const urgent = hive.create('fire', { priority: 0 });
    assert.deepEqual(hive.readyIds(), [urgent, normal, low]);
  });

  it('orders equal priorities oldest first, then by id', async () => {
    const hive = await TestHive.create();
    const first = hive.create('first', { priority: 1 });
    hive.advance(5);
    const second = hive.create('second', { priority: 1 });
    const third = hive.create('third', { priority: 1 }); // same millisecond as second
    const [x, y] = [second, third].sort();
    assert.deepEqual(hive.readyIds(), [first, x, y]);
  });

  it('holds back a cell until every blocker is closed', async () => {
    const hive = await TestHive.create();
    const schema = hive.create('schema');
    const api = hive.create('api');
    const ui = hive.create('ui', { dependsOn: [schema, api] });
    assert.ok(!hive.readyIds().includes(ui));
    hive.run('apiary/hive/close', { id: schema });
    assert.ok(!hive.readyIds().includes(ui), 'one blocker is still open');
    hive.run('apiary/hive/update', { id: api, status: 'in_progress' });
    assert.ok(!hive.readyIds().includes(ui), 'an in-progress blocker still blocks');
    hive.run('apiary/hive/close', { id: api });
    assert.deepEqual(hive.readyIds(), [ui]);
    hive.run('apiary/hive/reopen', { id: api });
    assert.deepEqual(hive.readyIds(), [api], 'reopening the blocker blocks again');
  });

  it('ignores related and discovered-from links', async () => {
    const hive = await TestHive.create();
    const a = hive.create('a');
    const b = hive.create('b', { dependsOn: [{ id: a, type: 'related' }, { id: a, type: 'discovered-from' }] });
    assert.deepEqual(hive.readyIds().sort(), [a, b].sort());
  });

  it('unblocks dependents of a deleted blocker', async () => {
    const hive = await TestHive.create();
    const a = hive.create('a');
    const b = hive.create('b', { dependsOn: [a] });
    hive.run('apiary/hive/delete', { id: a });
    assert.deepEqual(hive.readyIds(), [b]);
  });

  it('holds back the children of a blocked parent, down the whole tree', async () => {
    const hive = await TestHive.create();
    const gate = hive.create('gate');
    const epic = hive.create('epic', { type: 'epic', dependsOn: [gate] });
    const child = hive.create('child', { parent: epic });
    const grandchild = hive.create('grandchild', { parent: child });
    assert.deepEqual(hive.readyIds(), [gate]);
    hive.run('apiary/hive/close', { id: gate });
    assert.deepEqual(hive.readyIds().sort(), [epic, child, grandchild].sort());
    hive.run('apiary/hive/update', { id: epic, status: 'blocked' });
    assert.deepEqual(hive.readyIds(), [], 'a parent with status blocked blocks too');
    hive.run('apiary/hive/update', { id: epic, status: 'open' });
    hive.run('apiary/hive/update', { id: child, parent: null });
    hive.run('apiary/hive/update', { id: epic, status: 'blocked' });
    assert.deepEqual(hive.readyIds().sort(), [child, grandchild].sort(), 'moved out from under the blocked parent');
  });

  it('leaves out cells in progress, blocked, closed or deleted', async () => {
    const hive = await TestHive.create();
    const ids = ['a', 'b', 'c', 'd', 'e'].map((t) => hive.create(t));
    hive.run('apiary/hive/update', { id: ids[0], status: 'in_progress' });
    hive.run('apiary/hive/update', { id: ids[1], status: 'blocked' });
    hive.run('apiary/hive/close', { id: ids[2] });
    hive.run('apiary/hive/delete', { id: ids[3] });
    assert.deepEqual(hive.readyIds(), [ids[4]]);
  });

  it('leaves out cells with a live claim, and takes them back when the claim has run out even before a sweep', async () => {
    const hive = await TestHive.create();
    const id = hive.create('task');
    hive.run('apiary/hive/claim', { id, ttlSeconds: 60 }, 'bob');
    assert.deepEqual(hive.readyIds(), []);
    hive.advance(59_999);
    assert.deepEqual(hive.readyIds(), []);
    hive.advance(1);
    assert.deepEqual(hive.readyIds(), [id], 'a claim is live only while unexpired');
  });

  it('filters by assignee, type and label and honours the limit', async () => {
    const hive = await TestHive.create();
    const bug = hive.create('bug', { type: 'bug', labels: ['ui'], assignee: 'bob' });
    hive.create('task', { labels: ['backend'] });
    for (let i = 0; i < 5; i++) hive.create(`filler ${i}`, { priority: 3 });
    assert.deepEqual(readyCells(hive.db, { now: hive.now, limit: 10, type: 'bug' }).map((c) => c.id), [bug]);
    assert.deepEqual(readyCells(hive.db, { now: hive.now, limit: 10, label: 'ui' }).map((c) => c.id), [bug]);
    assert.deepEqual(readyCells(hive.db, { now: hive.now, limit: 10, assignee: 'bob' }).map((c) => c.id), [bug]);
    assert.equal(readyCells(hive.db, { now: hive.now, limit: 3 }).length, 3);
  });

  it('reads the queue from its index', async () => {
    const hive = await TestHive.create();
    const plan = hive.db.exec(
      "EXPLAIN QUERY PLAN SELECT id FROM hive_cells INDEXED BY hive_cells_ready WHERE status = 'open' AND blocked = 0 AND (claim_expires_ms IS NULL OR claim_expires_ms <= 0) ORDER BY priority, created_at, id LIMIT 5",
    );
    const detail = plan[0]!.values.map((r) => String(r[3])).join('\n');
    assert.match(detail, /USING INDEX hive_cells_ready/);
    assert.doesNotMatch(detail, /TEMP B-TREE/, 'no sort step: the index gives the order');
  });
});
