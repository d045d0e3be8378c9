// What the cost panel draws, computed from the report: pure, so it is tested without a browser.
import type { BudgetStatus, CostReport, SpendBucket } from '../../shared/llm';

const MICROS = 1_000_000;

/** "$0.0123" below a dollar (four places, so small calls don't show as $0.00), "$12.35" above. */
export function usd(micros: number): string {
  const abs = Math.abs(micros);
  const text = abs < MICROS ? (abs / MICROS).toFixed(4) : (abs / MICROS).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${micros < 0 ? '-' : ''}$${text}`;
}

export function percent(ratio: number): string {
  if (ratio > 0 && ratio < 0.001) return '<0.1%';
  return `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;
}

export function tokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

export type Level = 'ok' | 'warn' | 'over';

export interface Gauge {
  title: string;
  detail: string;
  /** Shares of the cap, each 0..1, spent first then reserved (their sum is at most 1). */
  spent: number;
  reserved: number;
  level: Level;
  /** "$0.0120 of $5.00" */
  used: string;
  /** "$4.99 left" */
  left: string;
  reservedText?: string;
}

const SCOPE_TITLE: Record<BudgetStatus['scope'], string> = { day: 'Today', month: 'This month', cell: 'Cell', run: 'Swarm run' };

export function gauge(b: BudgetStatus): Gauge {
  const cap = Math.max(b.capMicros, 1);
  const spent = Math.min(1, b.spentMicros / cap);
  const reserved = Math.min(1 - spent, b.reservedMicros / cap);
  const level: Level = b.usedRatio >= 1 ? 'over' : b.usedRatio >= 0.8 ? 'warn' : 'ok';
  const g: Gauge = {
    title: SCOPE_TITLE[b.scope],
    detail: b.scope === 'day' ? `${b.key} UTC` : b.key,
    spent,
    reserved,
    level,
    used: `${usd(b.spentMicros)} of ${usd(b.capMicros)}`,
    left: `${usd(b.remainingMicros)} left`,
  };
  if (b.reservedMicros > 0) g.reservedText = `${usd(b.reservedMicros)} reserved by calls in flight`;
  return g;
}

export interface Bar {
  day: string;
  micros: number;
  /** 0..1 of the tallest day. */
  height: number;
  today: boolean;
  label: string;
}

export function dailyBars(report: CostReport): Bar[] {
  const max = Math.max(0, ...report.daily.map((d) => d.micros));
  const last = report.daily[report.daily.length - 1]?.day;
  return report.daily.map((d) => ({
    day: d.day,
    micros: d.micros,
    height: max > 0 ? d.micros / max : 0,
    today: d.day === last,
    label: `${d.day}: ${usd(d.micros)}`,
  }));
}

export interface Row {
  key: string;
  cost: string;
  calls: string;
  tokens: string;
  /** Share of the biggest row, 0..1. */
  share: number;
}

export function rows(buckets: SpendBucket[], limit = 8): Row[] {
  const max = Math.max(0, ...buckets.map((b) => b.micros));
  return buckets.slice(0, limit).map((b) => ({
    key: b.key,
    cost: usd(b.micros),
    calls: plural(b.calls, 'call'),
    tokens: `${tokens(b.inputTokens)} in · ${tokens(b.outputTokens)} out`,
    share: max > 0 ? b.micros / max : 0,
  }));
}

/** The routing saving in one sentence, or undefined before any spend. */
export function saving(report: CostReport): { text: string; detail: string } | undefined {
  const c = report.counterfactual;
  if (c.actualMicros <= 0) return undefined;
  const share = c.largeTierOnlyMicros > 0 ? c.savingMicros / c.largeTierOnlyMicros : 0;
  return {
    text: c.savingMicros > 0 ? `${usd(c.savingMicros)} saved by routing` : c.savingMicros === 0 ? 'No saving yet: large-tier prices' : `${usd(-c.savingMicros)} more than the large tier`,
    detail: `The same tokens on ${c.largeTierModel} alone: ${usd(c.largeTierOnlyMicros)}${c.savingMicros > 0 ? ` (${percent(share)} less spent)` : ''}.`,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-10-23" → "Oct 23" (the same in every locale, like the rest of the panel). */
export function shortDay(day: string): string {
  const [, m, d] = /^\d{4}-(\d\d)-(\d\d)$/.exec(day) ?? [];
  return m && d ? `${MONTHS[Number(m) - 1]} ${Number(d)}` : day;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
