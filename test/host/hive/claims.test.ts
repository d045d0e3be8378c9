// Claims through the running host: racing clients, leases that run out, heartbeats and releases,
// and the `apiary/hive/changed` pushes that tell views what moved.
import assert from 'node:assert/strict';
import {
  HiveChangedNotification,
  HiveClaimRequest,
  HiveCloseRequest,
  HiveCreateRequest,
  HiveHeartbeatRequest,
  HiveReadyRequest,
  HiveReleaseRequest,
  HiveShowRequest,
  type ClaimExpiredData,
  type HiveChanged,
} from '../../../shared/hive';
import { cleanUp, type Client } from '../../support/host';
import { collect, type HiveHost, MINUTE, refusal, startHiveHost, until } from './helpers';

describe('hive claims in the host', function () {
  this.timeout(120_000);
  let h: HiveHost;
  let alice: Client;
  let bob: Client;

  beforeEach(async () => {
    h = await startHiveHost();
    alice = await h.client('alice');
    bob = await h.client('bob');
  });
  afterEach(async () => {
    await h.stop();
    await cleanUp();
  });

  it('gives a cell to exactly one of two clients claiming it at the same moment, every time (300 races)', async () => {
    const rounds = 300;
    const wins = { alice: 0, bob: 0 };
    for (let i = 0; i < rounds; i++) {
      const { cell } = await alice.conn.sendRequest(HiveCreateRequest, { title: `race ${i}` });
      const outcomes = await Promise.allSettled([
        alice.conn.sendRequest(HiveClaimRequest, { id: cell.id }),
        bob.conn.sendRequest(HiveClaimRequest, { id: cell.id }),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      assert.equal(won.length, 1, `round ${i}: ${won.length} winners`);
      const lost = outcomes.find((o) => o.status === 'rejected');
      const reason = (lost as PromiseRejectedResult).reason as { data?: { code?: string } };
      assert.equal(reason.data?.code, 'conflict');
      const holder = (won[0] as PromiseFulfilledResult<{ cell: { claim: { holder: string } | null } }>).value.cell.claim?.holder;
      assert.ok(holder === 'alice' || holder === 'bob');
      wins[holder] += 1;
      const shown = await bob.conn.sendRequest(HiveShowRequest, { id: cell.id });
      assert.equal(shown.cell.claim?.holder, holder, 'the read model agrees with the winner');
    }
    // One claimed event per round in the log: no double grant was ever written.
    assert.equal(h.events('hive.cell.claimed').length, rounds);
    assert.equal(wins.alice + wins.bob, rounds);
  });

  it('returns a cell whose lease ran out to the ready queue, with a hive.claim.expired event from the sweep', async () => {
    const { cell } = await alice.conn.sendRequest(HiveCreateRequest, { title: 'lease' });
    await alice.conn.sendRequest(HiveClaimRequest, { id: cell.id, ttlSeconds: 60 });
    let ready = await bob.conn.sendRequest(HiveReadyRequest, {});
    assert.deepEqual(ready.cells.map((c) => c.id), []);
    assert.equal((await refusal(bob.conn.sendRequest(HiveClaimRequest, { id: cell.id }))).code, 'conflict');

    const pushes = collect<HiveChanged>(bob.conn, HiveChangedNotification);
    h.clock.offsetMs += 2 * MINUTE;
    // The periodic sweep records the expiry by itself.
    const expired = await until('the expiry event', () => h.events('hive.claim.expired')[0]);
    const data = expired.data as ClaimExpiredData;
    assert.equal(data.id, cell.id);
    assert.equal(data.holder, 'alice');
    assert.equal(expired.actor, 'host');
    await until('a push naming the expiry', () => pushes.find((p) => p.types.includes('hive.claim.expired') && p.ids.includes(cell.id)));

    ready = await bob.conn.sendRequest(HiveReadyRequest, {});
    assert.deepEqual(ready.cells.map((c) => c.id), [cell.id]);
    const shown = await bob.conn.sendRequest(HiveShowRequest, { id: cell.id });
    assert.equal(shown.cell.claim, null);
    assert.equal(shown.cell.assignee, null);
    const claimed = await bob.conn.sendRequest(HiveClaimRequest, { id: cell.id });
    assert.equal(claimed.cell.claim?.holder, 'bob');
  });

  it('keeps a claim alive while its holder heartbeats, and lets only the holder release it', async () => {
    const { cell } = await alice.conn.sendRequest(HiveCreateRequest, { title: 'long job' });
    const first = await alice.conn.sendRequest(HiveClaimRequest, { id: cell.id, ttlSeconds: 60 });
    h.clock.offsetMs += 50_000;
    const renewed = await alice.conn.sendRequest(HiveHeartbeatRequest, { id: cell.id, ttlSeconds: 60 });
    assert.ok(Date.parse(renewed.cell.claim!.expiresAt) > Date.parse(first.cell.claim!.expiresAt));
    h.clock.offsetMs += 50_000; // past the first lease, inside the renewed one
    await h.service().sweep();
    assert.equal(h.events('hive.claim.expired').length, 0);
    assert.equal((await bob.conn.sendRequest(HiveShowRequest, { id: cell.id })).cell.claim?.holder, 'alice');

    const notHolder = await refusal(bob.conn.sendRequest(HiveReleaseRequest, { id: cell.id }));
    assert.equal(notHolder.code, 'conflict');
    assert.match(notHolder.message, /claimed by alice/);
    const closeByOther = await refusal(bob.conn.sendRequest(HiveCloseRequest, { id: cell.id }));
    assert.equal(closeByOther.code, 'conflict');
    assert.ok(closeByOther.hint?.includes('force'));

    const released = await alice.conn.sendRequest(HiveReleaseRequest, { id: cell.id });
    assert.equal(released.cell.claim, null);
    assert.deepEqual((await bob.conn.sendRequest(HiveReadyRequest, {})).cells.map((c) => c.id), [cell.id]);
  });
});
