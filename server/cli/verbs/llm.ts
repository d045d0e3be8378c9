// llm ask "<prompt>" · cost · cost budget — one model call through the host's gateway, the cost
// report the panel shows, and the budget caps.
import type { BudgetCaps, BudgetScope, BudgetStatus, CostReport, LlmAskResult, SpendBucket } from '../../../shared/llm';
import { BudgetGetRequest, BudgetSetRequest, CostReportRequest, formatUsd, LlmAskRequest } from '../../../shared/llm';
import type { BudgetSettingsParams, LlmAskParams } from '../../../shared/llmSchemas';
import { intOption, parse } from '../args';
import { withHost } from '../client';
import { printResult, UsageError } from '../output';

const TIER_NAMES = ['small', 'medium', 'large'];

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export async function llm(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'ask') throw new UsageError(sub ? `unknown llm subcommand ${sub}` : 'llm needs a subcommand: ask "<prompt>"');
  const { values, positionals, common } = parse(rest, {
    tier: { type: 'string' },
    cell: { type: 'string' },
    run: { type: 'string' },
    epic: { type: 'string' },
    system: { type: 'string' },
    'max-tokens': { type: 'string' },
    failover: { type: 'boolean', default: false },
  });
  let prompt = positionals.join(' ');
  if (prompt === '-') prompt = await readStdin();
  if (!prompt.trim()) throw new UsageError('llm ask needs a prompt: apiary llm ask "<prompt>" (or - to read it from stdin)');
  const tier = values.tier as string | undefined;
  if (tier !== undefined && !TIER_NAMES.includes(tier)) throw new UsageError(`--tier must be one of ${TIER_NAMES.join(', ')}`);
  const params: LlmAskParams = { prompt };
  if (tier) params.tier = tier as NonNullable<LlmAskParams['tier']>;
  for (const name of ['cell', 'run', 'epic', 'system'] as const) {
    const v = values[name];
    if (typeof v === 'string') params[name] = v;
  }
  const maxTokens = intOption(values, 'max-tokens');
  if (maxTokens !== undefined) params.maxTokens = maxTokens;
  if (values.failover === true) params.failover = true;
  const result = await withHost(common, (c) => c.sendRequest(LlmAskRequest, params));
  printResult(result, common.json, () => `${result.text}\n\n${askFooter(result)}`);
  return 0;
}

export function askFooter(r: LlmAskResult): string {
  const u = r.usage;
  const cache = u.cacheReadInputTokens || u.cacheCreationInputTokens ? ` (cache: ${u.cacheReadInputTokens} read, ${u.cacheCreationInputTokens} written)` : '';
  return `— ${r.model}${r.tier ? ` (${r.tier})` : ''} · ${u.inputTokens} in / ${u.outputTokens} out tokens${cache} · ${formatUsd(r.costMicros)} · ${r.latencyMs} ms · ${r.callId}`;
}

const SCOPE_FLAGS: Array<[BudgetScope, keyof BudgetSettingsParams]> = [
  ['day', 'dayUsd'],
  ['month', 'monthUsd'],
  ['cell', 'cellUsd'],
  ['run', 'runUsd'],
];

export async function cost(argv: string[]): Promise<number> {
  const { values, positionals, common } = parse(argv, { day: { type: 'string' }, month: { type: 'string' }, cell: { type: 'string' }, run: { type: 'string' } });
  const sub = positionals[0];
  if (sub === 'budget') {
    const settings: BudgetSettingsParams = {};
    for (const [scope, key] of SCOPE_FLAGS) {
      const raw = values[scope];
      if (typeof raw !== 'string') continue;
      if (raw === 'off' || raw === 'none') settings[key] = null;
      else {
        const usd = Number(raw.replace(/^\$/, ''));
        if (!Number.isFinite(usd) || usd <= 0) throw new UsageError(`--${scope} needs a positive amount in US dollars (or "off"), got ${raw}`);
        settings[key] = usd;
      }
    }
    const caps = await withHost(common, (c) => (Object.keys(settings).length ? c.sendRequest(BudgetSetRequest, settings) : c.sendRequest(BudgetGetRequest)));
    printResult(caps, common.json, () => capsText(caps));
    return 0;
  }
  if (sub !== undefined) throw new UsageError(`unknown cost subcommand ${sub}`);
  if (SCOPE_FLAGS.some(([scope]) => values[scope] !== undefined)) throw new UsageError('caps are set with `apiary cost budget --day USD --month USD …`');
  const report = await withHost(common, (c) => c.sendRequest(CostReportRequest, {}));
  printResult(report, common.json, () => reportText(report));
  return 0;
}

// ── text ──────────────────────────────────────────────────────────────────────────────────

const SCOPE_LABEL: Record<BudgetScope, string> = { day: 'per day (UTC)', month: 'per month', cell: 'per cell', run: 'per swarm run' };

function capsText(caps: BudgetCaps): string {
  const lines = SCOPE_FLAGS.filter(([s]) => caps[s] !== undefined).map(([s]) => `  ${SCOPE_LABEL[s].padEnd(16)} ${formatUsd(caps[s]!)}`);
  return lines.length ? `Budget caps:\n${lines.join('\n')}` : 'No budget caps are set. Set one with `apiary cost budget --day 5 --month 100`.';
}

function gauge(ratio: number, width = 20): string {
  const filled = Math.min(width, Math.round(Math.min(1, ratio) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function budgetLine(b: BudgetStatus): string {
  const name = b.scope === 'day' ? `day ${b.key}` : b.scope === 'month' ? `month ${b.key}` : `${b.scope} ${b.key}`;
  const reserved = b.reservedMicros ? ` + ${formatUsd(b.reservedMicros)} reserved` : '';
  return `  ${name.padEnd(22)} ${gauge(b.usedRatio)} ${formatUsd(b.spentMicros)}${reserved} of ${formatUsd(b.capMicros)} · ${formatUsd(b.remainingMicros)} left`;
}

function tokens(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

function bucketLines(title: string, buckets: SpendBucket[]): string[] {
  if (buckets.length === 0) return [];
  const width = Math.min(32, Math.max(...buckets.map((b) => b.key.length)));
  return [
    title,
    ...buckets.slice(0, 10).map((b) => `  ${b.key.padEnd(width)}  ${formatUsd(b.micros).padStart(9)}  ${String(b.calls).padStart(5)} call${b.calls === 1 ? ' ' : 's'}  ${tokens(b.inputTokens)} in / ${tokens(b.outputTokens)} out`),
  ];
}

export function reportText(r: CostReport): string {
  const s = r.spend;
  const lines = [
    `Model spend (prices as of ${r.prices.asOf})`,
    `  today          ${formatUsd(s.todayMicros)}`,
    `  last 7 days    ${formatUsd(s.last7dMicros)}`,
    `  last 30 days   ${formatUsd(s.last30dMicros)}`,
    `  this month     ${formatUsd(s.monthMicros)} (projected ${formatUsd(s.projectedMonthMicros)})`,
    '',
    r.budgets.length ? 'Budgets' : 'Budgets: none set (`apiary cost budget --day 5 --month 100`)',
    ...r.budgets.map(budgetLine),
  ];
  const by = [...bucketLines('By model (30 days)', r.byModel), ...bucketLines('By agent', r.byAgent), ...bucketLines('By epic', r.byEpic)];
  if (by.length) lines.push('', ...by);
  const cf = r.counterfactual;
  if (cf.actualMicros > 0) {
    lines.push('', `On ${cf.largeTierModel} alone the same tokens would have cost ${formatUsd(cf.largeTierOnlyMicros)}: routing saved ${formatUsd(cf.savingMicros)}.`);
  }
  lines.push(
    `Prompt cache: ${(r.cache.hitRate * 100).toFixed(1)}% of prompt tokens read from cache; ${(r.cache.callHitRate * 100).toFixed(0)}% of calls hit.`,
    r.breakers.length
      ? `Circuit breakers: ${r.breakers.map((b) => `${b.model} ${b.state}${b.retryAt ? ` until ${b.retryAt}` : ''}`).join('; ')}`
      : 'Circuit breakers: every model healthy.',
    `Calls (30 days): ${r.calls.settled30d} settled, ${r.calls.failed30d} failed; ${r.calls.inFlight} in flight (${formatUsd(r.calls.reservedMicros)} reserved).`,
  );
  return lines.join('\n');
}

