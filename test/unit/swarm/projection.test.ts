// The swarm's runs as a read model: the service starts from it, so a host restored from a
// snapshot knows every run (to show, explain and resume it) without reading the log.
import assert from 'node:assert/strict';
import { runEvents, swarmRunsProjection } from '../../../server/swarm/projection';
import { cleanTempDirs, crash, openStore, tempDir } from '../store/helpers';

const meta = { actor: 'swarm' };

describe('swarm runs read model', () => {
  after(cleanTempDirs);

  it("keeps each run's events whole and in log order, and only those of the swarm's own streams", async () => {
    const dir = tempDir();
    const store = await openStore(dir, [swarmRunsProjection]);
    await store.events.append('swarm-r1', [{ type: 'swarm.run.started', data: { run: 'r1' } }], 'any', meta);
    await store.events.append('swarm-r2', [{ type: 'swarm.run.started', data: { run: 'r2' } }], 'any', meta);
    await store.events.append('notes', [{ type: 'swarm.lookalike', data: {} }], 'any', meta);
    await store.events.append('swarm-r1', [{ type: 'swarm.cell.done', data: { cell: 'c1' } }, { type: 'swarm.run.finished', data: { status: 'done' } }], 'any', meta);
    const runs = runEvents(store.db);
    assert.deepEqual([...runs.keys()].sort(), ['r1', 'r2']);
    assert.deepEqual(runs.get('r1'), store.events.read({ stream: 'swarm-r1' }));
    assert.deepEqual(runs.get('r2'), store.events.read({ stream: 'swarm-r2' }));
    store.close();

    const reopened = await openStore(dir, [swarmRunsProjection]);
    try {
      assert.equal(reopened.opened.replayed, 0, 'from the snapshot, nothing read from the log');
      assert.deepEqual(runEvents(reopened.db), runs);
    } finally {
      crash(reopened);
    }
  });
});
