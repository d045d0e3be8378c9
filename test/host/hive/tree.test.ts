// The tree request views refresh from: every cell, what blocks each blocked one, and the ready
// queue, in one answer that follows the hive as it changes.
import assert from 'node:assert/strict';
import { HiveClaimRequest, HiveCloseRequest, HiveCreateEpicRequest, HiveCreateRequest } from '../../../shared/hive';
import { HiveTreeRequest } from '../../../shared/hiveViews';
import { cleanUp } from '../../support/host';
import { type HiveHost, startHiveHost } from './helpers';

describe('the hive tree request', function () {
  this.timeout(30_000);
  let h: HiveHost;

  beforeEach(async () => {
    h = await startHiveHost();
  });
  afterEach(async () => {
    await h.stop();
    await cleanUp();
  });

  it('answers cells, blockers and the ready queue, and follows closes and claims', async () => {
    const c = await h.client('alice');
    const { epic, subtasks } = await c.conn.sendRequest(HiveCreateEpicRequest, {
      title: 'Release',
      priority: 1,
      subtasks: [{ title: 'build' }, { title: 'publish', dependsOn: [1] }],
    });
    const [build, publish] = subtasks.map((s) => s.id) as [string, string];
    const loose = (await c.conn.sendRequest(HiveCreateRequest, { title: 'tidy up', priority: 4 })).cell.id;

    let tree = await c.conn.sendRequest(HiveTreeRequest, {});
    assert.equal(tree.total, 4);
    assert.deepEqual(tree.cells.map((x) => x.id), [epic.id, build, publish, loose], 'most urgent first, then oldest');
    assert.deepEqual(tree.blockedBy, { [publish]: [build] });
    assert.deepEqual(tree.ready, [epic.id, build, loose]);
    assert.equal(tree.position, h.host.store.head);

    await c.conn.sendRequest(HiveClaimRequest, { id: build });
    await c.conn.sendRequest(HiveCloseRequest, { id: build, reason: 'built' });
    tree = await c.conn.sendRequest(HiveTreeRequest, {});
    assert.deepEqual(tree.blockedBy, {});
    assert.deepEqual(tree.ready, [epic.id, publish, loose]);
    assert.equal(tree.cells.find((x) => x.id === build)?.status, 'closed');
    const open = await c.conn.sendRequest(HiveTreeRequest, { includeClosed: false });
    assert.deepEqual(open.cells.map((x) => x.id), [epic.id, publish, loose]);
  });
});
