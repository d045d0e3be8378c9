// Durable mailbox: send, receive, ack. A message is delivered to a consumer until that consumer
// acks it, and never after (exactly-once processing for consumers that ack after handling).
// Acks carry a deterministic event id, so a repeated ack is an idempotent no-op.
import type { Database, SqlValue } from 'sql.js';
import { ApiaryError } from '../../../shared/errors';
import type { EventEnvelope } from '../../../shared/events';
import type { Projection } from '../projection';
import type { Store } from '../store';
import { all, insertRows } from './sql';

interface SentData {
  mailbox: string;
  id: string;
  body: unknown;
}
interface AckedData {
  mailbox: string;
  consumer: string;
  id: string;
}

export const mailboxProjection: Projection = {
  name: 'mailbox',
  version: 2,
  schema: [
    'CREATE TABLE mailbox_messages (mailbox TEXT NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, body TEXT NOT NULL, sent_at TEXT NOT NULL, sender TEXT NOT NULL, PRIMARY KEY (mailbox, id)) WITHOUT ROWID',
    'CREATE INDEX mailbox_messages_pos ON mailbox_messages (mailbox, position)',
    'CREATE TABLE mailbox_acks (mailbox TEXT NOT NULL, consumer TEXT NOT NULL, id TEXT NOT NULL, acked_at TEXT NOT NULL, PRIMARY KEY (mailbox, consumer, id)) WITHOUT ROWID',
  ],
  types: ['mailbox.sent', 'mailbox.acked'],
  apply(db: Database, e: EventEnvelope): void {
    this.applyBatch!(db, [e]);
  },
  applyBatch(db: Database, events: EventEnvelope[]): void {
    const sent: SqlValue[][] = [];
    const acks: SqlValue[][] = [];
    for (const e of events) {
      if (e.type === 'mailbox.sent') {
        const d = e.data as SentData;
        sent.push([d.mailbox, d.id, e.position, JSON.stringify(d.body ?? null), e.ts, e.actor]);
      } else {
        const d = e.data as AckedData;
        acks.push([d.mailbox, d.consumer, d.id, e.ts]);
      }
    }
    // The two tables do not constrain each other, so each gets its rows in one go.
    insertRows(db, 'INSERT OR IGNORE INTO mailbox_messages VALUES', sent);
    insertRows(db, 'INSERT OR IGNORE INTO mailbox_acks VALUES', acks);
  },
};

export interface Delivery {
  id: string;
  body: unknown;
  position: number;
  sentAt: string;
  sender: string;
  /** How many times this consumer has been handed this message in this host's life. */
  attempt: number;
}

const streamOf = (mailbox: string): string => `$mailbox-${mailbox}`;

export class Mailboxes {
  /** Leases are in memory on purpose: after a crash every unacked message is due again. */
  private readonly leases = new Map<string, { until: number; attempt: number }>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async send(mailbox: string, body: unknown, opts: { id?: string; actor: string }): Promise<{ id: string; position: number; duplicate: boolean }> {
    const id = opts.id ?? crypto.randomUUID();
    const r = await this.store.events.append(
      streamOf(mailbox),
      [{ id: `mail:${mailbox}:${id}`, type: 'mailbox.sent', data: { mailbox, id, body } satisfies SentData }],
      'any',
      { actor: opts.actor },
    );
    return { id, position: r.positions[0]!, duplicate: r.duplicate };
  }

  /** Unacked messages for `consumer`, oldest first, each leased to it for `visibilityMs`. */
  receive(mailbox: string, consumer: string, opts: { max?: number; visibilityMs?: number } = {}): Delivery[] {
    const max = opts.max ?? 100;
    const now = this.now();
    const rows = all<{ id: string; body: string; position: number; sent_at: string; sender: string }>(
      this.store.db,
      `SELECT m.id, m.body, m.position, m.sent_at, m.sender FROM mailbox_messages m
       WHERE m.mailbox = ? AND NOT EXISTS (SELECT 1 FROM mailbox_acks a WHERE a.mailbox = m.mailbox AND a.consumer = ? AND a.id = m.id)
       ORDER BY m.position`,
      [mailbox, consumer],
    );
    const out: Delivery[] = [];
    for (const r of rows) {
      if (out.length >= max) break;
      const key = `${mailbox}\u0000${consumer}\u0000${r.id}`;
      const lease = this.leases.get(key);
      if (lease && lease.until > now) continue;
      const attempt = (lease?.attempt ?? 0) + 1;
      this.leases.set(key, { until: now + (opts.visibilityMs ?? 30_000), attempt });
      out.push({ id: r.id, body: JSON.parse(r.body), position: r.position, sentAt: r.sent_at, sender: r.sender, attempt });
    }
    return out;
  }

  /** Acks are idempotent; acking a message that was never sent is refused. */
  async ack(mailbox: string, consumer: string, ids: string[]): Promise<{ acked: number }> {
    const known = new Set(
      all<{ id: string }>(this.store.db, `SELECT id FROM mailbox_messages WHERE mailbox = ? AND id IN (${ids.map(() => '?').join(',')})`, [mailbox, ...ids]).map((r) => r.id),
    );
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length) {
      throw new ApiaryError('not_found', `no message ${missing[0]} in mailbox ${mailbox}`, 'Ack the ids that receive returned.', { missing });
    }
    let acked = 0;
    for (const id of ids) {
      const r = await this.store.events.append(
        streamOf(mailbox),
        [{ id: `ack:${mailbox}:${consumer}:${id}`, type: 'mailbox.acked', data: { mailbox, consumer, id } satisfies AckedData }],
        'any',
        { actor: consumer },
      );
      if (!r.duplicate) acked++;
      this.leases.delete(`${mailbox}\u0000${consumer}\u0000${id}`);
    }
    return { acked };
  }
}
