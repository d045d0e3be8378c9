// The read model is a pure function of the log: replaying it (twice, in any batching, or with
// every event applied again) gives the same rows, and the cached statements survive export and
// being freed underneath.
import assert from 'node:assert/strict';
import type { Database, Statement } from 'sql.js';
import { lockReserveParamsSchema, mailSendParamsSchema } from '../../../shared/coordinationSchemas';
import type { EventEnvelope } from '../../../shared/events';
import { decideHeartbeat, sweepAgents } from '../../../server/coordination/core/agents';
import { ReservationIndex } from '../../../server/coordination/core/reservationIndex';
import { decideGuard, decideOverride } from '../../../server/coordination/core/check';
import { decideForceRelease } from '../../../server/coordination/core/forceRelease';
import { decideAck, decideRead, decideSend } from '../../../server/coordination/core/mail';
import { decideReserve, releaseForCell, sweepExpired } from '../../../server/coordination/core/reservations';
import { coordinationProjection } from '../../../server/coordination/projection';
import { inbox, unreadEntries } from '../../../server/coordination/queries';
import { ProjectionEngine } from '../../../server/store/projectionEngine';
import { MINUTE, Workspace, dumpTables, loadSql } from './harness';

/** A morning in a busy workspace: every event type the projection handles. */
async function busyLog(): Promise<Workspace> {
  const ws = await Workspace.open();
  for (const name of ['BlueLake', 'QuietFalcon', 'you']) ws.register(name);
  const reserve = (agent: string, patterns: string[], extra: Record<string, unknown> = {}) =>
    ws.commit(
      decideReserve(ws.state(), lockReserveParamsSchema.parse({ agent, patterns, ...extra }), { now: ws.now, lockMode: 'advisory', newId: ws.newId })
        .events,
    );
  const send = (params: Record<string, unknown>) =>
    ws.commit(decideSend({ agents: ws.agents() }, mailSendParamsSchema.parse(params), { now: ws.now, newId: ws.newId }).events);

  reserve('BlueLake', ['src/**', '!src/gen/**'], { reason: 'parser', cell: 'hv-1', ttlSeconds: 1800 });
  reserve('QuietFalcon', ['docs/**'], { shared: true, ttlSeconds: 60 });
  reserve('QuietFalcon', ['src/a.ts'], { cell: 'hv-2' });
  send({ from: 'BlueLake', to: ['QuietFalcon'], subject: 'hello', ackRequired: true });
  send({ from: 'QuietFalcon', broadcast: true, subject: 'lunch' });
  ws.advance(2 * MINUTE);
  ws.commit(sweepExpired(ws.reservations(), ws.now));
  reserve('BlueLake', ['src/**', '!src/gen/**'], { ttlSeconds: 3600 });
  ws.commit(decideRead('QuietFalcon', undefined, unreadEntries(ws.db, 'QuietFalcon'), { now: ws.now }).events);
  const hello = inbox(ws.db, 'QuietFalcon').entries.find((e) => e.message.subject === 'hello') ?? null;
  ws.commit(decideAck('QuietFalcon', hello?.message.id ?? '', hello, { now: ws.now }).events);
  ws.commit(releaseForCell(ws.reservations(), 'hv-2', ws.now));
  const index = ReservationIndex.build(ws.reservations());
  ws.commit(decideGuard(index, { agent: 'you', paths: ['src/x.ts'], bypass: true }, { now: ws.now }).events);
  ws.commit(decideOverride(index, { agent: 'you', path: 'src/x.ts' }, { now: ws.now, newId: ws.newId }).events);
  for (let i = 0; i < 20; i++) {
    ws.advance(MINUTE);
    ws.commit(decideHeartbeat(ws.agents(), 'QuietFalcon', { now: ws.now, policy: ws.policy }).events);
  }
  ws.commit(sweepAgents(ws.agents(), { now: ws.now, policy: ws.policy }));
  const held = ws.reservations().find((r) => r.holder === 'BlueLake');
  ws.commit(decideForceRelease(ws.state(), { agent: 'QuietFalcon', id: held?.id ?? '' }, { now: ws.now, newId: ws.newId, policy: ws.policy }).events);
  return ws;
}

async function replay(log: readonly EventEnvelope[], batch = log.length, db?: Database): Promise<Database> {
  const SQL = await loadSql();
  db ??= new SQL.Database();
  const engine = new ProjectionEngine(db, (_p, _e, err) => {
    throw err;
  });
  engine.register(coordinationProjection);
  for (let i = 0; i < log.length; i += batch) engine.apply(log.slice(i, i + batch));
  return db;
}

describe('coordination: projection', () => {
  let ws: Workspace;
  before(async () => {
    ws = await busyLog();
  });

  it('covers every coordination event type in the scenario', () => {
    const types = new Set(ws.log.map((e) => e.type));
    for (const t of [
      'agent.registered', 'agent.heartbeat', 'agent.inactive', 'lock.reserved', 'lock.renewed', 'lock.released', 'lock.expired',
      'lock.force_released', 'lock.override', 'lock.guard_bypassed', 'mail.sent', 'mail.read', 'mail.acked',
    ]) {
      assert.ok(types.has(t), t);
    }
  });

  it('rebuilds the same rows when the log is replayed, twice, in any batching', async () => {
    const live = dumpTables(ws.db);
    const once = dumpTables(await replay(ws.log));
    const twice = dumpTables(await replay(ws.log, 1));
    const odd = dumpTables(await replay(ws.log, 7));
    assert.deepEqual(once, live);
    assert.deepEqual(twice, live);
    assert.deepEqual(odd, live);
    assert.ok(live.coord_reservations.length > 0 && live.coord_inbox.length > 0 && live.coord_audit.length > 0);
  });

  it('is unchanged by applying every event a second time', async () => {
    const db = await replay(ws.log);
    const before = dumpTables(db);
    for (const e of ws.log) coordinationProjection.apply(db, e);
    assert.deepEqual(dumpTables(db), before);
  });

  it('ignores event types it does not know under its prefixes', async () => {
    const db = await replay(ws.log);
    const before = dumpTables(db);
    coordinationProjection.apply(db, { ...ws.log[0], position: 10_000, type: 'agent.spawned', data: {} });
    assert.deepEqual(dumpTables(db), before);
  });

  describe('cached statements', () => {
    it('keep working after db.export()', async () => {
      const half = Math.floor(ws.log.length / 2);
      const db = await replay(ws.log.slice(0, half));
      db.export();
      for (const e of ws.log.slice(half)) coordinationProjection.apply(db, e);
      assert.deepEqual(dumpTables(db), dumpTables(ws.db));
    });

    it('are prepared again when freed underneath (what export() did in older sql.js)', async () => {
      const SQL = await loadSql();
      const db = new SQL.Database();
      const prepared: Statement[] = [];
      const prepare = db.prepare.bind(db);
      db.prepare = (sql, params) => {
        const stmt = prepare(sql, params);
        prepared.push(stmt);
        return stmt;
      };
      const half = Math.floor(ws.log.length / 2);
      await replay(ws.log.slice(0, half), half, db);
      const beforeFree = prepared.length;
      for (const stmt of prepared) stmt.free();
      for (const e of ws.log.slice(half)) coordinationProjection.apply(db, e);
      assert.ok(prepared.length > beforeFree, 'statements were prepared again');
      assert.deepEqual(dumpTables(db), dumpTables(ws.db));
    });
  });
});
