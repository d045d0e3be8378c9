import assert from 'node:assert/strict';
import { CELL_STATUSES } from '../../../shared/hive';
import { canTransition } from '../../../server/hive/core/transitions';
import { listCells } from '../../../server/hive/queries';
import { refusal, TestHive } from './harness';

describe('hive status transitions', () => {
  it('allow open work to move between open, in_progress and blocked, and to close or be deleted', () => {
    for (const from of ['open', 'in_progress', 'blocked'] as const) {
      for (const to of CELL_STATUSES) assert.equal(canTransition(from, to), to !== from, `${from} → ${to}`);
    }
  });

  it('let a closed cell only be reopened', () => {
    assert.deepEqual(
      CELL_STATUSES.filter((to) => canTransition('closed', to)),
      ['open'],
    );
  });

  it('never change a tombstone', () => {
    assert.deepEqual(
      CELL_STATUSES.filter((to) => canTransition('deleted', to)),
      [],
    );
  });

  it('refuse starting a closed cell with a hint to reopen it, and change nothing', async () => {
    const hive = await TestHive.create();
    const id = hive.create('Ship it');
    hive.run('apiary/hive/close', { id, reason: 'done' });
    const before = hive.log.length;
    const err = refusal(() => hive.run('apiary/hive/update', { id, status: 'in_progress' }));
    assert.equal(err.code, 'conflict');
    assert.match(err.message, /closed to in_progress/);
    assert.match(err.hint ?? '', /reopen/);
    assert.equal(hive.log.length, before);
    assert.equal(hive.cell(id).status, 'closed');
  });

  it('refuse closing twice', async () => {
    const hive = await TestHive.create();
    const id = hive.create('Ship it');
    hive.run('apiary/hive/close', { id });
    const err = refusal(() => hive.run('apiary/hive/close', { id }));
    assert.equal(err.code, 'conflict');
    assert.match(err.hint ?? '', /already closed/);
  });

  it('record the close reason and time, and clear them on reopen', async () => {
    const hive = await TestHive.create();
    const id = hive.create('Ship it');
    hive.advance(60_000);
    hive.run('apiary/hive/close', { id, reason: 'merged in #12' });
    const closed = hive.cell(id);
    assert.equal(closed.status, 'closed');
    assert.equal(closed.closeReason, 'merged in #12');
    assert.equal(closed.closedAt, new Date(hive.now).toISOString());
    hive.advance(60_000);
    hive.run('apiary/hive/reopen', { id });
    const reopened = hive.cell(id);
    assert.equal(reopened.status, 'open');
    assert.equal(reopened.closedAt, null);
    assert.equal(reopened.closeReason, null);
    assert.equal(reopened.updatedAt, new Date(hive.now).toISOString());
  });

  it('refuse reopening a cell that is not closed', async () => {
    const hive = await TestHive.create();
    const id = hive.create('Still open');
    const err = refusal(() => hive.run('apiary/hive/reopen', { id }));
    assert.equal(err.code, 'conflict');
    assert.match(err.message, /is open, not closed/);
  });

  it('leave a tombstone on delete: hidden from lists and the queue, kept for merges, frozen', async () => {
    const hive = await TestHive.create();
    const id = hive.create('Mistake');
    hive.run('apiary/hive/delete', { id, reason: 'duplicate' });
    const tomb = hive.cell(id);
    assert.equal(tomb.status, 'deleted');
    assert.equal(tomb.deleteReason, 'duplicate');
    assert.ok(tomb.deletedAt);
    assert.deepEqual(hive.readyIds(), []);
    assert.equal(listCells(hive.db, { includeDeleted: false, limit: 10, offset: 0 }).total, 0);
    assert.equal(listCells(hive.db, { includeDeleted: true, limit: 10, offset: 0 }).total, 1);
    for (const attempt of [
      () => hive.run('apiary/hive/update', { id, title: 'Fixed' }),
      () => hive.run('apiary/hive/reopen', { id }),
      () => hive.run('apiary/hive/claim', { id }),
      () => hive.run('apiary/hive/comment', { id, text: 'hello' }),
    ]) {
      const err = refusal(attempt);
      assert.equal(err.code, 'conflict');
      assert.match(err.message, /is deleted/);
    }
  });

  it('refuse deleting a closed cell, as closed cells can only be reopened', async () => {
    const hive = await TestHive.create();
    const id = hive.create('Done');
    hive.run('apiary/hive/close', { id });
    assert.equal(refusal(() => hive.run('apiary/hive/delete', { id })).code, 'conflict');
  });

  it('answer not_found for an unknown cell', async () => {
    const hive = await TestHive.create();
    const err = refusal(() => hive.run('apiary/hive/close', { id: 'ap-zzzz' }));
    assert.equal(err.code, 'not_found');
    assert.ok(err.hint);
  });

  it('refuse a status change by another agent while a claim is live, unless forced', async () => {
    const hive = await TestHive.create();
    const id = hive.create('Contended');
    hive.run('apiary/hive/claim', { id }, 'bob');
    const err = refusal(() => hive.run('apiary/hive/close', { id }, 'alice'));
    assert.equal(err.code, 'conflict');
    assert.match(err.message, /claimed by bob until/);
    hive.run('apiary/hive/close', { id, force: true }, 'alice');
    assert.equal(hive.cell(id).status, 'closed');
    assert.equal(hive.cell(id).claim, null);
  });
});
