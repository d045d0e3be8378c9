// The approvals read model: every request with its policy decision and outcome, and each
// agent's trust. A request's outcome is its deferred promise's settlement (one event, exactly one
// winner), so this projection also folds the `deferred.*` events of approval ids. Trust moves
// with outcomes: a human approval is a success, a human rejection a failure; time-outs and the
// policy's own decisions leave it alone.
import type { Database } from 'sql.js';
import { type Approval, type ApprovalDecision, ApprovalEvents, type ApprovalEventData, DEFERRED_PREFIX } from '../../shared/approvals';
import type { EventEnvelope } from '../../shared/events';
import type { Projection } from '../store/projection';
import { all, one, run } from '../store/primitives/sql';
import { afterOutcome, freshTrust, type TrustRecord } from './core/trust';

export const approvalsProjection: Projection = {
  name: 'approvals',
  version: 1,
  schema: [
    `CREATE TABLE approvals (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL, requester TEXT NOT NULL, cell TEXT, body TEXT NOT NULL)`,
    'CREATE INDEX approvals_status ON approvals (status, created_at)',
    'CREATE TABLE approval_trust (agent TEXT PRIMARY KEY, score REAL NOT NULL, successes INTEGER NOT NULL, failures INTEGER NOT NULL, updated_at TEXT)',
  ],
  types: ['approval.*', 'deferred.resolved', 'deferred.rejected', 'deferred.timed_out'],
  apply(db: Database, e: EventEnvelope): void {
    if (e.type === ApprovalEvents.requested) {
      const { approval } = e.data as ApprovalEventData['approval.requested'];
      run(db, 'INSERT OR IGNORE INTO approvals VALUES (?, ?, ?, ?, ?, ?)', [approval.id, approval.createdAt, approval.status, approval.requester, approval.cell, JSON.stringify(approval)]);
      return;
    }
    if (e.type === ApprovalEvents.outcomeRecorded) {
      const d = e.data as ApprovalEventData['approval.outcome_recorded'];
      saveTrust(db, afterOutcome(trustOf(db, d.agent), d.success, e.ts));
      return;
    }
    if (e.type === ApprovalEvents.trustReset) {
      const d = e.data as ApprovalEventData['approval.trust_reset'];
      saveTrust(db, { ...freshTrust(d.agent), updatedAt: e.ts });
      return;
    }
    const data = e.data as { id?: unknown; value?: unknown; reason?: string; outcome?: 'resolved' | 'rejected' };
    if (typeof data.id !== 'string' || !data.id.startsWith(DEFERRED_PREFIX)) return;
    const approval = approvalById(db, data.id.slice(DEFERRED_PREFIX.length));
    if (!approval || approval.status !== 'pending') return;
    const value = (data.value ?? {}) as { reason?: string | null; applied?: boolean };
    const timedOut = e.type === 'deferred.timed_out';
    const outcome: ApprovalDecision['outcome'] =
      e.type === 'deferred.resolved' || (timedOut && data.outcome === 'resolved') ? 'approved' : 'rejected';
    const decision: ApprovalDecision = {
      outcome,
      by: e.actor,
      at: e.ts,
      reason: timedOut ? (data.reason ?? 'timed out') : e.type === 'deferred.rejected' ? (data.reason ?? null) : (value.reason ?? null),
      auto: false,
      timedOut,
      applied: value.applied === true,
    };
    const next: Approval = { ...approval, status: outcome, decision };
    run(db, 'UPDATE approvals SET status = ?, body = ? WHERE id = ?', [outcome, JSON.stringify(next), approval.id]);
    if (!timedOut) saveTrust(db, afterOutcome(trustOf(db, approval.requester), outcome === 'approved', e.ts));
  },
};

export function approvalById(db: Database, id: string): Approval | undefined {
  const r = one<{ body: string }>(db, 'SELECT body FROM approvals WHERE id = ?', [id]);
  return r ? (JSON.parse(r.body) as Approval) : undefined;
}

export function listApprovals(db: Database, pendingOnly: boolean, limit: number): Approval[] {
  const sql = pendingOnly
    ? "SELECT body FROM approvals WHERE status = 'pending' ORDER BY created_at, id LIMIT ?"
    : 'SELECT body FROM approvals ORDER BY created_at DESC, id LIMIT ?';
  return all<{ body: string }>(db, sql, [limit]).map((r) => JSON.parse(r.body) as Approval);
}

export function trustOf(db: Database, agent: string): TrustRecord {
  const r = one<{ agent: string; score: number; successes: number; failures: number; updated_at: string | null }>(db, 'SELECT * FROM approval_trust WHERE agent = ?', [agent]);
  return r ? { agent: r.agent, score: r.score, successes: r.successes, failures: r.failures, updatedAt: r.updated_at } : freshTrust(agent);
}

export function allTrust(db: Database): TrustRecord[] {
  return all<{ agent: string; score: number; successes: number; failures: number; updated_at: string | null }>(db, 'SELECT * FROM approval_trust ORDER BY agent').map((r) => ({
    agent: r.agent,
    score: r.score,
    successes: r.successes,
    failures: r.failures,
    updatedAt: r.updated_at,
  }));
}

function saveTrust(db: Database, t: TrustRecord): void {
  run(db, 'INSERT OR REPLACE INTO approval_trust VALUES (?, ?, ?, ?, ?)', [t.agent, t.score, t.successes, t.failures, t.updatedAt]);
}
