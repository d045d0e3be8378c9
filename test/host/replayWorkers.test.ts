// A host started on a long log with no snapshot replays it on worker threads that run the built
// worker bundle (dist/replay-worker.js), and ends with the read models a replay on one thread
// builds.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { hostProjections } from '../../server/main';
import { Store } from '../../server/store';
import { listSnapshots, readSnapshot } from '../../server/store/snapshot';
import { loadSqlJs } from '../../server/store/sqljs';
import { mixOp } from '../bench/support/eventMix';
import { writeLog } from '../bench/support/storeFixture';
import { dumpTables } from '../unit/store/helpers';
import { cleanUp, ensureCliBuilt, startServe, stopHost, tempWorkspace } from '../support/host';

// Past the host's threshold for workers (64 MiB of log): about 330 bytes an event in this mix.
const EVENTS = 210_000;

describe('replay on worker threads (apiary serve)', function () {
  this.timeout(120_000);
  before(ensureCliBuilt);
  after(cleanUp);

  it('replays a long log on the worker bundle and builds what a replay on one thread builds', async function () {
    if (os.availableParallelism() < 2) this.skip(); // one core: the host replays on its own thread
    const ws = tempWorkspace();
    const dir = path.join(ws, '.apiary');
    await writeLog(dir, EVENTS, mixOp);
    const host = await startServe(ws);
    await stopHost(host); // a clean stop writes a snapshot of the read models
    assert.match(host.stderr(), new RegExp(`replayed ${EVENTS} events in \\d+ ms on \\d worker threads`), host.stderr());
    assert.doesNotMatch(host.stderr(), /replaying on the main thread/);

    const SQL = await loadSqlJs();
    const [newest] = listSnapshots(path.join(dir, 'snapshots'));
    const snap = readSnapshot(newest!);
    if ('error' in snap) throw new Error(snap.error);
    const served = new SQL.Database(snap.db);
    // The same log, replayed on this thread from a copy without the host's snapshot.
    const reference = await Store.open({ dir, projections: hostProjections(), ignoreSnapshots: true, snapshotEvery: Number.MAX_SAFE_INTEGER, snapshotAfterMs: 0 });
    try {
      assert.equal(reference.opened.workers, 0);
      assert.deepEqual(dumpTables(served, { withCheckpoints: true }), dumpTables(reference, { withCheckpoints: true }));
    } finally {
      reference.discard();
      served.close();
    }
  });
});
