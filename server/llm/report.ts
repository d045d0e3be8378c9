// The cost report the panel, `apiary cost` and the MCP tool `cost_report` show: a pure
// function of the call records, the ledger, breaker states and the time.
import type { BreakerStatus, BudgetStatus, CallRecord, CostReport, LlmCallFailed, SpendBucket } from '../../shared/llm';
import { BUDGET_SCOPES } from '../../shared/llm';
import { costOf } from './cost';
import { dayKey, monthKey, reservedMicros, scopeKey, spentMicros, type LedgerState } from './ledger';
import type { Pricing } from './pricing/priceTable';

const DAY_MS = 86_400_000;

export interface CostReportInput {
  now: number;
  pricing: Pricing;
  calls: readonly CallRecord[];
  failures?: readonly LlmCallFailed[];
  ledger: LedgerState;
  breakers: readonly BreakerStatus[];
  /** The epic a cell belongs to, when the caller did not record one on the call. */
  epicOf?: (cell: string) => string | undefined;
  /** Most cell / run budgets listed (the fullest first). */
  maxScopedBudgets?: number;
}

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function bucketize(calls: readonly CallRecord[], keyOf: (c: CallRecord) => string): SpendBucket[] {
  const map = new Map<string, SpendBucket>();
  for (const c of calls) {
    const key = keyOf(c);
    const b = map.get(key) ?? { key, micros: 0, calls: 0, inputTokens: 0, outputTokens: 0 };
    b.micros += c.costMicros;
    b.calls += 1;
    b.inputTokens += c.usage.inputTokens + c.usage.cacheCreationInputTokens + c.usage.cacheReadInputTokens;
    b.outputTokens += c.usage.outputTokens;
    map.set(key, b);
  }
  return [...map.values()].sort((a, b) => b.micros - a.micros || a.key.localeCompare(b.key));
}

function budgetStatus(ledger: LedgerState, scope: BudgetStatus['scope'], key: string, cap: number, now: number): BudgetStatus {
  const k = scopeKey({ scope, key });
  const spent = spentMicros(ledger, k);
  const reserved = reservedMicros(ledger, k, now);
  return {
    scope,
    key,
    capMicros: cap,
    spentMicros: spent,
    reservedMicros: reserved,
    remainingMicros: Math.max(0, cap - spent - reserved),
    usedRatio: cap > 0 ? (spent + reserved) / cap : 1,
  };
}

function budgets(input: CostReportInput): BudgetStatus[] {
  const { ledger, now } = input;
  const limit = input.maxScopedBudgets ?? 20;
  const out: BudgetStatus[] = [];
  for (const scope of BUDGET_SCOPES) {
    const cap = ledger.caps[scope];
    if (cap === undefined) continue;
    if (scope === 'day') out.push(budgetStatus(ledger, scope, dayKey(now), cap, now));
    else if (scope === 'month') out.push(budgetStatus(ledger, scope, monthKey(now), cap, now));
    else {
      // Cells and runs with any spend or reservation, the fullest first.
      const keys = new Set<string>();
      const prefix = `${scope}:`;
      for (const k of ledger.spent.keys()) if (k.startsWith(prefix)) keys.add(k.slice(prefix.length));
      for (const r of ledger.open.values()) for (const s of r.scopes) if (s.scope === scope && r.expiresAtMs > now) keys.add(s.key);
      const list = [...keys].map((key) => budgetStatus(ledger, scope, key, cap, now));
      list.sort((a, b) => b.usedRatio - a.usedRatio || a.key.localeCompare(b.key));
      out.push(...list.slice(0, limit));
    }
  }
  return out;
}

export function computeCostReport(input: CostReportInput): CostReport {
  const { now, pricing, ledger } = input;
  const today = startOfUtcDay(now);
  const from30 = today - 29 * DAY_MS;
  const since = (ms: number) => input.calls.filter((c) => Date.parse(c.startedAt) >= ms);
  const sum = (cs: readonly CallRecord[]) => cs.reduce((t, c) => t + c.costMicros, 0);
  const last30 = since(now - 30 * DAY_MS);

  const daily: CostReport['daily'] = [];
  const perDay = new Map<string, number>();
  for (const c of since(from30)) {
    const d = c.startedAt.slice(0, 10);
    perDay.set(d, (perDay.get(d) ?? 0) + c.costMicros);
  }
  for (let t = from30; t <= today; t += DAY_MS) daily.push({ day: dayKey(t), micros: perDay.get(dayKey(t)) ?? 0 });

  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  const monthEnd = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + 1, 1);
  const monthMicros = sum(since(monthStart));
  const elapsed = Math.max(now - monthStart, 1);
  const projectedMonthMicros = Math.round((monthMicros * (monthEnd - monthStart)) / elapsed);

  const largeModel = pricing.tiers.large;
  const largePrice = pricing.price(largeModel);
  let largeOnly = 0;
  for (const c of last30) {
    largeOnly += largePrice ? costOf(c.usage, largePrice, pricing.geoPercent(c.usage.inferenceGeo)).totalMicros : c.costMicros;
  }
  const actual30 = sum(last30);

  let inputTokens = 0;
  let writeTokens = 0;
  let readTokens = 0;
  let hits = 0;
  for (const c of last30) {
    inputTokens += c.usage.inputTokens;
    writeTokens += c.usage.cacheCreationInputTokens;
    readTokens += c.usage.cacheReadInputTokens;
    if (c.cacheHit) hits += 1;
  }
  const promptTotal = inputTokens + writeTokens + readTokens;

  let inFlight = 0;
  let reserved = 0;
  for (const r of ledger.open.values()) {
    if (r.expiresAtMs > now) {
      inFlight += 1;
      reserved += r.amountMicros;
    }
  }

  const epicOf = (c: CallRecord) => c.epic ?? (c.cell !== undefined ? input.epicOf?.(c.cell) : undefined) ?? '(none)';
  return {
    generatedAt: new Date(now).toISOString(),
    prices: { asOf: pricing.table.asOf, source: pricing.table.source },
    tiers: { ...pricing.tiers },
    spend: {
      todayMicros: sum(since(today)),
      last7dMicros: sum(since(now - 7 * DAY_MS)),
      last30dMicros: actual30,
      monthMicros,
      projectedMonthMicros,
    },
    daily,
    byModel: bucketize(last30, (c) => c.model),
    byAgent: bucketize(last30, (c) => c.agent),
    byEpic: bucketize(last30, epicOf),
    budgets: budgets(input),
    counterfactual: { largeTierModel: largeModel, actualMicros: actual30, largeTierOnlyMicros: largeOnly, savingMicros: largeOnly - actual30 },
    cache: {
      hitRate: promptTotal > 0 ? readTokens / promptTotal : 0,
      callHitRate: last30.length > 0 ? hits / last30.length : 0,
      inputTokens,
      writeTokens,
      readTokens,
    },
    // Closed breakers are the normal case; the report lists the ones that need attention.
    breakers: input.breakers.filter((b) => b.state !== 'closed').sort((a, b) => a.model.localeCompare(b.model)),
    calls: {
      settled30d: last30.length,
      failed30d: (input.failures ?? []).filter((f) => Date.parse(f.failedAt) >= now - 30 * DAY_MS).length,
      inFlight,
      reservedMicros: reserved,
    },
  };
}
