import assert from 'node:assert/strict';
import { Deferreds } from '../../../../server/store/primitives/deferred';
import { primitiveProjections } from '../../../../server/store';
import type { Store } from '../../../../server/store/store';
import { cleanTempDirs, crash, openStore, refusal, sleep, tempDir } from '../helpers';

describe('deferred (a promise addressed by id, in the log)', () => {
  let dir: string;
  let store: Store;
  let deferreds: Deferreds;
  const errors: unknown[] = [];
  const open = async (): Promise<void> => {
    store = await openStore(dir, primitiveProjections);
    deferreds = new Deferreds(store, Date.now, (e) => errors.push(e));
  };
  const restart = async (how: 'close' | 'crash'): Promise<void> => {
    deferreds.dispose();
    if (how === 'close') store.close();
    else crash(store);
    await open();
  };
  beforeEach(async () => {
    dir = tempDir();
    errors.length = 0;
    await open();
  });
  afterEach(() => {
    deferreds.dispose();
    crash(store);
    assert.deepEqual(errors, []);
  });
  after(cleanTempDirs);

  it('is created pending with its data and creator', async () => {
    const d = await deferreds.create({ id: 'approve-1', data: { question: 'ship it?' } }, 'worker');
    assert.deepEqual(
      { status: d.status, data: d.data, createdBy: d.createdBy, settledBy: d.settledBy, timeoutAt: d.timeoutAt },
      { status: 'pending', data: { question: 'ship it?' }, createdBy: 'worker', settledBy: null, timeoutAt: null },
    );
    assert.deepEqual(
      deferreds.pending().map((p) => p.id),
      ['approve-1'],
    );
  });

  it('refuses a second deferred with the same id', async () => {
    await deferreds.create({ id: 'x' }, 'a');
    assert.equal((await refusal(() => deferreds.create({ id: 'x' }, 'b'))).code, 'conflict');
  });

  it('is resolved by another actor, and a waiter hears the value', async () => {
    await deferreds.create({ id: 'q' }, 'worker');
    const waiting = deferreds.wait('q');
    const settled = await deferreds.resolve('q', { answer: 42 }, 'human');
    assert.deepEqual([settled.status, settled.value, settled.settledBy], ['resolved', { answer: 42 }, 'human']);
    const heard = await waiting;
    assert.deepEqual([heard.status, heard.value], ['resolved', { answer: 42 }]);
    assert.deepEqual(deferreds.pending(), []);
  });

  it('is rejected by another actor with a reason', async () => {
    await deferreds.create({ id: 'q' }, 'worker');
    const waiting = deferreds.wait('q');
    await deferreds.reject('q', 'too risky', 'human');
    const heard = await waiting;
    assert.deepEqual([heard.status, heard.reason, heard.settledBy], ['rejected', 'too risky', 'human']);
  });

  it('lets exactly one of several concurrent settlements win', async () => {
    await deferreds.create({ id: 'q' }, 'worker');
    const results = await Promise.allSettled([
      deferreds.resolve('q', 'yes', 'ann'),
      deferreds.reject('q', 'no', 'bob'),
      deferreds.resolve('q', 'maybe', 'cy'),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'conflict');
    assert.equal(store.events.version('$deferred-q'), 2);
    assert.equal(deferreds.get('q')!.settledBy, 'ann');
  });

  it('refuses to settle one that is already settled, or one that does not exist', async () => {
    await deferreds.create({ id: 'q' }, 'worker');
    await deferreds.resolve('q', 1, 'ann');
    const head = store.head;
    const again = await refusal(() => deferreds.reject('q', 'late', 'bob'));
    assert.equal(again.code, 'conflict');
    assert.match(again.message, /already resolved \(by ann\)/);
    assert.equal((await refusal(() => deferreds.resolve('nope', 1, 'ann'))).code, 'not_found');
    assert.equal((await refusal(() => deferreds.wait('nope'))).code, 'not_found');
    assert.equal(store.head, head);
  });

  it('answers a wait at once when already settled, and a bounded wait with the pending state when time runs out', async () => {
    await deferreds.create({ id: 'done' }, 'w');
    await deferreds.resolve('done', 'v', 'h');
    assert.equal((await deferreds.wait('done')).status, 'resolved');
    await deferreds.create({ id: 'open' }, 'w');
    const started = Date.now();
    const s = await deferreds.wait('open', 50);
    assert.equal(s.status, 'pending');
    assert.ok(Date.now() - started >= 45);
  });

  it('times out with the default outcome (rejected, "timed out")', async () => {
    await deferreds.create({ id: 'q', timeoutMs: 60 }, 'worker');
    const s = await deferreds.wait('q');
    assert.deepEqual([s.status, s.reason, s.settledBy], ['timed_out', 'timed out', 'host']);
  });

  it('times out with the outcome it was created with', async () => {
    await deferreds.create({ id: 'q', timeoutMs: 40, onTimeout: { outcome: 'resolved', value: { approved: true } } }, 'worker');
    const s = await deferreds.wait('q');
    assert.deepEqual([s.status, s.value], ['timed_out', { approved: true }]);
  });

  it('does not time out once settled', async () => {
    await deferreds.create({ id: 'q', timeoutMs: 40 }, 'worker');
    await deferreds.resolve('q', 'in time', 'human');
    await sleep(80);
    assert.equal(deferreds.get('q')!.status, 'resolved');
    assert.equal(store.events.version('$deferred-q'), 2);
  });

  it('survives a restart: still pending, and settled afterwards by another actor', async () => {
    await deferreds.create({ id: 'q', data: { ask: 'merge?' } }, 'worker');
    await restart('crash');
    assert.equal(deferreds.get('q')!.status, 'pending');
    const waiting = deferreds.wait('q');
    await deferreds.resolve('q', 'merged', 'human');
    assert.equal((await waiting).value, 'merged');
    await restart('close');
    assert.deepEqual([deferreds.get('q')!.status, deferreds.get('q')!.value], ['resolved', 'merged']);
  });

  it('fires its timeout after a restart, at the time it was given', async () => {
    const created = Date.now();
    await deferreds.create({ id: 'q', timeoutMs: 300 }, 'worker');
    await restart('crash');
    assert.equal(deferreds.get('q')!.status, 'pending');
    const s = await deferreds.wait('q');
    assert.equal(s.status, 'timed_out');
    assert.ok(Date.parse(s.settledAt!) >= created + 290, 'not before its time');
  });

  it('fires at once on start when its timeout passed while the host was down', async () => {
    await deferreds.create({ id: 'q', timeoutMs: 50, onTimeout: { outcome: 'rejected', reason: 'nobody answered' } }, 'worker');
    deferreds.dispose();
    crash(store);
    await sleep(120);
    await open();
    const s = await deferreds.wait('q', 1000);
    assert.deepEqual([s.status, s.reason], ['timed_out', 'nobody answered']);
  });
});
