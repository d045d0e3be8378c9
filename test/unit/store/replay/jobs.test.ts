// Time travel and the audit run on a replay worker of their own when the store has workers: the
// answer is the one this thread would give, this thread stays free while the worker reads the
// log, a query that runs too long is stopped, and nothing the worker does touches the live store.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { Worker } from 'node:worker_threads';
import type { ReplayResult } from '../../../../shared/protocol';
import type { ReplayWorkers } from '../../../../server/store';
import { FRAME_HEADER_SIZE, FRAME_MAGIC } from '../../../../server/store/framing';
import { describeFold, type FoldLimit } from '../../../../server/store/replay/fold';
import type { Store } from '../../../../server/store/store';
import { cleanTempDirs, crash, dumpTables, openStore, refusal, segmentFiles, tempDir } from '../helpers';
import { replayReadModels } from './readModels';

const WORKER = path.join(__dirname, 'worker.cjs');
/** Never ends: counts without bound. */
const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

function workers(without?: string): ReplayWorkers & { started: Worker[] } {
  const started: Worker[] = [];
  return {
    started,
    spawn: () => {
      const w = new Worker(WORKER, { workerData: { without } });
      started.push(w);
      return w;
    },
  };
}

/**
 * Appends one event after another for as long as `job` is under way (at least one), so the
 * worker's reads meet the writer's; returns how many.
 */
async function appendWhile(store: Store, job: Promise<unknown>): Promise<number> {
  let answered = false;
  const settled = (): void => void (answered = true);
  job.then(settled, settled);
  let late = 0;
  for (; !answered || late === 0; late++) await store.events.append(`note-late${late}`, [{ type: 'note.added', data: { id: `late${late}`, text: 'late' } }], 'any', { actor: 'b' });
  return late;
}

async function exited(w: Worker): Promise<void> {
  if (w.threadId === -1) return; // already gone
  await new Promise((resolve) => w.once('exit', resolve));
}

describe('time travel on a replay worker (Store.timeTravel)', function () {
  this.timeout(60_000);
  let store: Store;
  let w: ReturnType<typeof workers>;

  before(async () => {
    w = workers();
    store = await openStore(tempDir(), replayReadModels(), { replayWorkers: w, jobs: { queryTimeoutMs: 700 } });
    for (let i = 0; i < 300; i++) {
      const id = `n${i % 40}`;
      await store.events.appendMany(
        [
          { stream: `note-${id}`, events: [{ type: i % 3 === 2 ? 'note.edited' : 'note.added', data: { id, text: `text ${i}` } }], expectedVersion: 'any' },
          ...(i % 5 === 0 ? [{ stream: `$caslock-L${i % 4}`, events: [{ type: 'caslock.acquired', data: { name: `L${i % 4}`, holder: `h${i}`, expiresAt: 1_700_000_000_000 + i } }], expectedVersion: 'any' as const }] : []),
        ],
        { actor: `a${i % 3}` },
      );
    }
  });
  after(() => {
    crash(store);
    cleanTempDirs();
  });

  /** What the same request answers folded on this thread. */
  function here(limit: FoldLimit, sql?: string): ReplayResult {
    const folded = store.foldTo(limit);
    try {
      return describeFold(folded, sql);
    } finally {
      folded.db.close();
    }
  }

  it('answers what a fold on this thread answers, at the head, at a position and at a moment', async () => {
    const moment = store.events.read({ from: 120, limit: 1 })[0]!.ts;
    for (const [limit, sql] of [
      [{}, undefined],
      [{ to: 1 }, 'SELECT id, text FROM notes'],
      [{ to: 250 }, 'SELECT id, text, edits FROM notes ORDER BY id'],
      [{ at: moment }, 'SELECT name, holder FROM caslocks ORDER BY name'],
    ] as const) {
      const started = w.started.length;
      const onWorker = await store.timeTravel(limit, sql);
      assert.equal(w.started.length, started + 1, 'one worker per request');
      assert.deepEqual(onWorker, here(limit, sql), JSON.stringify(limit));
    }
    await Promise.all(w.started.map(exited));
  });

  it('folds the log as it stood when asked, while appends go on beside the worker', async () => {
    const head = store.head;
    const asked = store.timeTravel({}, 'SELECT id, text FROM notes ORDER BY id');
    const late = await appendWhile(store, asked);
    const answer = await asked;
    assert.equal(answer.position, head);
    assert.deepEqual(answer, here({ to: head }, 'SELECT id, text FROM notes ORDER BY id'));
    assert.equal(store.head, head + late);
    assert.ok(late > 10, `${late} appends while the worker folded`);
  });

  it('stops a query that runs past its time, refusing it, while this thread goes on serving', async () => {
    const started = Date.now();
    let turns = 0;
    const ticker = setInterval(() => (turns += 1), 10);
    const err = await refusal(() => store.timeTravel({}, ENDLESS));
    clearInterval(ticker);
    assert.equal(err.code, 'invalid_params');
    assert.match(err.message, /ran for more than 0\.7 s and was stopped/);
    assert.ok(err.hint);
    assert.ok(Date.now() - started < 10_000, 'stopped, not run to the end');
    assert.ok(turns >= 20, `the event loop kept turning meanwhile (${turns} turns)`);
    await exited(w.started.at(-1)!);
  });

  it('passes the worker\u2019s refusal of a query on as it stands', async () => {
    const err = await refusal(() => store.timeTravel({ to: 10 }, 'WITH x AS (SELECT 1) DELETE FROM notes'));
    assert.equal(err.code, 'invalid_params');
    assert.match(err.message, /this query would write/);
  });

  it('leaves the live read models untouched', async () => {
    const before = dumpTables(store, { withCheckpoints: true });
    const head = store.head;
    await store.timeTravel({ to: 5 }, 'SELECT count(*) FROM notes');
    assert.deepEqual(dumpTables(store, { withCheckpoints: true }), before);
    assert.equal(store.head, head);
  });

  it('fails as internal, with the reason, when the worker cannot fold (a read model it does not know)', async () => {
    const other = await openStore(tempDir(), replayReadModels(), { replayWorkers: workers('notes') });
    try {
      const err = await refusal(() => other.timeTravel({}));
      assert.equal(err.code, 'internal');
      assert.match(err.message, /does not know the read model notes/);
    } finally {
      crash(other);
    }
  });

  it('ends the folds under way when the store closes: they fail as unavailable', async () => {
    const wk = workers();
    const other = await openStore(tempDir(), replayReadModels(), { replayWorkers: wk, jobs: { queryTimeoutMs: 60_000 } });
    const pending = refusal(() => other.timeTravel({}, ENDLESS));
    while (wk.started.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 300));
    crash(other);
    const err = await pending;
    assert.equal(err.code, 'unavailable');
    await exited(wk.started[0]!);
    assert.equal((await refusal(() => other.timeTravel({}))).code, 'unavailable');
  });
});

describe('the audit on a replay worker (Store.audit)', function () {
  this.timeout(60_000);
  after(cleanTempDirs);

  async function storeWithEvents(n: number): Promise<{ store: Store; w: ReturnType<typeof workers> }> {
    const w = workers();
    const store = await openStore(tempDir(), replayReadModels(), { replayWorkers: w });
    for (let i = 0; i < n; i++) await store.events.append(`note-n${i % 7}`, [{ type: 'note.added', data: { id: `n${i % 7}`, text: `apple ${i}` } }], 'any', { actor: 'ann' });
    return { store, w };
  }

  it('reports what the audit on this thread reports, snapshots included, on a worker', async () => {
    const { store, w } = await storeWithEvents(120);
    try {
      store.snapshot();
      await store.snapshotsWritten();
      for (let i = 0; i < 30; i++) await store.events.append('note-x', [{ type: 'note.added', data: { id: 'x', text: 'after' } }], 'any', { actor: 'ann' });
      const report = await store.audit();
      assert.equal(w.started.length, 1);
      assert.deepEqual(report, store.verify());
      assert.equal(report.ok, true);
      assert.equal(report.events, store.head);
    } finally {
      crash(store);
    }
  });

  it('audits the log as it stood when asked, while appends go on beside the worker', async () => {
    const { store } = await storeWithEvents(200);
    try {
      const head = store.head;
      const asked = store.audit();
      const late = await appendWhile(store, asked);
      const report = await asked;
      assert.equal(report.ok, true, JSON.stringify(report.problem));
      assert.equal(report.events, head);
      assert.ok(late > 10, `${late} appends while the worker audited`);
    } finally {
      crash(store);
    }
  });

  it('finds a record altered on disk (its checksum fixed up) as the audit on this thread does', async () => {
    const { store } = await storeWithEvents(60);
    try {
      const file = segmentFiles(path.join(store.log.dir))[0]!;
      const buf = fs.readFileSync(file);
      const at = buf.indexOf('apple 30');
      buf.write('zpple 30', at, 'utf8');
      // The frame holding it starts after the last magic before it; its checksum is made to match.
      const magic = Buffer.alloc(4);
      magic.writeUInt32LE(FRAME_MAGIC, 0);
      const frame = buf.lastIndexOf(magic, at);
      const length = buf.readUInt32LE(frame + 4);
      buf.writeUInt32LE(crc32(buf.subarray(frame + 12, frame + FRAME_HEADER_SIZE + length)), frame + 8);
      fs.writeFileSync(file, buf);
      const report = await store.audit();
      assert.equal(report.ok, false);
      assert.match(report.problem!.reason, /hash chain broken/);
      assert.deepEqual(report, store.verify());
    } finally {
      crash(store);
    }
  });
});
