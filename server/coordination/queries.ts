// Reads over the coordination read model. Time-dependent answers (is an agent active, is a
// reservation still live) take `now` as a parameter, so the same rows answer for any moment.
import type { Database } from 'sql.js';
import type { InboxEntry, InboxState, Importance, MailMessage, Reservation, ReservationMode } from '../../shared/coordination';
import type { AgentRecord } from './core/agents';
import { type CoordinationPolicy, DEFAULT_POLICY, iso } from './core/policy';
import { row, rows } from './statements';

type Liveness = Pick<CoordinationPolicy, 'inactiveAfterMs'>;

// ── agents ──────────────────────────────────────────────────────────────────────────────────

interface AgentRow {
  name: string;
  kind: AgentRecord['kind'];
  program: string | null;
  model: string | null;
  client_key: string | null;
  registered_at: string;
  last_seen: number;
  active: number;
}

const AGENT_COLUMNS = 'name, kind, program, model, client_key, registered_at, last_seen, active';

function toAgent(r: AgentRow, now: number, policy: Liveness): AgentRecord {
  return {
    name: r.name,
    kind: r.kind,
    program: r.program,
    model: r.model,
    clientKey: r.client_key,
    registeredAt: r.registered_at,
    lastSeen: iso(r.last_seen),
    active: r.active === 1 && now - r.last_seen <= policy.inactiveAfterMs,
    inactiveRecorded: r.active === 0,
  };
}

/** Every registered agent (or only the active ones), by name. */
export function listAgents(db: Database, now: number, options: { includeInactive?: boolean; policy?: Liveness } = {}): AgentRecord[] {
  const policy = options.policy ?? DEFAULT_POLICY;
  const all = rows<AgentRow>(db, `SELECT ${AGENT_COLUMNS} FROM coord_agents ORDER BY name_key`).map((r) => toAgent(r, now, policy));
  return options.includeInactive === false ? all.filter((a) => a.active) : all;
}

/** Case-insensitive lookup. */
export function getAgent(db: Database, name: string, now: number, policy: Liveness = DEFAULT_POLICY): AgentRecord | null {
  const r = row<AgentRow>(db, `SELECT ${AGENT_COLUMNS} FROM coord_agents WHERE name_key = ?`, [name.toLowerCase()]);
  return r ? toAgent(r, now, policy) : null;
}

// ── reservations ────────────────────────────────────────────────────────────────────────────

interface ReservationRow {
  id: string;
  pattern: string;
  except_json: string;
  mode: ReservationMode;
  holder: string;
  reason: string | null;
  cell: string | null;
  created_at: string;
  expires_at: number;
  idempotency_key: string | null;
}

export interface ReservationHistory extends Reservation {
  releasedAt: string | null;
  /** released · cell_closed · expired · force_released */
  releaseCause: string | null;
  releasedBy: string | null;
}

const RESERVATION_COLUMNS = 'id, pattern, except_json, mode, holder, reason, cell, created_at, expires_at, idempotency_key';

function toReservation(r: ReservationRow): Reservation {
  return {
    id: r.id,
    pattern: r.pattern,
    except: JSON.parse(r.except_json) as string[],
    mode: r.mode,
    holder: r.holder,
    reason: r.reason,
    cell: r.cell,
    createdAt: r.created_at,
    expiresAt: iso(r.expires_at),
    idempotencyKey: r.idempotency_key,
  };
}

/**
 * Reservations not yet released, including any past their expiry that no sweep has recorded:
 * the input the reservation decisions take (they ignore the expired ones themselves).
 */
export function openReservations(db: Database): Reservation[] {
  return rows<ReservationRow>(db, `SELECT ${RESERVATION_COLUMNS} FROM coord_reservations WHERE released_at IS NULL ORDER BY position, id`).map(
    toReservation,
  );
}

/** Reservations in force at `now`, optionally of one holder, oldest first. */
export function activeReservations(db: Database, now: number, options: { holder?: string } = {}): Reservation[] {
  const sql = `SELECT ${RESERVATION_COLUMNS} FROM coord_reservations WHERE released_at IS NULL AND expires_at > ?`;
  const list =
    options.holder === undefined
      ? rows<ReservationRow>(db, `${sql} ORDER BY position, id`, [now])
      : rows<ReservationRow>(db, `${sql} AND holder = ? ORDER BY position, id`, [now, options.holder]);
  return list.map(toReservation);
}

export function reservationById(db: Database, id: string): ReservationHistory | null {
  const r = row<ReservationRow & { released_at: string | null; release_cause: string | null; released_by: string | null }>(
    db,
    `SELECT ${RESERVATION_COLUMNS}, released_at, release_cause, released_by FROM coord_reservations WHERE id = ?`,
    [id],
  );
  return r ? { ...toReservation(r), releasedAt: r.released_at, releaseCause: r.release_cause, releasedBy: r.released_by } : null;
}

/** Open reservations tied to a cell (what a cell close releases). */
export function reservationsForCell(db: Database, cell: string): Reservation[] {
  return rows<ReservationRow>(db, `SELECT ${RESERVATION_COLUMNS} FROM coord_reservations WHERE released_at IS NULL AND cell = ? ORDER BY position, id`, [
    cell,
  ]).map(toReservation);
}

/** Counts for the status bar. */
export function coordinationCounts(db: Database, now: number, policy: Liveness = DEFAULT_POLICY): { activeAgents: number; activeLocks: number } {
  const agents = row<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM coord_agents WHERE active = 1 AND last_seen >= ?', [now - policy.inactiveAfterMs]);
  const locks = row<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM coord_reservations WHERE released_at IS NULL AND expires_at > ?', [now]);
  return { activeAgents: agents?.n ?? 0, activeLocks: locks?.n ?? 0 };
}

// ── mail ────────────────────────────────────────────────────────────────────────────────────

interface MessageRow {
  id: string;
  sender: string;
  recipients_json: string;
  broadcast: number;
  subject: string;
  body: string;
  thread: string;
  reply_to: string | null;
  importance: Importance;
  ack_required: number;
  sent_at: string;
}

interface EntryRow extends MessageRow {
  state: InboxState;
  read_at: string | null;
  acked_at: string | null;
}

const MESSAGE_COLUMNS = 'm.id, m.sender, m.recipients_json, m.broadcast, m.subject, m.body, m.thread, m.reply_to, m.importance, m.ack_required, m.sent_at';
const ENTRY_SELECT = `SELECT ${MESSAGE_COLUMNS}, i.state, i.read_at, i.acked_at FROM coord_inbox i JOIN coord_messages m ON m.id = i.message_id`;

function toMessage(r: MessageRow): MailMessage {
  return {
    id: r.id,
    from: r.sender,
    to: JSON.parse(r.recipients_json) as string[],
    broadcast: r.broadcast === 1,
    subject: r.subject,
    body: r.body,
    thread: r.thread,
    replyTo: r.reply_to,
    importance: r.importance,
    ackRequired: r.ack_required === 1,
    sentAt: r.sent_at,
  };
}

function toEntry(r: EntryRow): InboxEntry {
  return { message: toMessage(r), state: r.state, readAt: r.read_at, ackedAt: r.acked_at };
}

export interface InboxQuery {
  unreadOnly?: boolean;
  includeAcked?: boolean;
  thread?: string;
  limit?: number;
}

/** The inbox, newest first. A peek: nothing about the entries changes. */
export function inbox(db: Database, agent: string, query: InboxQuery = {}): { entries: InboxEntry[]; unread: number } {
  const where = ['i.agent = ?'];
  const params: Array<string | number> = [agent];
  if (query.unreadOnly) where.push("i.state = 'unread'");
  else if (!query.includeAcked) where.push("i.state != 'acked'");
  if (query.thread !== undefined) {
    where.push('m.thread = ?');
    params.push(query.thread);
  }
  params.push(query.limit ?? 50);
  const entries = rows<EntryRow>(db, `${ENTRY_SELECT} WHERE ${where.join(' AND ')} ORDER BY i.position DESC LIMIT ?`, params).map(toEntry);
  const unread = row<{ n: number }>(db, "SELECT COUNT(*) AS n FROM coord_inbox WHERE agent = ? AND state = 'unread'", [agent]);
  return { entries, unread: unread?.n ?? 0 };
}

/** The agent's inbox entries for these message ids (ids not delivered to it are left out). */
export function inboxEntries(db: Database, agent: string, ids: readonly string[]): InboxEntry[] {
  const out: InboxEntry[] = [];
  for (const id of new Set(ids)) {
    const r = row<EntryRow>(db, `${ENTRY_SELECT} WHERE i.agent = ? AND i.message_id = ?`, [agent, id]);
    if (r) out.push(toEntry(r));
  }
  return out;
}

/** Unread entries, oldest first: what "read everything" reads. */
export function unreadEntries(db: Database, agent: string, limit = 50): InboxEntry[] {
  return rows<EntryRow>(db, `${ENTRY_SELECT} WHERE i.agent = ? AND i.state = 'unread' ORDER BY i.position LIMIT ?`, [agent, limit]).map(toEntry);
}

export function messageById(db: Database, id: string): MailMessage | null {
  const r = row<MessageRow>(db, `SELECT ${MESSAGE_COLUMNS} FROM coord_messages m WHERE m.id = ?`, [id]);
  return r ? toMessage(r) : null;
}

/** An earlier message sent with this idempotency key, to answer a retried send. */
export function messageByKey(db: Database, from: string, key: string): MailMessage | null {
  const r = row<MessageRow>(db, `SELECT ${MESSAGE_COLUMNS} FROM coord_messages m WHERE m.sender = ? AND m.idempotency_key = ?`, [from, key]);
  return r ? toMessage(r) : null;
}

/**
 * A thread's messages in order. With an agent, only messages it sent or received: a thread
 * is no way to read other agents' mail.
 */
export function thread(db: Database, threadId: string, agent?: string): MailMessage[] {
  const all = rows<MessageRow>(db, `SELECT ${MESSAGE_COLUMNS} FROM coord_messages m WHERE m.thread = ? ORDER BY m.position`, [threadId]).map(toMessage);
  return agent === undefined ? all : all.filter((m) => m.from === agent || m.to.includes(agent));
}

// ── audit ───────────────────────────────────────────────────────────────────────────────────

export interface AuditEntry {
  position: number;
  type: string;
  actor: string;
  at: string;
  data: unknown;
}

/** Force-releases, overrides and guard bypasses, newest first. */
export function auditTrail(db: Database, limit = 100): AuditEntry[] {
  return rows<{ position: number; type: string; actor: string; at: string; data_json: string }>(
    db,
    'SELECT position, type, actor, at, data_json FROM coord_audit ORDER BY position DESC LIMIT ?',
    [limit],
  ).map((r) => ({ position: r.position, type: r.type, actor: r.actor, at: r.at, data: JSON.parse(r.data_json) as unknown }));
}
