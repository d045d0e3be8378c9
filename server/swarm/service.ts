// The swarm as the host runs it: starts runs, keeps each run's events in memory (folded on
// demand), resumes unfinished runs when the host starts, stops runs or single workers, and
// explains a run or a cell from its events.
import { randomBytes } from 'node:crypto';
import type { EventEnvelope } from '../../shared/events';
import { ApiaryError } from '../../shared/errors';
import { SWARM_STREAM_PREFIX, swarmRunStream, type SwarmExplainResult, type SwarmRunOptions, type SwarmRunView } from '../../shared/swarm';
import type { SwarmCompleteParams, SwarmRunInput } from '../../shared/swarmSchemas';
import type { Store } from '../store/store';
import type { SwarmDeps } from './deps';
import { foldRun, type SwarmEvent } from './events';
import { completeCell, type SwarmCompleteResult } from './complete';
import { explainTimeline, outcomeOf, transcript } from './explain';
import { SwarmRun } from './run';
import { runEvents } from './projection';
import { readSwarmSettings } from './verify';

export interface SwarmServiceOptions extends Omit<SwarmDeps, 'append'> {
  store: Store;
  onChange(run: SwarmRunView): void;
  /** Tests lower the limits; defaults come from .apiary/config.json. */
  defaults?: Partial<SwarmRunOptions>;
}

export class SwarmService {
  private readonly events: Map<string, EventEnvelope[]>;
  private readonly active = new Map<string, SwarmRun>();
  private readonly stopListening: () => void;
  private readonly deps: SwarmDeps;

  constructor(private readonly opts: SwarmServiceOptions) {
    this.events = runEvents(opts.store.db);
    this.stopListening = opts.store.events.onCommitted((batch) => {
      const runs = new Set<string>();
      for (const e of batch) {
        if (!e.stream.startsWith(SWARM_STREAM_PREFIX)) continue;
        this.add(e);
        runs.add(e.stream.slice(SWARM_STREAM_PREFIX.length));
      }
      for (const r of runs) {
        const v = this.view(r);
        if (v) opts.onChange(v);
      }
    });
    this.deps = {
      ...opts,
      append: async (run, event) => {
        await opts.store.events.append(swarmRunStream(run), [event as { type: string; data: unknown } as never], 'any', { actor: 'swarm' });
      },
    };
  }

  private add(e: EventEnvelope): void {
    const run = e.stream.slice(SWARM_STREAM_PREFIX.length);
    let list = this.events.get(run);
    if (!list) this.events.set(run, (list = []));
    list.push(e);
  }

  private eventsOf(run: string): EventEnvelope[] {
    return this.events.get(run) ?? [];
  }

  view(run: string): SwarmRunView | null {
    return foldRun(this.eventsOf(run), this.opts.now());
  }

  /** Runs the host did not see finish: resumed from their events. */
  resumeUnfinished(): string[] {
    const resumed: string[] = [];
    for (const run of this.events.keys()) {
      const v = this.view(run);
      if (!v || v.endedAt !== null || this.active.has(run)) continue;
      this.opts.log('info', `resuming swarm run ${run} (${v.workers.filter((w) => w.state === 'done').length} subtask(s) already done)`);
      this.launch(run);
      resumed.push(run);
    }
    return resumed;
  }

  private launch(run: string): SwarmRun {
    const r = new SwarmRun(run, this.deps, () => this.eventsOf(run));
    this.active.set(run, r);
    r.start();
    void r.done.finally(() => this.active.delete(run));
    return r;
  }

  async start(input: SwarmRunInput): Promise<SwarmRunView> {
    let task = input.task;
    if (input.cell) {
      const cell = this.opts.hive().get(input.cell);
      if (!cell) throw new ApiaryError('not_found', `no cell ${input.cell}`, 'List cells with `apiary hive list`.');
      task = `${cell.title}\n\n${cell.description}`.trim();
    }
    const file = readSwarmSettings(this.opts.workspace);
    const options: SwarmRunOptions = {
      concurrency: input.concurrency ?? file.concurrency ?? this.opts.defaults?.concurrency ?? 3,
      bestOf: input.bestOf > 1 ? input.bestOf : (file.bestOf ?? 1),
      budgetUsd: input.budgetUsd ?? null,
      chaos: input.chaos || file.chaos === true,
      maxTurns: this.opts.defaults?.maxTurns ?? 25,
      maxStrikes: this.opts.defaults?.maxStrikes ?? 3,
      ...(input.tier ? { tier: input.tier } : {}),
    };
    const run = randomBytes(4).toString('hex');
    const event: SwarmEvent = { type: 'swarm.run.started', data: { run, task: task!, cell: input.cell ?? null, options, at: new Date(this.opts.now()).toISOString() } };
    await this.deps.append(run, event);
    const r = this.launch(run);
    if (input.wait) await r.done;
    return this.view(run)!;
  }

  async wait(run: string): Promise<SwarmRunView> {
    await this.active.get(run)?.done;
    return this.require(run);
  }

  require(run: string): SwarmRunView {
    const v = this.view(run);
    if (!v) throw new ApiaryError('not_found', `no swarm run ${run}`, 'List runs with `apiary swarm status`.');
    return v;
  }

  list(): SwarmRunView[] {
    return [...this.events.keys()].map((r) => this.view(r)).filter((v): v is SwarmRunView => v !== null).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  async stop(run: string, worker?: string): Promise<SwarmRunView> {
    const v = this.require(run);
    const r = this.active.get(run);
    if (!r) {
      if (v.endedAt) throw new ApiaryError('conflict', `run ${run} has already ended (${v.status})`, 'Nothing to stop.');
      await this.deps.append(run, { type: 'swarm.run.finished', data: { status: 'stopped', reason: 'stopped on request', at: new Date(this.opts.now()).toISOString() } });
      return this.require(run);
    }
    if (!r.stop(worker)) throw new ApiaryError('not_found', `no running worker ${worker} in run ${run}`, 'See the workers with `apiary swarm status RUN`.');
    if (!worker) await r.done;
    return this.require(run);
  }

  /** Finds the run of a target: a run id, or a cell (epic or subtask) of a run. */
  runOf(target: string): string {
    if (this.events.has(target)) return target;
    for (const run of this.events.keys()) {
      const v = this.view(run);
      if (v && (v.epic === target || v.workers.some((w) => w.cell === target))) return run;
    }
    throw new ApiaryError('not_found', `no swarm run or swarm cell ${target}`, 'Give a run id (apiary swarm status) or a cell id of a swarm epic.');
  }

  async explain(target: string): Promise<SwarmExplainResult> {
    const run = this.runOf(target);
    const cell = target === run ? null : target;
    const view = this.require(run);
    const timeline = explainTimeline(this.eventsOf(run), cell === view.epic ? null : cell);
    const outcome = outcomeOf(view, cell);
    let summary: string | null = null;
    try {
      const r = await this.opts.call({
        agent: 'swarm',
        tier: 'small',
        maxTokens: 400,
        messages: [{ role: 'user', content: `In three sentences, explain why this ${cell ? 'subtask' : 'swarm run'} ended as it did.\nOutcome: ${outcome}\nTimeline:\n${timeline.slice(-80).map((t) => `${t.at} ${t.type} ${t.text}`).join('\n')}` }],
      });
      summary = r.text.trim() || null;
    } catch {
      summary = null; // no key, no budget, no endpoint: the timeline stands alone
    }
    return { target, run, outcome, timeline, summary };
  }

  /** swarm_complete: an agent finishing a cell through the gate (validated; bad params change nothing). */
  complete(agent: string, params: SwarmCompleteParams): Promise<SwarmCompleteResult> {
    return completeCell(this.deps, agent, params);
  }

  /** A worker's transcript (markdown). */
  transcript(cell: string): string {
    return transcript(this.eventsOf(this.runOf(cell)), cell);
  }

  async dispose(): Promise<void> {
    this.stopListening();
    for (const r of this.active.values()) r.halt();
    await Promise.allSettled([...this.active.values()].map((r) => r.done));
  }
}
