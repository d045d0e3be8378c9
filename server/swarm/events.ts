// The swarm's events and the fold that turns a run's stream into its view (pure). Everything a
// run shows, resumes from and explains comes from these.
import type { PlannedSubtask, SwarmReport, SwarmRunOptions, SwarmRunView, SwarmWorkerState, SwarmWorkerView } from '../../shared/swarm';

export type SwarmEvent =
  | { type: 'swarm.run.started'; data: { run: string; task: string; cell: string | null; options: SwarmRunOptions; at: string } }
  | { type: 'swarm.plan.proposed'; data: { attempt: number; subtasks: PlannedSubtask[]; problems: string[]; latencyMs: number; callId: string | null } }
  | { type: 'swarm.epic.created'; data: { epic: string; cells: string[]; decompositionMs: number } }
  | { type: 'swarm.worker.started'; data: { cell: string; agent: string; attempt: number; title: string; files: string[] } }
  | { type: 'swarm.model.called'; data: { cell: string; agent: string; callId: string | null; model: string; tokens: number; costMicros: number; latencyMs: number; stopReason: string | null; text: string; error?: string } }
  | { type: 'swarm.tool.called'; data: { cell: string; agent: string; tool: string; input: string; ok: boolean; result: string; ms: number } }
  | { type: 'swarm.reservation.conflict'; data: { cell: string; agent: string; files: string[]; holders: string[] } }
  | { type: 'swarm.gate.passed'; data: { cell: string; agent: string; command: string | null; ms: number; output: string } }
  | { type: 'swarm.gate.failed'; data: { cell: string; agent: string; reason: 'verify' | 'scope' | 'no_end' | 'error'; output: string; scope: string[]; strike: number } }
  | { type: 'swarm.cell.done'; data: { cell: string; agent: string; summary: string; files: string[]; durationMs: number } }
  | { type: 'swarm.cell.blocked'; data: { cell: string; agent: string; reason: string } }
  | { type: 'swarm.worker.stopped'; data: { cell: string; agent: string; reason: string } }
  | { type: 'swarm.chaos.injected'; data: { kind: string; target: string; at: string } }
  | { type: 'swarm.attempt.scored'; data: { cell: string; attempt: number; passed: boolean; testsPassed: number | null; diffLines: number; costMicros: number; dir: string } }
  | { type: 'swarm.attempt.chosen'; data: { cell: string; attempt: number | null; reason: string; approval: string | null; applied: boolean } }
  | { type: 'swarm.run.finished'; data: { status: 'done' | 'failed' | 'stopped'; reason: string; at: string } };

export type SwarmEventType = SwarmEvent['type'];

interface Envelope {
  type: string;
  ts: string;
  data: unknown;
}

function emptyReport(): SwarmReport {
  return { decompositionMs: 0, wallMs: 0, modelMs: 0, toolMs: 0, coordinationOverheadMs: 0, reservationConflicts: 0, retries: 0, tokens: 0, costMicros: 0, workers: [], chaos: null };
}

const FINAL: ReadonlySet<SwarmWorkerState> = new Set(['done', 'blocked']);

/** The run as its events tell it (events of one run, in order). */
export function foldRun(events: readonly Envelope[], now = Date.now()): SwarmRunView | null {
  let run: SwarmRunView | null = null;
  const workers = new Map<string, SwarmWorkerView>();
  let firstTs = 0;
  let chaos: Array<{ kind: string; target: string; at: string }> = [];
  let recovered = 0;
  for (const env of events) {
    const e = env as unknown as SwarmEvent & { ts: string };
    if (e.type === 'swarm.run.started') {
      firstTs = Date.parse(env.ts);
      run = { id: e.data.run, task: e.data.task, status: 'planning', reason: null, epic: null, options: e.data.options, startedAt: e.data.at, endedAt: null, workers: [], report: emptyReport() };
      continue;
    }
    if (!run) continue;
    const r: SwarmRunView = run;
    const w = (cell: string): SwarmWorkerView | undefined => workers.get(cell);
    switch (e.type) {
      case 'swarm.epic.created':
        r.epic = e.data.epic;
        r.status = 'running';
        r.report.decompositionMs = e.data.decompositionMs;
        break;
      case 'swarm.worker.started': {
        const prev = w(e.data.cell);
        if (prev && prev.attempts > 0 && !FINAL.has(prev.state)) recovered += prev.state === 'stopped' ? 0 : 0;
        const view: SwarmWorkerView = prev ?? { agent: e.data.agent, cell: e.data.cell, title: e.data.title, files: e.data.files, model: null, state: 'running', attempts: 0, tokens: 0, costMicros: 0, modelMs: 0, toolMs: 0, lastAction: null, summary: null };
        view.state = 'running';
        view.agent = e.data.agent;
        view.attempts = Math.max(view.attempts, e.data.attempt);
        view.lastAction = `attempt ${e.data.attempt} started`;
        workers.set(e.data.cell, view);
        break;
      }
      case 'swarm.model.called': {
        const v = w(e.data.cell);
        if (!v) break;
        v.model = e.data.model;
        v.tokens += e.data.tokens;
        v.costMicros += e.data.costMicros;
        v.modelMs += e.data.latencyMs;
        v.lastAction = e.data.error ? `model call failed: ${e.data.error}` : `model: ${e.data.stopReason ?? 'answered'}`;
        break;
      }
      case 'swarm.tool.called': {
        const v = w(e.data.cell);
        if (!v) break;
        v.toolMs += e.data.ms;
        v.lastAction = `${e.data.tool}${e.data.ok ? '' : ' (refused)'} ${e.data.input}`.slice(0, 160);
        if (e.data.tool === 'run_verify') v.state = 'verifying';
        break;
      }
      case 'swarm.reservation.conflict':
        r.report.reservationConflicts++;
        break;
      case 'swarm.gate.passed': {
        const v = w(e.data.cell);
        if (v) v.lastAction = 'gate passed';
        break;
      }
      case 'swarm.gate.failed': {
        const v = w(e.data.cell);
        r.report.retries++;
        if (v) {
          v.state = 'failed';
          v.lastAction = `gate failed (${e.data.reason}, strike ${e.data.strike})`;
        }
        break;
      }
      case 'swarm.cell.done': {
        const v = w(e.data.cell);
        if (v) {
          v.state = 'done';
          v.summary = e.data.summary;
          v.lastAction = 'done';
        }
        break;
      }
      case 'swarm.cell.blocked': {
        const v = w(e.data.cell);
        if (v) {
          v.state = 'blocked';
          v.summary = e.data.reason;
          v.lastAction = 'blocked';
        }
        break;
      }
      case 'swarm.worker.stopped': {
        const v = w(e.data.cell);
        if (v && !FINAL.has(v.state)) {
          v.state = 'stopped';
          v.lastAction = `stopped: ${e.data.reason}`;
        }
        break;
      }
      case 'swarm.chaos.injected':
        chaos = [...chaos, e.data];
        break;
      case 'swarm.run.finished':
        r.status = e.data.status;
        r.reason = e.data.reason;
        r.endedAt = e.data.at;
        break;
      default:
        break;
    }
  }
  if (!run) return null;
  run.workers = [...workers.values()];
  const rep = run.report;
  const end = run.endedAt ? Date.parse(run.endedAt) : now;
  rep.wallMs = Math.max(0, end - (firstTs || Date.parse(run.startedAt)));
  rep.modelMs = run.workers.reduce((n, v) => n + v.modelMs, 0);
  rep.toolMs = run.workers.reduce((n, v) => n + v.toolMs, 0);
  rep.tokens = run.workers.reduce((n, v) => n + v.tokens, 0);
  rep.costMicros = run.workers.reduce((n, v) => n + v.costMicros, 0);
  // Workers overlap: overhead is wall time not covered by the busiest worker's own work.
  const busiest = run.workers.reduce((n, v) => Math.max(n, v.modelMs + v.toolMs), 0);
  rep.coordinationOverheadMs = Math.max(0, rep.wallMs - rep.decompositionMs - busiest);
  rep.workers = run.workers.map((v) => ({ agent: v.agent, cell: v.cell, state: v.state, tokens: v.tokens, costMicros: v.costMicros, retries: Math.max(0, v.attempts - 1) }));
  if (run.options.chaos) {
    recovered = run.workers.filter((v) => v.state === 'done' && v.attempts > 1).length;
    rep.chaos = { injected: chaos, recovered };
  }
  return run;
}

/** Cells whose work is settled (accepted or given up): a resumed run leaves them alone. */
export function settledCells(run: SwarmRunView): Set<string> {
  return new Set(run.workers.filter((w) => FINAL.has(w.state)).map((w) => w.cell));
}
