import assert from 'node:assert/strict';
import { decideCreate } from '../../../server/hive/core/create';
import { hiveCreateParamsSchema } from '../../../shared/hiveSchemas';
import { hiveView } from '../../../server/hive/queries';
import { refusal, TestHive } from './harness';

describe('hive decisions', () => {
  describe('create', () => {
    it('makes an open cell with the beads defaults: task, priority 2', async () => {
      const hive = await TestHive.create();
      const id = hive.create('Write the README');
      const cell = hive.cell(id);
      assert.equal(cell.status, 'open');
      assert.equal(cell.type, 'task');
      assert.equal(cell.priority, 2);
      assert.equal(cell.createdAt, new Date(hive.now).toISOString());
      assert.equal(cell.updatedAt, cell.createdAt);
      assert.equal(cell.claim, null);
    });

    it('is pure: the same command, state and time give the same events', async () => {
      const hive = await TestHive.create();
      const cmd = hiveCreateParamsSchema.parse({ title: 'x', labels: ['b', 'a', 'b'] });
      const ctx = { now: hive.now, actor: 'alice' };
      const once = decideCreate(cmd, hiveView(hive.db), ctx);
      assert.deepEqual(decideCreate(cmd, hiveView(hive.db), ctx), once);
      assert.ok(once[0]?.type === 'hive.cell.created');
      assert.deepEqual(once[0].data.cell.labels, ['a', 'b'], 'sets are stored sorted and de-duplicated');
    });

    it('refuses dependencies on unknown cells and invalid params, changing nothing', async () => {
      const hive = await TestHive.create();
      assert.equal(refusal(() => hive.run('apiary/hive/create', { title: 'x', dependsOn: ['ap-zzzz'] })).code, 'not_found');
      assert.throws(() => hive.run('apiary/hive/create', { title: '' }));
      assert.throws(() => hive.run('apiary/hive/create', { title: 'x', priority: 5 }));
      assert.throws(() => hive.run('apiary/hive/create', { title: 'x', type: 'story' }));
      assert.equal(hive.log.length, 0);
    });

    it('accepts a parent given as a parent-child dependency', async () => {
      const hive = await TestHive.create();
      const epic = hive.create('epic', { type: 'epic' });
      const child = hive.create('child', { dependsOn: [{ id: epic, type: 'parent-child' }] });
      assert.equal(child, `${epic}.1`);
      assert.equal(hive.cell(child).parent, epic);
    });
  });

  describe('create epic', () => {
    it('creates the epic and its subtasks in one append, subtasks numbered and linked', async () => {
      const hive = await TestHive.create();
      const blocker = hive.create('design review');
      const events = hive.run('apiary/hive/createEpic', {
        title: 'Checkout flow',
        priority: 1,
        subtasks: [
          { title: 'cart', files: ['src/cart.ts'] },
          { title: 'payment', dependsOn: [1, blocker], priority: 0 },
          { title: 'receipt', dependsOn: [2] },
        ],
      });
      assert.deepEqual(events.map((e) => e.type), ['hive.epic.created', 'hive.cell.created', 'hive.cell.created', 'hive.cell.created', 'hive.cell.created']);
      const marker = events[0]!;
      assert.ok(marker.type === 'hive.epic.created');
      const epic = marker.data.epicId;
      assert.deepEqual(marker.data.subtaskIds, [`${epic}.1`, `${epic}.2`, `${epic}.3`]);
      assert.equal(hive.cell(epic).type, 'epic');
      assert.equal(hive.cell(`${epic}.1`).priority, 1, 'subtasks inherit the epic priority');
      assert.equal(hive.cell(`${epic}.2`).priority, 0);
      assert.deepEqual(hive.cell(`${epic}.1`).files, ['src/cart.ts']);
      assert.deepEqual(hive.cell(`${epic}.2`).dependencies.map((d) => d.dependsOn).sort(), [`${epic}.1`, blocker].sort());
      assert.deepEqual(hive.readyIds(), [epic, `${epic}.1`, blocker]);
    });

    it('refuses a sibling number that does not exist, appending nothing', async () => {
      const hive = await TestHive.create();
      const err = refusal(() => hive.run('apiary/hive/createEpic', { title: 'e', subtasks: [{ title: 'a', dependsOn: [3] }] }));
      assert.equal(err.code, 'invalid_params');
      assert.equal(hive.log.length, 0);
    });
  });

  describe('update', () => {
    it('changes only what differs and stamps updatedAt', async () => {
      const hive = await TestHive.create();
      const id = hive.create('x', { labels: ['a'], metadata: { keep: 1, drop: 2 } });
      hive.advance(1000);
      const events = hive.run('apiary/hive/update', {
        id,
        title: 'x',
        priority: 1,
        addLabels: ['b'],
        removeLabels: ['a'],
        metadata: { drop: null, add: true },
      });
      assert.equal(events.length, 1);
      assert.ok(events[0]?.type === 'hive.cell.updated');
      assert.deepEqual(events[0].data.changes, { priority: 1, labels: ['b'], metadata: { keep: 1, add: true } });
      const cell = hive.cell(id);
      assert.equal(cell.priority, 1);
      assert.deepEqual(cell.labels, ['b']);
      assert.deepEqual(cell.metadata, { keep: 1, add: true });
      assert.equal(cell.updatedAt, new Date(hive.now).toISOString());
    });

    it('appends nothing when nothing changes', async () => {
      const hive = await TestHive.create();
      const id = hive.create('x');
      assert.deepEqual(hive.run('apiary/hive/update', { id, title: 'x', priority: 2 }), []);
    });

    it('moves a cell under a new parent with dependency events', async () => {
      const hive = await TestHive.create();
      const a = hive.create('a');
      const b = hive.create('b');
      const c = hive.create('c', { parent: a });
      const events = hive.run('apiary/hive/update', { id: c, parent: b });
      assert.deepEqual(events.map((e) => [e.type, 'type' in e.data ? e.data.type : '']), [
        ['hive.dep.removed', 'parent-child'],
        ['hive.dep.added', 'parent-child'],
      ]);
      assert.equal(hive.cell(c).parent, b);
    });
  });

  describe('dependencies and comments', () => {
    it('adds a dependency once, and removes it again', async () => {
      const hive = await TestHive.create();
      const a = hive.create('a');
      const b = hive.create('b');
      assert.equal(hive.run('apiary/hive/depAdd', { id: b, dependsOn: a }).length, 1);
      assert.deepEqual(hive.run('apiary/hive/depAdd', { id: b, dependsOn: a }), [], 'already there');
      assert.deepEqual(hive.cell(b).dependencies.map((d) => [d.dependsOn, d.type, d.createdBy]), [[a, 'blocks', 'alice']]);
      hive.run('apiary/hive/depRemove', { id: b, dependsOn: a });
      assert.deepEqual(hive.cell(b).dependencies, []);
      const err = refusal(() => hive.run('apiary/hive/depRemove', { id: b, dependsOn: a }));
      assert.equal(err.code, 'not_found');
      assert.match(err.hint ?? '', /its dependencies: none/);
    });

    it('numbers comments in order and records the author', async () => {
      const hive = await TestHive.create();
      const id = hive.create('x');
      hive.run('apiary/hive/comment', { id, text: 'first' }, 'bob');
      hive.advance(10);
      hive.run('apiary/hive/comment', { id, text: 'second' }, 'carol');
      assert.deepEqual(
        hive.cell(id).comments.map((c) => [c.id, c.author, c.text]),
        [
          [1, 'bob', 'first'],
          [2, 'carol', 'second'],
        ],
      );
    });
  });
});
