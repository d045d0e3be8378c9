// swarm run "<task>" · swarm status [RUN] · swarm stop RUN [--worker NAME] · swarm explain RUN|CELL
import { formatUsd } from '../../../shared/llm';
import type { SwarmExplainResult, SwarmRunView } from '../../../shared/swarm';
import { SwarmExplainRequest, SwarmRunRequest, SwarmStatusRequest, SwarmStopRequest, SwarmTranscriptRequest } from '../../../shared/swarm';
import type { SwarmRunParams } from '../../../shared/swarmSchemas';
import { intOption, parse } from '../args';
import { withHost } from '../client';
import { counted, printResult, UsageError } from '../output';

export async function swarm(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'run':
      return run(rest);
    case 'status': {
      const { positionals, common } = parse(rest, {});
      const result = await withHost(common, (c) => c.sendRequest(SwarmStatusRequest, positionals[0] ? { run: positionals[0] } : {}));
      printResult(result, common.json, () => (result.runs.length ? result.runs.map((r) => runText(r, positionals[0] !== undefined)).join('\n\n') : 'no swarm runs'));
      return 0;
    }
    case 'stop': {
      const { values, positionals, common } = parse(rest, { worker: { type: 'string' } });
      if (!positionals[0]) throw new UsageError('swarm stop needs a run id: apiary swarm stop RUN [--worker NAME]');
      const worker = typeof values.worker === 'string' ? values.worker : undefined;
      const result = await withHost(common, (c) => c.sendRequest(SwarmStopRequest, { run: positionals[0]!, ...(worker ? { worker } : {}) }));
      printResult(result, common.json, () => `${worker ? `stopped ${worker}` : 'stopped'}\n${runText(result.run, true)}`);
      return 0;
    }
    case 'explain': {
      const { positionals, common } = parse(rest, {});
      if (!positionals[0]) throw new UsageError('swarm explain needs a run id or a cell id');
      const result = await withHost(common, (c) => c.sendRequest(SwarmExplainRequest, { target: positionals[0]! }));
      printResult(result, common.json, () => explainText(result));
      return 0;
    }
    case 'transcript': {
      const { positionals, common } = parse(rest, {});
      if (!positionals[0]) throw new UsageError('swarm transcript needs a cell id');
      const result = await withHost(common, (c) => c.sendRequest(SwarmTranscriptRequest, { cell: positionals[0]! }));
      printResult(result, common.json, () => result.markdown);
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown swarm subcommand ${sub}` : 'swarm needs a subcommand: run | status | stop | explain | transcript');
  }
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals, common } = parse(argv, {
    'best-of': { type: 'string' },
    budget: { type: 'string' },
    concurrency: { type: 'string' },
    cell: { type: 'string' },
    chaos: { type: 'boolean', default: false },
    tier: { type: 'string' },
    wait: { type: 'boolean', default: false },
  });
  const task = positionals.join(' ').trim();
  const cell = typeof values.cell === 'string' ? values.cell : undefined;
  if (!task && !cell) throw new UsageError('swarm run needs a task: apiary swarm run "<task>" (or --cell ID)');
  const params: SwarmRunParams = { ...(cell ? { cell } : { task }), chaos: values.chaos === true, wait: values.wait === true };
  const bestOf = intOption(values, 'best-of');
  if (bestOf !== undefined) params.bestOf = bestOf;
  if (typeof values.tier === 'string') {
    if (!['small', 'medium', 'large'].includes(values.tier)) throw new UsageError('--tier must be small, medium or large');
    params.tier = values.tier as 'small' | 'medium' | 'large';
  }
  const concurrency = intOption(values, 'concurrency');
  if (concurrency !== undefined) params.concurrency = concurrency;
  if (typeof values.budget === 'string') {
    const usd = Number(values.budget.replace(/^\$/, ''));
    if (!Number.isFinite(usd) || usd <= 0) throw new UsageError(`--budget needs a positive amount in US dollars, got ${values.budget}`);
    params.budgetUsd = usd;
  }
  const result = await withHost(common, (c) => c.sendRequest(SwarmRunRequest, params));
  printResult(result, common.json, () => runText(result.run, true));
  return result.run.status === 'failed' ? 1 : 0;
}

export function runText(r: SwarmRunView, detail: boolean): string {
  const rep = r.report;
  const head = `${r.id}  ${r.status}${r.reason ? ` (${r.reason})` : ''}  ${r.task.split('\n')[0]!.slice(0, 80)}${r.epic ? `  epic ${r.epic}` : ''}`;
  if (!detail) return head;
  const lines = [head, `  decomposition ${rep.decompositionMs} ms · wall ${rep.wallMs} ms · overhead ${rep.coordinationOverheadMs} ms · conflicts ${rep.reservationConflicts} · retries ${rep.retries} · ${rep.tokens} tokens · ${formatUsd(rep.costMicros)}`];
  for (const w of r.workers) lines.push(`  ${w.agent.padEnd(20)} ${w.cell.padEnd(14)} ${w.state.padEnd(9)} ${String(w.tokens).padStart(7)} tok ${formatUsd(w.costMicros).padStart(8)}  ${w.lastAction ?? ''}`);
  if (rep.chaos) {
    lines.push(`  chaos: injected ${counted(rep.chaos.injected.length, 'fault')} (${countKinds(rep.chaos.injected.map((i) => i.kind))}); ${counted(rep.chaos.recovered, 'subtask')} recovered by a retry`);
  }
  return lines.join('\n');
}

function countKinds(kinds: string[]): string {
  const m = new Map<string, number>();
  for (const k of kinds) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none';
}

function explainText(e: SwarmExplainResult): string {
  const lines = [`${e.target} (run ${e.run}): ${e.outcome}`];
  if (e.summary) lines.push('', e.summary);
  lines.push('', ...e.timeline.map((t) => `${t.at.slice(11, 23)}  ${t.agent ?? ''}${t.agent ? '  ' : ''}${t.text}`));
  return lines.join('\n');
}
