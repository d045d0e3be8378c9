// Reservation decisions, end to end through the read model: enforce vs advisory, shared vs
// exclusive, TTL expiry, re-reserve extends, idempotent retries, renew, release, cell close.
import assert from 'node:assert/strict';
import type { ReserveResult } from '../../../shared/coordination';
import { lockReleaseParamsSchema, lockRenewParamsSchema, lockReserveParamsSchema } from '../../../shared/coordinationSchemas';
import { ApiaryError } from '../../../shared/errors';
import {
  decideRelease,
  decideRenew,
  decideReserve,
  releaseForCell,
  sweepExpired,
} from '../../../server/coordination/core/reservations';
import { activeReservations, reservationById } from '../../../server/coordination/queries';
import { MINUTE, Workspace } from './harness';

function isError(code: string, pattern?: RegExp) {
  return (err: unknown): boolean => err instanceof ApiaryError && err.code === code && (pattern === undefined || pattern.test(err.message));
}

async function workspace(): Promise<Workspace> {
  const ws = await Workspace.open();
  ws.register('BlueLake');
  ws.register('QuietFalcon');
  return ws;
}

function reserve(ws: Workspace, agent: string, patterns: string[], extra: Record<string, unknown> = {}): ReserveResult {
  const request = lockReserveParamsSchema.parse({ agent, patterns, ...extra });
  const d = decideReserve(ws.state(), request, { now: ws.now, lockMode: ws.policy.lockMode, newId: ws.newId });
  ws.commit(d.events, agent);
  return d.result;
}

describe('coordination: reservations', () => {
  describe('in enforce mode (the default)', () => {
    it('refuses a conflicting exclusive request, naming holder, pattern, expiry, reason and cell', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/a.ts'], { reason: 'refactor parser', cell: 'hv-12', ttlSeconds: 600 });
      const before = ws.log.length;
      assert.throws(
        () => reserve(ws, 'QuietFalcon', ['src/**']),
        (err: unknown) => {
          assert.ok(err instanceof ApiaryError);
          assert.equal(err.code, 'conflict');
          assert.match(err.message, /BlueLake/);
          assert.match(err.message, /src\/a\.ts/);
          assert.match(err.message, /2026-03-02T09:10:00\.000Z/);
          assert.match(err.message, /refactor parser/);
          assert.match(err.message, /hv-12/);
          assert.ok(err.hint);
          const conflicts = (err.details as { conflicts: Array<{ holder: string; witness: string }> }).conflicts;
          assert.equal(conflicts[0].holder, 'BlueLake');
          assert.equal(conflicts[0].witness, 'src/a.ts');
          return true;
        },
      );
      assert.equal(ws.log.length, before, 'a refusal writes nothing');
      assert.equal(activeReservations(ws.db, ws.now, { holder: 'QuietFalcon' }).length, 0);
    });

    it('refuses in the other direction too: a held glob blocks a file inside it', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/*.ts']);
      assert.throws(() => reserve(ws, 'QuietFalcon', ['src/**/x.ts']), isError('conflict', /src\/x\.ts/));
      assert.doesNotThrow(() => reserve(ws, 'QuietFalcon', ['lib/**']));
    });

    it('lets shared requests share, but not with an exclusive one in either order', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['docs/**'], { shared: true });
      const shared = reserve(ws, 'QuietFalcon', ['docs/guide.md'], { shared: true });
      assert.equal(shared.granted.length, 1);
      assert.throws(() => reserve(ws, 'QuietFalcon', ['docs/api.md']), isError('conflict'), 'exclusive vs held shared');
      reserve(ws, 'BlueLake', ['src/**']);
      assert.throws(() => reserve(ws, 'QuietFalcon', ['src/x.ts'], { shared: true }), isError('conflict'), 'shared vs held exclusive');
    });

    it('never conflicts an agent with itself', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**']);
      const r = reserve(ws, 'BlueLake', ['src/a.ts']);
      assert.equal(r.granted.length, 1);
    });

    it('honours exclusions carved out of a reservation', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**', '!src/gen/**']);
      assert.equal(reserve(ws, 'QuietFalcon', ['src/gen/**']).granted.length, 1);
      assert.throws(() => reserve(ws, 'QuietFalcon', ['src/app.ts']), isError('conflict'));
      assert.deepEqual(ws.reservations()[0].except, ['src/gen/**']);
    });
  });

  describe('in advisory mode', () => {
    it('grants the conflicting request and reports the conflict, in the result and the event', async () => {
      const ws = await workspace();
      ws.policy.lockMode = 'advisory';
      reserve(ws, 'BlueLake', ['src/a.ts'], { reason: 'tests' });
      const r = reserve(ws, 'QuietFalcon', ['src/**']);
      assert.equal(r.lockMode, 'advisory');
      assert.equal(r.granted.length, 1);
      assert.equal(r.conflicts.length, 1);
      assert.equal(r.conflicts[0].holder, 'BlueLake');
      assert.equal(r.conflicts[0].reason, 'tests');
      const event = ws.log[ws.log.length - 1];
      assert.equal(event.type, 'lock.reserved');
      assert.equal((event.data as { conflicts: unknown[] }).conflicts.length, 1);
      assert.equal(activeReservations(ws.db, ws.now).length, 2);
    });
  });

  describe('time to live', () => {
    it('stops counting a reservation once it expires, without any event', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**'], { ttlSeconds: 300 });
      ws.advance(5 * MINUTE - 1);
      assert.throws(() => reserve(ws, 'QuietFalcon', ['src/a.ts']), isError('conflict'));
      ws.advance(1);
      assert.equal(activeReservations(ws.db, ws.now).length, 0);
      assert.equal(reserve(ws, 'QuietFalcon', ['src/a.ts']).granted.length, 1);
    });

    it('records expiry when swept, and the sweep finds nothing more afterwards', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['a/**'], { ttlSeconds: 60 });
      reserve(ws, 'BlueLake', ['b/**'], { ttlSeconds: 600 });
      ws.advance(2 * MINUTE);
      const events = sweepExpired(ws.reservations(), ws.now);
      assert.equal(events.length, 1);
      ws.commit(events);
      assert.deepEqual(ws.reservations().map((r) => r.pattern), ['b/**']);
      const expired = reservationById(ws.db, 'id-1');
      assert.equal(expired?.releaseCause, 'expired');
      assert.deepEqual(sweepExpired(ws.reservations(), ws.now), []);
    });

    it('extends when an agent re-reserves its own pattern, and never shortens', async () => {
      const ws = await workspace();
      const first = reserve(ws, 'BlueLake', ['src/**'], { ttlSeconds: 600 });
      ws.advance(5 * MINUTE);
      const again = reserve(ws, 'BlueLake', ['src/**'], { ttlSeconds: 600 });
      assert.equal(again.granted.length, 0);
      assert.equal(again.extended.length, 1);
      assert.equal(again.extended[0].id, first.granted[0].id);
      assert.equal(again.extended[0].expiresAt, '2026-03-02T09:15:00.000Z');
      assert.equal(activeReservations(ws.db, ws.now)[0].expiresAt, '2026-03-02T09:15:00.000Z');
      const shorter = reserve(ws, 'BlueLake', ['src/**'], { ttlSeconds: 60 });
      assert.equal(shorter.extended[0].expiresAt, '2026-03-02T09:15:00.000Z');
      assert.equal(activeReservations(ws.db, ws.now).length, 1);
    });
  });

  describe('idempotency keys', () => {
    it('answer a retried request with the first result and write nothing', async () => {
      const ws = await workspace();
      const first = reserve(ws, 'BlueLake', ['src/**', 'docs/*.md'], { idempotencyKey: 'k-1' });
      const written = ws.log.length;
      ws.advance(MINUTE);
      const retry = reserve(ws, 'BlueLake', ['docs/*.md', 'src/**'], { idempotencyKey: 'k-1' });
      assert.equal(retry.replayed, true);
      assert.deepEqual(retry.granted.map((r) => r.id).sort(), first.granted.map((r) => r.id).sort());
      assert.equal(ws.log.length, written);
    });

    it('derive event ids from the key, so the store also drops a duplicate append', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**'], { idempotencyKey: 'k-2' });
      assert.equal(ws.log[ws.log.length - 1].id, 'lock:BlueLake:k-2:0');
    });

    it('refuse a key reused for a different request', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**'], { idempotencyKey: 'k-3' });
      assert.throws(() => reserve(ws, 'BlueLake', ['lib/**'], { idempotencyKey: 'k-3' }), isError('invalid_params'));
    });
  });

  describe('renew and release', () => {
    it('renews the named patterns (or all) to now + ttl', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**', 'docs/**'], { ttlSeconds: 120 });
      ws.advance(MINUTE);
      const d = decideRenew(ws.state(), lockRenewParamsSchema.parse({ agent: 'BlueLake', patterns: ['./src/'], ttlSeconds: 600 }), { now: ws.now });
      ws.commit(d.events);
      const byPattern = Object.fromEntries(activeReservations(ws.db, ws.now).map((r) => [r.pattern, r.expiresAt]));
      assert.deepEqual(byPattern, { 'src/**': '2026-03-02T09:11:00.000Z', 'docs/**': '2026-03-02T09:02:00.000Z' });
    });

    it('refuses to renew what has already expired', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**'], { ttlSeconds: 60 });
      ws.advance(2 * MINUTE);
      assert.throws(() => decideRenew(ws.state(), lockRenewParamsSchema.parse({ agent: 'BlueLake' }), { now: ws.now }), isError('not_found'));
    });

    it('releases by pattern as reserved, or all, and the freed paths can be reserved by others', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**', 'docs/**', 'test/**']);
      const one = decideRelease(ws.state(), lockReleaseParamsSchema.parse({ agent: 'BlueLake', patterns: ['src/**'] }), { now: ws.now });
      ws.commit(one.events);
      assert.deepEqual(one.result.released.map((r) => r.pattern), ['src/**']);
      assert.equal(reserve(ws, 'QuietFalcon', ['src/a.ts']).granted.length, 1);
      const rest = decideRelease(ws.state(), lockReleaseParamsSchema.parse({ agent: 'BlueLake', all: true }), { now: ws.now });
      ws.commit(rest.events);
      assert.deepEqual(activeReservations(ws.db, ws.now, { holder: 'BlueLake' }), []);
      assert.equal(reservationById(ws.db, one.result.released[0].id)?.releaseCause, 'released');
    });

    it('refuses to release what the agent does not hold, changing nothing', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**']);
      assert.throws(
        () => decideRelease(ws.state(), lockReleaseParamsSchema.parse({ agent: 'QuietFalcon', patterns: ['src/**'] }), { now: ws.now }),
        isError('not_found'),
      );
      assert.equal(activeReservations(ws.db, ws.now).length, 1);
    });
  });

  describe('cells', () => {
    it('release every reservation tied to a cell when it closes, one event per holder', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/a.ts'], { cell: 'hv-7' });
      reserve(ws, 'QuietFalcon', ['src/b.ts'], { cell: 'hv-7' });
      reserve(ws, 'QuietFalcon', ['src/c.ts'], { cell: 'hv-8' });
      const events = releaseForCell(ws.reservations(), 'hv-7', ws.now);
      assert.deepEqual(
        events.map((e) => [e.type, (e.data as { holder: string }).holder]),
        [
          ['lock.released', 'BlueLake'],
          ['lock.released', 'QuietFalcon'],
        ],
      );
      ws.commit(events);
      assert.deepEqual(activeReservations(ws.db, ws.now).map((r) => r.pattern), ['src/c.ts']);
      assert.equal(reservationById(ws.db, 'id-1')?.releaseCause, 'cell_closed');
    });
  });

  it('refuses an unregistered holder with a hint to register', async () => {
    const ws = await workspace();
    assert.throws(() => reserve(ws, 'Nobody', ['src/**']), isError('not_found', /Nobody/));
  });

  it('refuses a request made only of exclusions', async () => {
    const ws = await workspace();
    assert.throws(() => reserve(ws, 'BlueLake', ['!src/**']), isError('invalid_params'));
  });

  describe('racing exclusive requests decided in turn', () => {
    it('grant exactly one holder', async () => {
      const ws = await workspace();
      ws.register('SwiftOtter');
      const outcomes = ['BlueLake', 'QuietFalcon', 'SwiftOtter'].map((agent) => {
        try {
          return reserve(ws, agent, ['src/**']).granted.length;
        } catch (err) {
          if (err instanceof ApiaryError && err.code === 'conflict') return 0;
          throw err;
        }
      });
      assert.deepEqual(outcomes, [1, 0, 0]);
      assert.equal(activeReservations(ws.db, ws.now).length, 1);
    });
  });
});
