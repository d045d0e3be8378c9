// The coordination read model: agents, reservations, mail and an audit trail of interventions,
// fed by the agent.*, lock.* and mail.* events. Every handler is an upsert or a guarded update
// computed from the event alone (times come from the payload, never the clock), so replaying
// the log, or re-applying an event, gives the same rows.
import type { Database } from 'sql.js';
import type { CoordinationEventData, CoordinationEventType } from '../../shared/coordination';
import type { EventEnvelope } from '../../shared/events';
import type { Projection } from '../store/projection';
import { run } from './statements';

const SCHEMA = [
  `CREATE TABLE coord_agents (
     name_key TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, program TEXT, model TEXT,
     client_key TEXT, registered_at TEXT NOT NULL, last_seen INTEGER NOT NULL, active INTEGER NOT NULL)`,
  'CREATE INDEX coord_agents_client ON coord_agents (client_key)',
  `CREATE TABLE coord_reservations (
     id TEXT PRIMARY KEY, pattern TEXT NOT NULL, except_json TEXT NOT NULL, mode TEXT NOT NULL,
     holder TEXT NOT NULL, reason TEXT, cell TEXT, created_at TEXT NOT NULL, expires_at INTEGER NOT NULL,
     idempotency_key TEXT, released_at TEXT, release_cause TEXT, released_by TEXT, position INTEGER NOT NULL)`,
  'CREATE INDEX coord_reservations_open ON coord_reservations (released_at, expires_at)',
  'CREATE INDEX coord_reservations_holder ON coord_reservations (holder, idempotency_key)',
  'CREATE INDEX coord_reservations_cell ON coord_reservations (cell)',
  `CREATE TABLE coord_messages (
     id TEXT PRIMARY KEY, sender TEXT NOT NULL, recipients_json TEXT NOT NULL, broadcast INTEGER NOT NULL,
     subject TEXT NOT NULL, body TEXT NOT NULL, thread TEXT NOT NULL, reply_to TEXT, importance TEXT NOT NULL,
     ack_required INTEGER NOT NULL, sent_at TEXT NOT NULL, idempotency_key TEXT, position INTEGER NOT NULL)`,
  'CREATE INDEX coord_messages_thread ON coord_messages (thread, position)',
  'CREATE INDEX coord_messages_key ON coord_messages (sender, idempotency_key)',
  `CREATE TABLE coord_inbox (
     agent TEXT NOT NULL, message_id TEXT NOT NULL, state TEXT NOT NULL, read_at TEXT, acked_at TEXT,
     position INTEGER NOT NULL, PRIMARY KEY (agent, message_id))`,
  'CREATE INDEX coord_inbox_position ON coord_inbox (agent, position)',
  `CREATE TABLE coord_audit (
     position INTEGER PRIMARY KEY, type TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, data_json TEXT NOT NULL)`,
];

type Handler<K extends CoordinationEventType> = (db: Database, data: CoordinationEventData[K], e: EventEnvelope) => void;
type Handlers = { [K in CoordinationEventType]: Handler<K> };

const ms = (isoTime: string): number => Date.parse(isoTime);

const release = (db: Database, id: string, at: string, cause: string, by: string | null): void =>
  run(db, 'UPDATE coord_reservations SET released_at = ?, release_cause = ?, released_by = ? WHERE id = ? AND released_at IS NULL', [
    at,
    cause,
    by,
    id,
  ]);

const audit = (db: Database, e: EventEnvelope, actor: string, at: string): void =>
  run(db, 'INSERT OR IGNORE INTO coord_audit (position, type, actor, at, data_json) VALUES (?, ?, ?, ?, ?)', [
    e.position,
    e.type,
    actor,
    at,
    JSON.stringify(e.data),
  ]);

const handlers: Handlers = {
  'agent.registered': (db, d) =>
    run(
      db,
      `INSERT INTO coord_agents (name_key, name, kind, program, model, client_key, registered_at, last_seen, active)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, kind = excluded.kind, program = excluded.program,
         model = excluded.model, client_key = COALESCE(excluded.client_key, client_key),
         last_seen = MAX(last_seen, excluded.last_seen), active = 1`,
      [d.name.toLowerCase(), d.name, d.kind, d.program, d.model, d.clientKey, d.at, ms(d.at)],
    ),
  'agent.heartbeat': (db, d) =>
    run(db, 'UPDATE coord_agents SET last_seen = MAX(last_seen, ?), active = 1 WHERE name_key = ?', [ms(d.at), d.name.toLowerCase()]),
  // A heartbeat that arrived after the sweep looked keeps the agent active.
  'agent.inactive': (db, d) =>
    run(db, 'UPDATE coord_agents SET active = 0 WHERE name_key = ? AND last_seen <= ?', [d.name.toLowerCase(), ms(d.lastSeen)]),
  'lock.reserved': (db, d, e) => {
    const r = d.reservation;
    run(
      db,
      `INSERT OR IGNORE INTO coord_reservations
         (id, pattern, except_json, mode, holder, reason, cell, created_at, expires_at, idempotency_key, position)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [r.id, r.pattern, JSON.stringify(r.except), r.mode, r.holder, r.reason, r.cell, r.createdAt, ms(r.expiresAt), r.idempotencyKey, e.position],
    );
  },
  'lock.renewed': (db, d) => {
    for (const { id, expiresAt } of d.renewals) {
      run(db, 'UPDATE coord_reservations SET expires_at = ? WHERE id = ? AND released_at IS NULL', [ms(expiresAt), id]);
    }
  },
  'lock.released': (db, d) => {
    for (const id of d.ids) release(db, id, d.at, d.cause, d.holder);
  },
  'lock.expired': (db, d) => {
    for (const r of d.reservations) release(db, r.id, d.at, 'expired', null);
  },
  'lock.force_released': (db, d, e) => {
    release(db, d.reservation.id, d.at, 'force_released', d.by);
    audit(db, e, d.by, d.at);
  },
  'lock.override': (db, d, e) => audit(db, e, d.by, d.at),
  'lock.guard_bypassed': (db, d, e) => audit(db, e, d.agent, d.at),
  'mail.sent': (db, d, e) => {
    const m = d.message;
    run(
      db,
      `INSERT OR IGNORE INTO coord_messages
         (id, sender, recipients_json, broadcast, subject, body, thread, reply_to, importance, ack_required, sent_at, idempotency_key, position)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [m.id, m.from, JSON.stringify(m.to), m.broadcast ? 1 : 0, m.subject, m.body, m.thread, m.replyTo, m.importance, m.ackRequired ? 1 : 0, m.sentAt, d.idempotencyKey, e.position],
    );
    for (const agent of m.to) {
      run(db, "INSERT OR IGNORE INTO coord_inbox (agent, message_id, state, position) VALUES (?, ?, 'unread', ?)", [agent, m.id, e.position]);
    }
  },
  'mail.read': (db, d) => {
    for (const id of d.ids) {
      run(db, "UPDATE coord_inbox SET state = 'read', read_at = ? WHERE agent = ? AND message_id = ? AND state = 'unread'", [d.at, d.agent, id]);
    }
  },
  'mail.acked': (db, d) =>
    run(
      db,
      "UPDATE coord_inbox SET state = 'acked', acked_at = ?, read_at = COALESCE(read_at, ?) WHERE agent = ? AND message_id = ? AND state != 'acked'",
      [d.at, d.at, d.agent, d.id],
    ),
};

function isCoordinationType(type: string): type is CoordinationEventType {
  return Object.prototype.hasOwnProperty.call(handlers, type);
}

export const coordinationProjection: Projection = {
  name: 'coordination',
  version: 1,
  schema: SCHEMA,
  types: ['agent.*', 'lock.*', 'mail.*'],
  apply(db: Database, event: EventEnvelope): void {
    if (!isCoordinationType(event.type)) return;
    (handlers[event.type] as Handler<CoordinationEventType>)(db, event.data as CoordinationEventData[CoordinationEventType], event);
  },
};
