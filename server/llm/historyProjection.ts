// The gateway's memory across restarts: a sql.js read model holding the LLM events the cost
// view still needs, compacted as they arrive — an admission leaves once its call settles, fails
// or expires (its reservation is then closed), a used override leaves, only the latest budget
// settings stay, retries are not kept, and per model only the last two breaker changes (a
// half-open state takes its opening time from the change before it). Folding what is left, in
// position order, gives the same cost view as folding the whole log, so a host starts without
// re-reading the log and an unsettled reservation of a crashed call is still there to expire.
// Everything is computed from the event alone, so a rebuild from the log equals the live model.
import type { Database } from 'sql.js';
import type { EventEnvelope } from '../../shared/events';
import { LlmEventTypes } from '../../shared/llm';
import type { Projection } from '../store/projection';

export const LLM_STREAM_PREFIX = 'llm-';

const T = LlmEventTypes;

/** One kept event; `ref` is the call id, override id or model the row compacts by. */
interface HistoryRow {
  type: string;
  data: unknown;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function field(data: unknown, name: string): unknown {
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[name] : undefined;
}

function keep(db: Database, e: EventEnvelope, ref: string | null): void {
  db.run('INSERT OR IGNORE INTO llm_history (position, type, ref, data) VALUES (?, ?, ?, ?)', [e.position, e.type, ref, JSON.stringify(e.data)]);
}

function closeCall(db: Database, callId: string | null): void {
  if (callId !== null) db.run('DELETE FROM llm_history WHERE type = ? AND ref = ?', [T.callStarted, callId]);
}

export const llmHistoryProjection: Projection = {
  name: 'llm-history',
  version: 1,
  schema: [
    'CREATE TABLE llm_history (position INTEGER PRIMARY KEY, type TEXT NOT NULL, ref TEXT, data TEXT NOT NULL)',
    'CREATE INDEX llm_history_ref ON llm_history (type, ref)',
  ],
  types: Object.values(LlmEventTypes),
  apply(db, e) {
    // Only the gateway writes these streams (they are owned), so nothing forged is folded.
    if (!e.stream.startsWith(LLM_STREAM_PREFIX)) return;
    const d = e.data;
    switch (e.type) {
      case T.callStarted: {
        const used = field(d, 'overridesUsed');
        if (Array.isArray(used)) for (const id of used) db.run('DELETE FROM llm_history WHERE type = ? AND ref = ?', [T.overrideGranted, String(id)]);
        keep(db, e, str(field(d, 'callId')));
        break;
      }
      case T.callSettled:
      case T.callFailed:
        closeCall(db, str(field(d, 'callId')));
        keep(db, e, str(field(d, 'callId')));
        break;
      case T.reservationExpired:
        closeCall(db, str(field(d, 'callId')));
        break;
      case T.budgetConfigured:
        db.run('DELETE FROM llm_history WHERE type = ?', [T.budgetConfigured]);
        keep(db, e, null);
        break;
      case T.overrideGranted:
        keep(db, e, str(field(d, 'overrideId')));
        break;
      case T.breakerChanged: {
        const model = str(field(d, 'model'));
        db.run(
          'DELETE FROM llm_history WHERE type = ? AND ref IS ? AND position < (SELECT max(position) FROM llm_history WHERE type = ? AND ref IS ?)',
          [T.breakerChanged, model, T.breakerChanged, model],
        );
        keep(db, e, model);
        break;
      }
      default:
        // llm.call.retried: the cost view does not need it; the log keeps it.
        break;
    }
  },
};

/** The kept events in log order: the gateway's `history`. */
export function readLlmHistory(db: Database): HistoryRow[] {
  const rows: HistoryRow[] = [];
  const stmt = db.prepare('SELECT type, data FROM llm_history ORDER BY position');
  try {
    while (stmt.step()) {
      const [type, data] = stmt.get();
      rows.push({ type: String(type), data: JSON.parse(String(data)) as unknown });
    }
  } finally {
    stmt.free();
  }
  return rows;
}
