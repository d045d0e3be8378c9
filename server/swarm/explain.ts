// "Why did it end like this?": a run's or a cell's events as a readable timeline (pure), and a
// worker's transcript as markdown.
import type { SwarmRunView, SwarmTimelineEntry } from '../../shared/swarm';
import type { SwarmEvent } from './events';

interface Stored {
  type: string;
  ts: string;
  data: unknown;
}

function line(e: SwarmEvent): { cell: string | null; agent: string | null; text: string } {
  switch (e.type) {
    case 'swarm.run.started':
      return { cell: null, agent: null, text: `run started: ${e.data.task.split('\n')[0]} (concurrency ${e.data.options.concurrency}${e.data.options.chaos ? ', chaos' : ''})` };
    case 'swarm.plan.proposed':
      return { cell: null, agent: null, text: e.data.problems.length ? `plan ${e.data.attempt} refused: ${e.data.problems.join('; ')}` : `plan ${e.data.attempt} accepted: ${e.data.subtasks.length} subtasks` };
    case 'swarm.epic.created':
      return { cell: e.data.epic, agent: null, text: `epic ${e.data.epic} created with ${e.data.cells.join(', ')}` };
    case 'swarm.worker.started':
      return { cell: e.data.cell, agent: e.data.agent, text: `attempt ${e.data.attempt} started on ${e.data.files.join(', ')}` };
    case 'swarm.model.called':
      return { cell: e.data.cell, agent: e.data.agent, text: e.data.error ? `model call failed: ${e.data.error}` : `model ${e.data.model}: ${e.data.stopReason ?? ''} (${e.data.tokens} tokens)` };
    case 'swarm.tool.called':
      return { cell: e.data.cell, agent: e.data.agent, text: `${e.data.tool} ${e.data.input}${e.data.ok ? '' : ` refused: ${e.data.result}`}` };
    case 'swarm.reservation.conflict':
      return { cell: e.data.cell, agent: e.data.agent, text: `reservation conflict on ${e.data.files.join(', ')}` };
    case 'swarm.gate.passed':
      return { cell: e.data.cell, agent: e.data.agent, text: `gate passed${e.data.command ? ` (${e.data.command})` : ''}` };
    case 'swarm.gate.failed':
      return { cell: e.data.cell, agent: e.data.agent, text: `gate failed (strike ${e.data.strike}, ${e.data.reason}): ${e.data.output.split('\n').slice(0, 3).join(' | ')}` };
    case 'swarm.cell.done':
      return { cell: e.data.cell, agent: e.data.agent, text: `done: ${e.data.summary.slice(0, 200)}` };
    case 'swarm.cell.blocked':
      return { cell: e.data.cell, agent: e.data.agent, text: `blocked: ${e.data.reason.slice(0, 300)}` };
    case 'swarm.worker.stopped':
      return { cell: e.data.cell, agent: e.data.agent, text: `worker stopped: ${e.data.reason}` };
    case 'swarm.chaos.injected':
      return { cell: null, agent: e.data.target, text: `chaos injected ${e.data.kind}` };
    case 'swarm.attempt.scored':
      return { cell: e.data.cell, agent: null, text: `attempt ${e.data.attempt} ${e.data.passed ? 'passed' : 'failed'} (diff ${e.data.diffLines} lines)` };
    case 'swarm.attempt.chosen':
      return { cell: e.data.cell, agent: null, text: `attempt ${e.data.attempt ?? 'none'} chosen: ${e.data.reason}` };
    case 'swarm.run.finished':
      return { cell: null, agent: null, text: `run ${e.data.status}: ${e.data.reason}` };
  }
}

/** The timeline of a run, or only the entries of one cell (`cell`). */
export function explainTimeline(events: readonly Stored[], cell: string | null): SwarmTimelineEntry[] {
  const out: SwarmTimelineEntry[] = [];
  for (const env of events) {
    const l = line(env as unknown as SwarmEvent);
    if (cell && l.cell !== cell) continue;
    out.push({ at: env.ts, type: env.type, ...l });
  }
  return out;
}

export function outcomeOf(view: SwarmRunView, cell: string | null): string {
  if (!cell || cell === view.epic) return `${view.status}${view.reason ? `: ${view.reason}` : ''}`;
  const w = view.workers.find((x) => x.cell === cell);
  if (!w) return 'not started';
  return `${w.state} after ${w.attempts} attempt(s)${w.summary ? `: ${w.summary}` : ''}`;
}

/** A worker's conversation and tool calls as a markdown document. */
export function transcript(events: readonly Stored[], cell: string): string {
  const parts: string[] = [`# Transcript of ${cell}`];
  for (const env of events) {
    const e = env as unknown as SwarmEvent;
    if (!('data' in e) || (e.data as { cell?: string }).cell !== cell) continue;
    if (e.type === 'swarm.worker.started') parts.push(`## Attempt ${e.data.attempt} — ${e.data.agent}\n\nFiles: ${e.data.files.map((f) => `\`${f}\``).join(', ')}`);
    else if (e.type === 'swarm.model.called') parts.push(e.data.error ? `> model call failed: ${e.data.error}` : `**${e.data.model}** (${e.data.tokens} tokens, ${e.data.stopReason ?? ''})\n\n${e.data.text || '_(tool calls only)_'}`);
    else if (e.type === 'swarm.tool.called') parts.push(`- \`${e.data.tool}\` ${e.data.input}${e.data.ok ? '' : ' — **refused**'}\n\n  \`\`\`\n  ${e.data.result.split('\n').slice(0, 20).join('\n  ')}\n  \`\`\``);
    else {
      const l = line(e);
      parts.push(`_${l.text}_`);
    }
  }
  return parts.join('\n\n');
}
