// The budget ledger: what has been spent per budget key, which reservations are outstanding,
// the caps and unused overrides — all folded from the gateway's events, so a restarted host
// rebuilds it from the log. `decideAdmission` is the pure check the gateway runs, with the
// reservation applied in the same synchronous step, before anything is awaited.
import type { BudgetCaps, BudgetOverrideGranted, LlmEvent, ScopeRef } from '../../shared/llm';
import { LlmEventTypes } from '../../shared/llm';

export interface OpenReservation {
  callId: string;
  amountMicros: number;
  scopes: ScopeRef[];
  expiresAtMs: number;
}

export interface LedgerState {
  caps: BudgetCaps;
  /** Settled spend per budget key ("day:2026-11-21", "month:2026-11", "cell:c1", "run:r1"). */
  spent: Map<string, number>;
  /** Admitted, not yet settled, failed or expired. */
  open: Map<string, OpenReservation>;
  /** Granted, not yet used. */
  overrides: Map<string, BudgetOverrideGranted>;
}

export function emptyLedger(): LedgerState {
  return { caps: {}, spent: new Map(), open: new Map(), overrides: new Map() };
}

export function scopeKey(ref: ScopeRef): string {
  return `${ref.scope}:${ref.key}`;
}

export function dayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function monthKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** The budgets a call started at `ms` counts against. */
export function scopesFor(ms: number, cell: string | undefined, run: string | undefined): ScopeRef[] {
  const scopes: ScopeRef[] = [
    { scope: 'day', key: dayKey(ms) },
    { scope: 'month', key: monthKey(ms) },
  ];
  if (cell !== undefined) scopes.push({ scope: 'cell', key: cell });
  if (run !== undefined) scopes.push({ scope: 'run', key: run });
  return scopes;
}

function addSpend(state: LedgerState, scopes: ScopeRef[], micros: number): void {
  if (micros <= 0) return;
  for (const s of scopes) {
    const k = scopeKey(s);
    state.spent.set(k, (state.spent.get(k) ?? 0) + micros);
  }
}

/** Applies one event to the ledger in place (the fold step); events of other kinds are ignored. */
export function applyLedgerEvent(state: LedgerState, event: LlmEvent): LedgerState {
  switch (event.type) {
    case LlmEventTypes.callStarted: {
      const d = event.data;
      state.open.set(d.callId, {
        callId: d.callId,
        amountMicros: d.reservation.amountMicros,
        scopes: d.reservation.scopes,
        expiresAtMs: Date.parse(d.reservation.expiresAt),
      });
      for (const id of d.overridesUsed) state.overrides.delete(id);
      break;
    }
    case LlmEventTypes.callSettled:
      state.open.delete(event.data.callId);
      addSpend(state, event.data.scopes, event.data.record.costMicros);
      break;
    case LlmEventTypes.callFailed:
      state.open.delete(event.data.callId);
      addSpend(state, event.data.scopes, event.data.costMicros);
      break;
    case LlmEventTypes.reservationExpired:
      state.open.delete(event.data.callId);
      break;
    case LlmEventTypes.budgetConfigured:
      state.caps = { ...event.data.caps };
      break;
    case LlmEventTypes.overrideGranted:
      state.overrides.set(event.data.overrideId, event.data);
      break;
    default:
      break;
  }
  return state;
}

export function foldLedger(events: Iterable<LlmEvent>): LedgerState {
  const state = emptyLedger();
  for (const e of events) applyLedgerEvent(state, e);
  return state;
}

/** Reservations that still count at `now` and include this budget key. */
export function reservedMicros(state: LedgerState, key: string, now: number): number {
  let total = 0;
  for (const r of state.open.values()) {
    if (r.expiresAtMs > now && r.scopes.some((s) => scopeKey(s) === key)) total += r.amountMicros;
  }
  return total;
}

export function spentMicros(state: LedgerState, key: string): number {
  return state.spent.get(key) ?? 0;
}

/** Reservations whose deadline has passed without a settlement. */
export function expiredReservations(state: LedgerState, now: number): OpenReservation[] {
  return [...state.open.values()].filter((r) => r.expiresAtMs <= now);
}

export interface BudgetRefusal extends ScopeRef {
  capMicros: number;
  spentMicros: number;
  reservedMicros: number;
  requestedMicros: number;
}

export type AdmissionDecision = { ok: true; overridesUsed: string[] } | { ok: false; refusal: BudgetRefusal };

/**
 * Would reserving `amountMicros` against these budgets keep every capped one within its cap,
 * counting what is spent and every outstanding reservation? Fails closed: the first budget that
 * would be exceeded refuses, unless an unused override lifts that one cap for this call.
 */
export function decideAdmission(state: LedgerState, scopes: ScopeRef[], amountMicros: number, now: number): AdmissionDecision {
  const overridesUsed: string[] = [];
  for (const ref of scopes) {
    const cap = state.caps[ref.scope];
    if (cap === undefined) continue;
    const key = scopeKey(ref);
    const spent = spentMicros(state, key);
    const reserved = reservedMicros(state, key, now);
    if (spent + reserved + amountMicros <= cap) continue;
    const override = [...state.overrides.values()].find(
      (o) => o.scope === ref.scope && (o.key === undefined || o.key === ref.key) && !overridesUsed.includes(o.overrideId),
    );
    if (override) {
      overridesUsed.push(override.overrideId);
      continue;
    }
    return { ok: false, refusal: { ...ref, capMicros: cap, spentMicros: spent, reservedMicros: reserved, requestedMicros: amountMicros } };
  }
  return { ok: true, overridesUsed };
}
