import assert from 'node:assert/strict';
import { findCycle, formatCycle } from '../../../server/hive/core/cycles';
import { refusal, TestHive } from './harness';

const graph = (edges: Record<string, string[]>) => (id: string) => edges[id] ?? [];

describe('hive dependency cycles', () => {
  it('find the cycle a new edge would close, starting and ending at the dependent', () => {
    assert.deepEqual(findCycle('b', 'a', graph({ a: ['b'] })), ['b', 'a', 'b']);
    assert.deepEqual(findCycle('c', 'a', graph({ a: ['b'], b: ['c'] })), ['c', 'a', 'b', 'c']);
    assert.equal(findCycle('a', 'c', graph({ a: ['b'], b: ['c'] })), null);
    assert.equal(formatCycle(['ap-1', 'ap-2', 'ap-1']), 'ap-1 → ap-2 → ap-1');
  });

  it('name the shortest cycle when several exist', () => {
    const g = graph({ a: ['x', 'b'], x: ['y'], y: ['b'], b: ['z'] });
    assert.deepEqual(findCycle('z', 'a', g), ['z', 'a', 'b', 'z']);
  });

  it('refuse a blocking dependency that closes a cycle, naming it, and change nothing', async () => {
    const hive = await TestHive.create();
    const a = hive.create('A');
    const b = hive.create('B');
    hive.run('apiary/hive/depAdd', { id: a, dependsOn: b });
    const before = hive.log.length;
    const err = refusal(() => hive.run('apiary/hive/depAdd', { id: b, dependsOn: a }));
    assert.equal(err.code, 'conflict');
    assert.ok(err.message.includes(`${b} → ${a} → ${b}`), err.message);
    assert.deepEqual(err.details?.cycle, [b, a, b]);
    assert.equal(hive.log.length, before);
    assert.deepEqual(hive.cell(b).dependencies, []);
  });

  it('see cycles through parents as well as blocks', async () => {
    const hive = await TestHive.create();
    const epic = hive.create('Epic', { type: 'epic' });
    const child = hive.create('Child', { parent: epic });
    const err = refusal(() => hive.run('apiary/hive/depAdd', { id: epic, dependsOn: child }));
    assert.ok(err.message.includes(`${epic} → ${child} → ${epic}`), err.message);
    const reparent = refusal(() => hive.run('apiary/hive/update', { id: epic, parent: child }));
    assert.equal(reparent.code, 'conflict');
    assert.match(reparent.message, /cycle/);
  });

  it('find longer cycles', async () => {
    const hive = await TestHive.create();
    const [a, b, c] = [hive.create('A'), hive.create('B'), hive.create('C')];
    hive.run('apiary/hive/depAdd', { id: a, dependsOn: b });
    hive.run('apiary/hive/depAdd', { id: b, dependsOn: c });
    const err = refusal(() => hive.run('apiary/hive/depAdd', { id: c, dependsOn: a }));
    assert.ok(err.message.includes(`${c} → ${a} → ${b} → ${c}`), err.message);
  });

  it('allow related and discovered-from links in both directions', async () => {
    const hive = await TestHive.create();
    const a = hive.create('A');
    const b = hive.create('B');
    hive.run('apiary/hive/depAdd', { id: a, dependsOn: b, type: 'related' });
    hive.run('apiary/hive/depAdd', { id: b, dependsOn: a, type: 'related' });
    hive.run('apiary/hive/depAdd', { id: b, dependsOn: a, type: 'discovered-from' });
    assert.deepEqual(
      hive.cell(b).dependencies.map((d) => d.type),
      ['discovered-from', 'related'],
    );
  });

  it('refuse a cell depending on itself', async () => {
    const hive = await TestHive.create();
    const a = hive.create('A');
    assert.equal(refusal(() => hive.run('apiary/hive/depAdd', { id: a, dependsOn: a })).code, 'invalid_params');
  });

  it('refuse sibling subtasks waiting for each other in an epic', async () => {
    const hive = await TestHive.create();
    const err = refusal(() =>
      hive.run('apiary/hive/createEpic', {
        title: 'Loop',
        subtasks: [
          { title: 'one', dependsOn: [2] },
          { title: 'two', dependsOn: [1] },
        ],
      }),
    );
    assert.equal(err.code, 'conflict');
    assert.match(err.message, /\.1 → ap-[0-9a-z]+\.2 → ap-[0-9a-z]+\.1/);
    assert.equal(hive.log.length, 0);
  });
});
