// A replay from the start of a long log can run on worker threads: the main thread reads the log
// and routes each event to the worker that builds its read models, and the workers' databases are
// merged. Whatever the split, the result must be exactly what a replay on the main thread builds,
// and any trouble with the workers must cost time only: the replay then runs on the main thread.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database } from 'sql.js';
import type { ReplayWorkers } from '../../../../server/store';
import type { AppendOp } from '../../../../server/store/eventStore';
import type { Store } from '../../../../server/store/store';
import { cleanTempDirs, dumpTables, openStore, segmentFiles, tempDir } from '../helpers';
import { replayReadModels } from './readModels';

const WORKER = path.join(__dirname, 'worker.cjs');

/** Workers as the specs start them, counted so a spec can see they all stopped. */
function workers(opts: Partial<ReplayWorkers> & { without?: string } = {}): ReplayWorkers & { started: Worker[] } {
  const started: Worker[] = [];
  return {
    started,
    minBytes: 0,
    max: 3,
    spawn: () => {
      const w = new Worker(WORKER, { workerData: { without: opts.without } });
      started.push(w);
      return w;
    },
    ...opts,
  };
}

/** The i-th step of a mix that touches every read model, with multi-event transactions and heads that need decoding. */
function op(i: number): AppendOp[] {
  const note = `n${i % 37}`;
  switch (i % 10) {
    case 0:
      return [{ stream: `note-${note}`, events: [{ type: 'note.added', data: { id: note, text: `text ${i}` } }], expectedVersion: 'any' }];
    case 1:
      return [{ stream: `note-${note}`, events: [{ type: 'note.edited', data: { id: note, text: `edit ${i}` } }], expectedVersion: 'any' }];
    case 2:
      // Two streams in one transaction: one frame, several events.
      return [
        { stream: `$mailbox-inbox-${i % 3}`, events: [{ id: `mail:inbox-${i % 3}:m${i}`, type: 'mailbox.sent', data: { mailbox: `inbox-${i % 3}`, id: `m${i}`, body: { n: i } } }], expectedVersion: 'any' },
        { stream: `note-${note}`, events: [{ type: 'note.removed', data: { id: note } }], expectedVersion: 'any' },
      ];
    case 3:
      return [{ stream: `$mailbox-inbox-${i % 3}`, events: [{ id: `ack:inbox-${i % 3}:w:m${i - 1}`, type: 'mailbox.acked', data: { mailbox: `inbox-${i % 3}`, consumer: 'w', id: `m${i - 1}` } }], expectedVersion: 'any' }];
    case 4:
      return [{ stream: `$caslock-L${i % 4}`, events: [{ type: 'caslock.acquired', data: { name: `L${i % 4}`, holder: `h${i % 5}`, expiresAt: 1_700_000_000_000 + i } }], expectedVersion: 'any' }];
    case 5:
      return [{ stream: `$deferred-d${i}`, events: [{ type: 'deferred.created', data: { id: `d${i}`, data: { i }, timeoutAt: null, onTimeout: null } }], expectedVersion: 'any' }];
    case 6:
      return [{ stream: `$deferred-d${i - 1}`, events: [{ type: 'deferred.resolved', data: { id: `d${i - 1}`, value: i } }], expectedVersion: 'any' }];
    case 7:
      // A stream name with a quote: its head cannot be read without decoding.
      return [{ stream: `odd-"${i % 3}"`, events: [{ type: 'brittle.seen', data: {} }], expectedVersion: 'any' }];
    case 8:
      return [{ stream: `$cursor-c${i % 2}`, events: [{ type: 'cursor.committed', data: { name: `c${i % 2}`, position: i } }], expectedVersion: 'any' }];
    default:
      return [{ stream: `task-${i % 11}`, events: [{ id: `progress-${i}`, type: 'work.progress', data: { i } }], expectedVersion: 'any' }];
  }
}

async function writeLog(dir: string, steps: number, extra: (i: number) => AppendOp[] = () => [], maxSegmentBytes?: number): Promise<void> {
  const store = await openStore(dir, replayReadModels(), { maxSegmentBytes });
  for (let from = 0; from < steps; from += 500) {
    const batch: Array<Promise<unknown>> = [];
    for (let i = from; i < Math.min(steps, from + 500); i++) batch.push(store.events.appendMany([...op(i), ...extra(i)], { actor: `a${i % 3}` }));
    await Promise.all(batch);
  }
  store.discard(); // no snapshot: the next open replays the whole log
}

function schema(db: Database): unknown[][] {
  return db.exec("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")[0]!.values;
}

/** Everything a replay produces that later requests depend on. */
function state(store: Store): unknown {
  return {
    tables: dumpTables(store, { withCheckpoints: true }),
    schema: schema(store.db),
    projections: store.projections(),
    index: store.events.index.toJSON(),
    head: store.head,
    replayed: store.opened.replayed,
  };
}

describe('parallel replay (worker threads)', function () {
  this.timeout(60_000);
  after(cleanTempDirs);

  it('builds exactly the read models, checkpoints and stream index a replay on the main thread builds', async () => {
    const dir = tempDir();
    // More frames than the sample the split is decided on, so both paths of the routing run.
    await writeLog(dir, 6000);
    const here = await openStore(dir, replayReadModels());
    const expected = state(here);
    here.discard();
    for (const max of [1, 2, 3]) {
      const w = workers({ max });
      const warnings: string[] = [];
      const there = await openStore(dir, replayReadModels(), { replayWorkers: w, onWarning: (m) => warnings.push(m) });
      assert.equal(w.started.length, max, `${max} workers started`);
      assert.equal(there.opened.workers, max, 'and built read models');
      assert.deepEqual(warnings, []);
      assert.deepEqual(state(there), expected, `${max} workers`);
      there.discard();
    }
  });

  it('reads a log of many segments the same way: the frames it holds back are its own, not the read buffer', async () => {
    const dir = tempDir();
    // 16 KiB segments: the sample the split waits for spans dozens of them, and the log reads
    // each segment into the buffer the previous one was in.
    await writeLog(dir, 6000, undefined, 16 * 1024);
    assert.ok(segmentFiles(path.join(dir, 'log')).length > 50, 'many segments');
    const here = await openStore(dir, replayReadModels(), { maxSegmentBytes: 16 * 1024 });
    const expected = state(here);
    here.discard();
    const there = await openStore(dir, replayReadModels(), { maxSegmentBytes: 16 * 1024, replayWorkers: workers({ max: 2 }) });
    assert.equal(there.opened.workers, 2);
    assert.deepEqual(state(there), expected);
    there.discard();
  });

  it('leaves a store that appends, checks versions and remembers ids as one replayed on the main thread', async () => {
    const dir = tempDir();
    await writeLog(dir, 300);
    const store = await openStore(dir, replayReadModels(), { replayWorkers: workers() });
    const version = store.events.index.version('note-n1');
    await assert.rejects(store.events.append('note-n1', [{ type: 'note.edited', data: { id: 'n1' } }], version - 1, { actor: 'a' }), /version/);
    const again = await store.events.append('task-9', [{ id: 'progress-9', type: 'work.progress', data: {} }], 'any', { actor: 'a' });
    assert.equal(again.duplicate, true, 'an id from the replayed log is known');
    await store.events.append('note-n1', [{ type: 'note.added', data: { id: 'n1', text: 'after' } }], version, { actor: 'a' });
    assert.equal(store.db.exec("SELECT text FROM notes WHERE id = 'n1'")[0]!.values[0]![0], 'after', 'the read models take new events');
    store.close();
    // The snapshot the close wrote restores the same models.
    const reopened = await openStore(dir, replayReadModels(), { replayWorkers: workers() });
    assert.equal(reopened.opened.replayed, 0);
    assert.equal(reopened.db.exec("SELECT text FROM notes WHERE id = 'n1'")[0]!.values[0]![0], 'after');
    reopened.discard();
  });

  it('faults a read model at the event it fails on and reports it, as the main thread would', async () => {
    const dir = tempDir();
    await writeLog(dir, 400, (i) => (i === 217 ? [{ stream: 'brittle', events: [{ id: 'bad-one', type: 'brittle.hit', data: { fail: true } }], expectedVersion: 'any' }] : []));
    const seen = (errors: string[]) => (p: string, e: { position: number; id: string }, err: unknown) => errors.push(`${p}@${e.position}:${e.id}:${(err as Error).message}`);
    const hereErrors: string[] = [];
    const here = await openStore(dir, replayReadModels(), { onProjectionError: seen(hereErrors) });
    const expected = state(here);
    here.discard();
    const thereErrors: string[] = [];
    const warnings: string[] = [];
    const there = await openStore(dir, replayReadModels(), { replayWorkers: workers(), onProjectionError: seen(thereErrors), onWarning: (m) => warnings.push(m) });
    assert.deepEqual(warnings, [], 'built on the workers');
    assert.match(String(there.projections().find((p) => p.name === 'brittle')?.faulted), /cannot take bad-one/);
    assert.deepEqual(state(there), expected);
    assert.deepEqual(thereErrors, hereErrors);
    assert.equal(thereErrors.length, 1);
    there.discard();
  });

  describe('falls back to the main thread, with a warning, and the same result', () => {
    let dir: string;
    let expected: unknown;
    before(async () => {
      dir = tempDir();
      await writeLog(dir, 300);
      const here = await openStore(dir, replayReadModels());
      expected = state(here);
      here.discard();
    });

    const cases: Array<[string, () => ReplayWorkers, RegExp]> = [
      [
        'when a worker cannot be started',
        () =>
          workers({
            spawn: () => {
              throw new Error('no threads here');
            },
          }),
        /did not start: no threads here/,
      ],
      ['when a worker dies', () => workers({ spawn: () => new Worker('process.exit(3)', { eval: true }) }), /exited \(code 3\)/],
      ['when a worker does not know a read model', () => workers({ without: 'notes' }), /does not know the read model notes/],
    ];
    for (const [name, make, reason] of cases) {
      it(name, async () => {
        const warnings: string[] = [];
        const store = await openStore(dir, replayReadModels(), { replayWorkers: make(), onWarning: (m) => warnings.push(m) });
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0]!, /replaying on the main thread/);
        assert.match(warnings[0]!, reason);
        assert.deepEqual(state(store), expected);
        store.discard();
      });
    }
  });

  it('fails the open on a corrupt log as the main thread does, and stops its workers', async () => {
    const dir = tempDir();
    await writeLog(dir, 300);
    const [segment] = segmentFiles(path.join(dir, 'log'));
    const bytes = fs.readFileSync(segment!);
    bytes[Math.floor(bytes.length / 3)]! ^= 0xff; // inside an acknowledged record, with records after it
    fs.writeFileSync(segment!, bytes);
    const hereError = await openStore(dir, replayReadModels()).then(
      () => null,
      (err: Error) => err.message,
    );
    assert.ok(hereError, 'the main thread refuses the log');
    const w = workers();
    await assert.rejects(openStore(dir, replayReadModels(), { replayWorkers: w }), (err: Error) => err.message === hereError);
    await Promise.all(w.started.map((worker) => new Promise((resolve) => (worker.threadId === -1 ? resolve(null) : worker.once('exit', resolve)))));
  });

  it('stays on the main thread for a short log, and when a snapshot covers the start', async () => {
    const dir = tempDir();
    await writeLog(dir, 200);
    const short = workers({ minBytes: 1024 * 1024 * 1024 });
    (await openStore(dir, replayReadModels(), { replayWorkers: short })).close(); // writes a snapshot
    assert.equal(short.started.length, 0, 'below minBytes');
    const snapshotted = workers();
    const store = await openStore(dir, replayReadModels(), { replayWorkers: snapshotted });
    assert.equal(snapshotted.started.length, 0, 'from the snapshot');
    store.discard();
  });
});
