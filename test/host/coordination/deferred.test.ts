// Deferred promises over the host's requests: one client creates, another waits, a third
// settles it; exactly one settlement wins; a timeout settles it by itself, also after a restart.
import assert from 'node:assert/strict';
import {
  DeferredCreateRequest,
  DeferredGetRequest,
  DeferredRejectRequest,
  DeferredResolveRequest,
  DeferredWaitRequest,
} from '../../../shared/coordination';
import { cleanUp, tempWorkspace } from '../../support/host';
import { refusal, startCoordHost } from './helpers';

describe('deferred promises through the host', function () {
  this.timeout(30_000);
  afterEach(cleanUp);

  it('resolves a waiter in another client once a third settles it; a second settlement is refused', async () => {
    const h = await startCoordHost();
    try {
      const creator = await h.client('approvals');
      const waiter = await h.client('worker');
      const human = await h.client('VS Code');
      const created = await creator.conn.sendRequest(DeferredCreateRequest, { id: 'approve-42', data: { action: 'rm -rf build/' } });
      assert.equal(created.deferred.status, 'pending');
      const waiting = waiter.conn.sendRequest(DeferredWaitRequest, { id: 'approve-42', timeoutMs: 10_000 });
      const settled = await human.conn.sendRequest(DeferredResolveRequest, { id: 'approve-42', value: { approved: true } });
      assert.equal(settled.deferred.status, 'resolved');
      const seen = await waiting;
      assert.deepEqual([seen.deferred.status, seen.deferred.value, seen.deferred.settledBy], ['resolved', { approved: true }, 'VS Code']);
      const again = await refusal(waiter.conn.sendRequest(DeferredRejectRequest, { id: 'approve-42', reason: 'too late' }));
      assert.equal(again.code, 'conflict');
      assert.equal((await creator.conn.sendRequest(DeferredGetRequest, { id: 'approve-42' })).deferred.status, 'resolved');
      const dup = await refusal(creator.conn.sendRequest(DeferredCreateRequest, { id: 'approve-42' }));
      assert.equal(dup.code, 'conflict');
      const missing = await refusal(creator.conn.sendRequest(DeferredWaitRequest, { id: 'nope' }));
      assert.equal(missing.code, 'not_found');
      const bad = await refusal(creator.conn.sendRequest(DeferredCreateRequest, { id: '../etc' }));
      assert.equal(bad.code, 'invalid_params');
    } finally {
      await h.stop();
    }
  });

  it('answers a bounded wait with the pending state, and times a deferred out after a host restart', async () => {
    const workspace = tempWorkspace();
    let h = await startCoordHost({ workspace });
    const c = await h.client();
    await c.conn.sendRequest(DeferredCreateRequest, { id: 'slow', timeoutMs: 1500, onTimeout: { outcome: 'rejected', reason: 'nobody answered' } });
    const bounded = await c.conn.sendRequest(DeferredWaitRequest, { id: 'slow', timeoutMs: 50 });
    assert.equal(bounded.deferred.status, 'pending');
    await h.stop();

    h = await startCoordHost({ workspace });
    try {
      const again = await h.client();
      const done = await again.conn.sendRequest(DeferredWaitRequest, { id: 'slow', timeoutMs: 10_000 });
      assert.deepEqual([done.deferred.status, done.deferred.reason], ['timed_out', 'nobody answered']);
    } finally {
      await h.stop();
    }
  });
});
