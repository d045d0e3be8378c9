import assert from 'node:assert/strict';
import { decideClaim, sweepExpiredClaims } from '../../../server/hive/core/claims';
import { hiveView } from '../../../server/hive/queries';
import { refusal, TestHive } from './harness';

const iso = (ms: number) => new Date(ms).toISOString();

describe('hive claims', () => {
  it('are leases: the holder becomes the assignee until now + ttl', async () => {
    const hive = await TestHive.create();
    const id = hive.create('task');
    hive.run('apiary/hive/claim', { id, ttlSeconds: 120 }, 'bob');
    const cell = hive.cell(id);
    assert.deepEqual(cell.claim, { holder: 'bob', claimedAt: iso(hive.now), expiresAt: iso(hive.now + 120_000) });
    assert.equal(cell.assignee, 'bob');
  });

  it('refuse a second agent while the claim is live, naming the holder and the expiry', async () => {
    const hive = await TestHive.create();
    const id = hive.create('task');
    hive.run('apiary/hive/claim', { id, ttlSeconds: 60 }, 'bob');
    hive.advance(30_000);
    const err = refusal(() => hive.run('apiary/hive/claim', { id }, 'carol'));
    assert.equal(err.code, 'conflict');
    assert.ok(err.message.includes('bob'), err.message);
    assert.ok(err.message.includes(iso(hive.now + 30_000)), err.message);
    assert.deepEqual(err.details, { id, holder: 'bob', expiresAt: iso(hive.now + 30_000) });
  });

  it('let exactly one of two racing agents win: both decide on the same state, the second append is re-decided', async () => {
    const hive = await TestHive.create();
    const id = hive.create('task');
    const view = hiveView(hive.db);
    const cmd = { id, ttlSeconds: 60 };
    const bob = decideClaim(cmd, view, { now: hive.now, actor: 'bob' });
    const carol = decideClaim(cmd, view, { now: hive.now, actor: 'carol' });
    assert.equal(bob.length, 1);
    assert.equal(carol.length, 1);
    // The store accepts bob's append at the version both read; carol's append at that version is
    // rejected (wrong_expected_version), so the host decides again on the new state.
    hive.append(bob, 'bob');
    const again = refusal(() => decideClaim(cmd, hiveView(hive.db), { now: hive.now, actor: 'carol' }));
    assert.equal(again.code, 'conflict');
    assert.equal(hive.cell(id).claim?.holder, 'bob');
  });

  it('renew when the holder claims again', async () => {
    const hive = await TestHive.create();
    const id = hive.create('task');
    hive.run('apiary/hive/claim', { id, ttlSeconds: 60 }, 'bob');
    hive.advance(50_000);
    const [event] = hive.run('apiary/hive/claim', { id, ttlSeconds: 60 }, 'bob');
    assert.equal(event?.type, 'hive.claim.renewed');
    assert.equal(hive.cell(id).claim?.expiresAt, iso(hive.now + 60_000));
  });

  it('extend with heartbeats, which only the holder may send and only while live', async () => {
    const hive = await TestHive.create();
    const id = hive.create('task');
    hive.run('apiary/hive/claim', { id, ttlSeconds: 60 }, 'bob');
    const updatedAt = hive.cell(id).updatedAt;
    hive.advance(45_000);
    hive.run('apiary/hive/heartbeat', { id, ttlSeconds: 60 }, 'bob');
    assert.equal(hive.cell(id).claim?.expiresAt, iso(hive.now + 60_000));
    assert.equal(hive.cell(id).updatedAt, updatedAt, 'a heartbeat does not touch the shared record');
    assert.match(refusal(() => hive.run('apiary/hive/heartbeat', { id }, 'carol')).message, /claimed by bob, not carol/);
    hive.advance(60_000);
    const late = refusal(() => hive.run('apiary/hive/heartbeat', { id }, 'bob'));
    assert.equal(late.code, 'conflict');
    assert.match(late.message, /expired/);
    assert.match(late.hint ?? '', /claim it again/);
  });

  it('expire: the sweep names every lapsed claim and returns started work to open', async () => {
    const hive = await TestHive.create();
    const idle = hive.create('idle');
    const started = hive.create('started');
    const fresh = hive.create('fresh');
    hive.run('apiary/hive/claim', { id: idle, ttlSeconds: 60 }, 'bob');
    hive.run('apiary/hive/claim', { id: started, ttlSeconds: 60 }, 'carol');
    hive.run('apiary/hive/update', { id: started, status: 'in_progress' }, 'carol');
    hive.advance(30_000);
    hive.run('apiary/hive/claim', { id: fresh, ttlSeconds: 60 }, 'dave');
    assert.deepEqual(sweepExpiredClaims(hiveView(hive.db), hive.now), []);

    hive.advance(30_000);
    const events = sweepExpiredClaims(hiveView(hive.db), hive.now);
    assert.deepEqual(
      events.map((e) => [e.type, e.data.id, e.data.holder, e.data.reopened]),
      [
        ['hive.claim.expired', idle, 'bob', false],
        ['hive.claim.expired', started, 'carol', true],
      ],
    );
    hive.append(events, 'host');
    assert.equal(hive.cell(started).status, 'open');
    assert.equal(hive.cell(started).claim, null);
    assert.equal(hive.cell(started).assignee, null);
    assert.deepEqual(hive.readyIds().sort(), [idle, started].sort());
    assert.deepEqual(sweepExpiredClaims(hiveView(hive.db), hive.now), [], 'a swept claim is not swept twice');
  });

  it('let another agent take over a lapsed claim, recording the expiry first', async () => {
    const hive = await TestHive.create();
    const id = hive.create('task');
    hive.run('apiary/hive/claim', { id, ttlSeconds: 60 }, 'bob');
    hive.advance(61_000);
    const events = hive.run('apiary/hive/claim', { id }, 'carol');
    assert.deepEqual(events.map((e) => e.type), ['hive.claim.expired', 'hive.cell.claimed']);
    assert.equal(hive.cell(id).claim?.holder, 'carol');
    assert.equal(hive.cell(id).assignee, 'carol');
  });

  it('release: the cell returns to the queue unassigned', async () => {
    const hive = await TestHive.create();
    const id = hive.create('task');
    hive.run('apiary/hive/claim', { id }, 'bob');
    assert.equal(refusal(() => hive.run('apiary/hive/release', { id }, 'carol')).code, 'conflict');
    hive.run('apiary/hive/release', { id }, 'bob');
    assert.equal(hive.cell(id).claim, null);
    assert.equal(hive.cell(id).assignee, null);
    assert.deepEqual(hive.readyIds(), [id]);
  });

  it('refuse claiming blocked or closed cells', async () => {
    const hive = await TestHive.create();
    const blocker = hive.create('blocker');
    const waiting = hive.create('waiting', { dependsOn: [blocker] });
    const err = refusal(() => hive.run('apiary/hive/claim', { id: waiting }));
    assert.equal(err.code, 'conflict');
    assert.ok(err.message.includes(`blocked by ${blocker}`), err.message);
    hive.run('apiary/hive/close', { id: blocker });
    assert.match(refusal(() => hive.run('apiary/hive/claim', { id: blocker })).message, /closed/);
  });

  it('are cleared by closing the cell', async () => {
    const hive = await TestHive.create();
    const id = hive.create('task');
    hive.run('apiary/hive/claim', { id }, 'bob');
    hive.run('apiary/hive/close', { id }, 'bob');
    assert.equal(hive.cell(id).claim, null);
    assert.deepEqual(sweepExpiredClaims(hiveView(hive.db), hive.now + 3_600_000), []);
  });
});
