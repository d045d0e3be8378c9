// Everything the cost views need, folded from the gateway's events: the budget ledger, the
// settled calls, the failures and the last known breaker state per model. The gateway keeps
// one live; a restarted host rebuilds it from the log with `foldCostView`.
import type { BreakerStatus, CallRecord, LlmCallFailed, LlmEvent } from '../../shared/llm';
import { LlmEventTypes, isLlmEvent } from '../../shared/llm';
import { applyLedgerEvent, emptyLedger, type LedgerState } from './ledger';

export interface CostView {
  ledger: LedgerState;
  calls: CallRecord[];
  failures: LlmCallFailed[];
  breakers: Map<string, BreakerStatus>;
}

export function emptyCostView(): CostView {
  return { ledger: emptyLedger(), calls: [], failures: [], breakers: new Map() };
}

export function applyCostEvent(view: CostView, event: LlmEvent): CostView {
  applyLedgerEvent(view.ledger, event);
  switch (event.type) {
    case LlmEventTypes.callSettled:
      view.calls.push(event.data.record);
      break;
    case LlmEventTypes.callFailed:
      view.failures.push(event.data);
      break;
    case LlmEventTypes.breakerChanged: {
      const d = event.data;
      const status: BreakerStatus = { model: d.model, state: d.to, consecutiveFailures: d.consecutiveFailures };
      if (d.to !== 'closed') status.openedAt = d.to === 'open' ? d.at : (view.breakers.get(d.model)?.openedAt ?? d.at);
      if (d.retryAt !== undefined) status.retryAt = d.retryAt;
      view.breakers.set(d.model, status);
      break;
    }
    default:
      break;
  }
  return view;
}

/** Folds stored events (any kinds; only LLM ones count) into a cost view. */
export function foldCostView(events: Iterable<{ type: string; data: unknown }>): CostView {
  const view = emptyCostView();
  for (const e of events) if (isLlmEvent(e)) applyCostEvent(view, e);
  return view;
}

/** Drops calls and failures older than `keepFromMs` (the report looks back 30 days). */
export function pruneCostView(view: CostView, keepFromMs: number): void {
  view.calls = view.calls.filter((c) => Date.parse(c.startedAt) >= keepFromMs);
  view.failures = view.failures.filter((f) => Date.parse(f.failedAt) >= keepFromMs);
}
