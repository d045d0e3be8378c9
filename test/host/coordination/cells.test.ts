// Reservations tied to a hive cell end with the cell: closing (or deleting) a real cell through
// the hive's own request releases every reservation made for it, whoever holds it, recorded as
// lock.released with cause cell_closed; reservations of other cells stay.
import assert from 'node:assert/strict';
import { AgentRegisterRequest, LockListRequest, LockReserveRequest, ReservationsChangedNotification } from '../../../shared/coordination';
import { HiveCloseRequest, HiveCreateRequest, HiveDeleteRequest } from '../../../shared/hive';
import { cleanUp } from '../../support/host';
import { collect, type CoordHost, startCoordHost, until } from './helpers';

describe('reservations of a hive cell', function () {
  this.timeout(30_000);
  let h: CoordHost;

  beforeEach(async () => {
    h = await startCoordHost();
  });
  afterEach(async () => {
    await h.stop();
    await cleanUp();
  });

  it('are released when the cell closes, and only those', async () => {
    const c = await h.client();
    for (const name of ['BlueLake', 'GreenFern']) await c.conn.sendRequest(AgentRegisterRequest, { name, kind: 'swarm-worker' });
    const subtask = (await c.conn.sendRequest(HiveCreateRequest, { title: 'Rename greet()' })).cell;
    const other = (await c.conn.sendRequest(HiveCreateRequest, { title: 'Docs' })).cell;
    await c.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['src/greet.ts'], cell: subtask.id });
    await c.conn.sendRequest(LockReserveRequest, { agent: 'GreenFern', patterns: ['test/greet.test.ts'], cell: subtask.id, shared: true });
    await c.conn.sendRequest(LockReserveRequest, { agent: 'GreenFern', patterns: ['docs/**'], cell: other.id });
    const pushes = collect(c.conn, ReservationsChangedNotification);

    await c.conn.sendRequest(HiveCloseRequest, { id: subtask.id, reason: 'done', force: true });

    const released = await until('the cell reservations released', () => {
      const events = h.events('lock.released');
      return events.length === 2 ? events : undefined;
    });
    for (const e of released) {
      const data = e.data as { cause: string; cell: string; holder: string };
      assert.equal(data.cause, 'cell_closed');
      assert.equal(data.cell, subtask.id);
    }
    assert.deepEqual(released.map((e) => (e.data as { holder: string }).holder).sort(), ['BlueLake', 'GreenFern']);
    const left = await c.conn.sendRequest(LockListRequest, {});
    assert.deepEqual(left.reservations.map((r) => [r.pattern, r.cell]), [['docs/**', other.id]]);
    await until('the change pushed', () => pushes.some((p) => p.reservations.length === 1));

    await c.conn.sendRequest(HiveDeleteRequest, { id: other.id, force: true });
    await until('the deleted cell reservations released', () => h.events('lock.released').length === 3);
    assert.equal((await c.conn.sendRequest(LockListRequest, {})).reservations.length, 0);
  });
});
