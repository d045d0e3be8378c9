// Force-release: only over a holder silent past the threshold; the refusal says why; the holder
// is told by mail; the act is audited.
import assert from 'node:assert/strict';
import { lockReserveParamsSchema } from '../../../shared/coordinationSchemas';
import { ApiaryError } from '../../../shared/errors';
import { decideHeartbeat } from '../../../server/coordination/core/agents';
import { decideForceRelease } from '../../../server/coordination/core/forceRelease';
import { decideReserve } from '../../../server/coordination/core/reservations';
import { activeReservations, auditTrail, inbox, reservationById } from '../../../server/coordination/queries';
import { MINUTE, Workspace } from './harness';

async function setup(): Promise<{ ws: Workspace; id: string }> {
  const ws = await Workspace.open();
  ws.register('BlueLake');
  ws.register('QuietFalcon');
  const d = decideReserve(ws.state(), lockReserveParamsSchema.parse({ agent: 'BlueLake', patterns: ['src/**'], ttlSeconds: 3600 }), {
    now: ws.now,
    lockMode: 'enforce',
    newId: ws.newId,
  });
  ws.commit(d.events);
  return { ws, id: d.result.granted[0].id };
}

function forceRelease(ws: Workspace, agent: string, id: string, reason?: string) {
  const d = decideForceRelease(ws.state(), { agent, id, reason }, { now: ws.now, newId: ws.newId, policy: ws.policy });
  ws.commit(d.events, agent);
  return d.result;
}

/** Keeps QuietFalcon alive while time passes, so only BlueLake goes silent. */
function passTime(ws: Workspace, minutes: number): void {
  for (let i = 0; i < minutes; i++) {
    ws.advance(MINUTE);
    ws.commit(decideHeartbeat(ws.agents(), 'QuietFalcon', { now: ws.now, policy: ws.policy }).events);
  }
}

describe('coordination: force-release', () => {
  it('is refused while the holder has been heard from recently, saying why and when it becomes possible', async () => {
    const { ws, id } = await setup();
    passTime(ws, 10);
    const before = ws.log.length;
    assert.throws(
      () => forceRelease(ws, 'QuietFalcon', id),
      (err: unknown) => {
        assert.ok(err instanceof ApiaryError);
        assert.equal(err.code, 'forbidden');
        assert.match(err.message, /BlueLake was last seen 10 min ago/);
        assert.match(err.message, /15 min/);
        assert.match(err.hint ?? '', /2026-03-02T09:15:00\.000Z/);
        return true;
      },
    );
    assert.equal(ws.log.length, before);
    assert.equal(activeReservations(ws.db, ws.now).length, 1);
  });

  it('releases once the holder has been silent past the threshold, and tells the holder why', async () => {
    const { ws, id } = await setup();
    passTime(ws, 16);
    const result = forceRelease(ws, 'QuietFalcon', id, 'blocking the release build');
    assert.equal(result.released.id, id);
    assert.deepEqual(activeReservations(ws.db, ws.now), []);
    const history = reservationById(ws.db, id);
    assert.equal(history?.releaseCause, 'force_released');
    assert.equal(history?.releasedBy, 'QuietFalcon');

    const mail = inbox(ws.db, 'BlueLake');
    assert.equal(mail.unread, 1);
    const message = mail.entries[0].message;
    assert.equal(message.from, 'QuietFalcon');
    assert.equal(message.importance, 'high');
    assert.match(message.subject, /src\/\*\* was force-released/);
    assert.match(message.body, /last seen 16 min ago/);
    assert.match(message.body, /blocking the release build/);

    const audit = auditTrail(ws.db);
    assert.equal(audit[0].type, 'lock.force_released');
    assert.equal(audit[0].actor, 'QuietFalcon');
  });

  it('lets the freed paths be reserved right away', async () => {
    const { ws, id } = await setup();
    passTime(ws, 20);
    forceRelease(ws, 'QuietFalcon', id);
    const d = decideReserve(ws.state(), lockReserveParamsSchema.parse({ agent: 'QuietFalcon', patterns: ['src/a.ts'] }), {
      now: ws.now,
      lockMode: 'enforce',
      newId: ws.newId,
    });
    assert.equal(d.result.granted.length, 1);
  });

  it('refuses one’s own reservation, an expired one and an unknown id', async () => {
    const { ws, id } = await setup();
    const code = (c: string) => (err: unknown) => err instanceof ApiaryError && err.code === c;
    assert.throws(() => forceRelease(ws, 'BlueLake', id), code('invalid_params'));
    assert.throws(() => forceRelease(ws, 'QuietFalcon', 'no-such-id'), code('not_found'));
    passTime(ws, 61);
    assert.throws(() => forceRelease(ws, 'QuietFalcon', id), code('not_found'));
  });
});
