// One swarm run: decompose (unless its events already hold the epic), then run the subtasks'
// workers in parallel up to the concurrency limit, each through the completion gate, with
// retries and a human asked after the last strike. Constructed from the run's events, so the
// same code starts a run and resumes one after a crash: settled cells are left alone.
import fsp from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiaryError } from '../../shared/errors';
import { hiveClaimParamsSchema, hiveCloseParamsSchema, hiveCreateEpicParamsSchema, hiveReleaseParamsSchema, hiveUpdateParamsSchema } from '../../shared/hiveSchemas';
import { lockReleaseParamsSchema, lockReserveParamsSchema } from '../../shared/coordinationSchemas';
import { HUMAN_AGENT_NAME } from '../../shared/coordination';
import type { PlannedSubtask, SwarmRunView } from '../../shared/swarm';
import type { CallRequest, CallResult } from '../llm/gatewayTypes';
import { foldRun, settledCells, type SwarmEvent } from './events';
import { decompose } from './planner';
import type { SwarmDeps } from './deps';
import { runWorkerAttempt } from './worker';
import { WorkspaceFs } from './workspaceFs';
import { changedFiles, detectVerifyCommand, hashFiles, runVerify, trimFailure, type VerifyResult } from './verify';
import { normalize } from './plan';
import { Chaos } from './chaos';
import { runBestOf } from './bestOf';
import type { Tier } from '../../shared/llm';
import { isReadOnlyKind, taskKind } from '../learning/kind';

interface StoredEvent {
  type: string;
  ts: string;
  data: unknown;
}

const CLAIM_TTL_SECONDS = 60;

export class SwarmRun {
  readonly controller = new AbortController();
  private readonly workers = new Map<string, AbortController>();
  /** Cells whose worker was stopped on request: not started again by this run. */
  private readonly stoppedCells = new Set<string>();
  private plan: PlannedSubtask[] = [];
  private cells: string[] = [];
  private epic: string | null = null;
  private spentMicros = 0;
  private readonly tiers = new Map<string, Tier>();
  private verifyCommand: string | null;
  private readonly chaos: Chaos | null;
  done: Promise<void> = Promise.resolve();
  private halting = false;

  constructor(
    readonly id: string,
    private readonly deps: SwarmDeps,
    private readonly events: () => StoredEvent[],
  ) {
    this.verifyCommand = detectVerifyCommand(deps.workspace);
    const view = this.view();
    this.chaos = view?.options.chaos ? new Chaos(deps.chaosSeed ?? Date.now(), (e) => this.emit({ type: 'swarm.chaos.injected', data: e })) : null;
    for (const e of this.events()) {
      const ev = e as unknown as SwarmEvent;
      if (ev.type === 'swarm.plan.proposed' && ev.data.problems.length === 0) this.plan = ev.data.subtasks;
      if (ev.type === 'swarm.epic.created') {
        this.epic = ev.data.epic;
        this.cells = ev.data.cells;
      }
      if (ev.type === 'swarm.model.called') this.spentMicros += ev.data.costMicros;
    }
  }

  view(): SwarmRunView | null {
    return foldRun(this.events(), this.deps.now());
  }

  private async emit(event: SwarmEvent): Promise<void> {
    await this.deps.append(this.id, event);
  }

  /** Model calls of this run: chaos faults (when on) and the run's own budget. */
  private async call(req: CallRequest, chaos = true): Promise<CallResult> {
    const budget = this.view()?.options.budgetUsd ?? null;
    if (budget !== null && this.spentMicros >= budget * 1_000_000) {
      throw new ApiaryError('budget_exceeded', `the run's budget of $${budget} is spent`, 'Start the run again with a larger --budget.');
    }
    const result = await (this.chaos && chaos ? this.chaos.call(req, this.deps.call) : this.deps.call(req));
    this.spentMicros += result.costMicros;
    return result;
  }

  start(): void {
    this.done = this.execute().catch(async (err: unknown) => {
      const stopped = this.controller.signal.aborted;
      const budget = err instanceof ApiaryError && err.code === 'budget_exceeded';
      const reason = stopped ? 'stopped on request' : err instanceof Error ? err.message : String(err);
      this.deps.log('warn', `swarm run ${this.id} ended: ${reason}`);
      if (this.view()?.endedAt == null) await this.finish(stopped || budget ? 'stopped' : 'failed', budget ? `budget: ${reason}` : reason);
    });
  }

  stop(worker?: string): boolean {
    if (!worker) {
      this.controller.abort();
      for (const c of this.workers.values()) c.abort();
      return true;
    }
    for (const [cell, c] of this.workers) {
      const v = this.view()?.workers.find((w) => w.cell === cell);
      if (v && (v.agent === worker || v.cell === worker)) {
        this.stoppedCells.add(cell);
        c.abort();
        return true;
      }
    }
    return false;
  }

  /** The host is shutting down: workers stop, but the run stays unfinished so a restart resumes it. */
  halt(): void {
    this.halting = true;
    this.stop();
  }

  private async finish(status: 'done' | 'failed' | 'stopped', reason: string): Promise<void> {
    if (this.halting) return;
    await this.emit({ type: 'swarm.run.finished', data: { status, reason, at: new Date(this.deps.now()).toISOString() } });
  }

  private async execute(): Promise<void> {
    const view = this.view();
    if (!view) throw new Error(`run ${this.id} has no start event`);
    if (!this.epic) await this.decomposeAndCreate(view.task);
    await this.schedule(view.options.concurrency);
  }

  private async decomposeAndCreate(task: string): Promise<void> {
    const started = this.deps.now();
    const fs = new WorkspaceFs(this.deps.workspace, () => new Set());
    const advice = this.deps.learning?.()?.strategyAdvice(taskKind(task)).promptText ?? null;
    let memories: string[] = [];
    const memory = this.deps.memory?.();
    if (memory) memories = await memory.find({ query: task.slice(0, 1000), limit: 5 }).then((r) => r.hits.map((h) => h.memory.text), () => []);
    const plan = await decompose(
      { task, files: await fs.allFiles(300), advice, memories, verify: this.verifyCommand },
      // Chaos targets workers; the plan is made without injected faults.
      (req) => this.call({ ...req, agent: 'swarm-planner', run: this.id, signal: this.controller.signal }, false),
      async (a) => this.emit({ type: 'swarm.plan.proposed', data: { attempt: a.attempt, subtasks: a.subtasks, problems: a.problems, latencyMs: a.latencyMs, callId: a.callId } }),
    );
    const title = task.split('\n')[0]!.slice(0, 200);
    const hive = this.deps.hive();
    const created = await hive.createEpic(
      hiveCreateEpicParamsSchema.parse({
        title,
        description: task,
        labels: ['swarm'],
        metadata: { swarmRun: this.id },
        subtasks: plan.map((s, i) => ({
          title: s.title,
          description: `${s.description}\n\nAcceptance criteria:\n${s.acceptance.map((a) => `- ${a}`).join('\n')}`,
          labels: ['swarm'],
          files: s.files.map(normalize),
          metadata: { swarmRun: this.id, index: i, strategy: s.strategy, acceptance: s.acceptance },
          dependsOn: s.dependsOn.map((d) => d + 1),
        })),
      }),
      'swarm',
    );
    this.plan = plan;
    this.epic = created.epic.id;
    this.cells = created.subtasks.map((c) => c.id);
    await this.emit({ type: 'swarm.epic.created', data: { epic: this.epic, cells: this.cells, decompositionMs: this.deps.now() - started } });
  }

  /** Runs ready subtasks, at most `concurrency` at once, until none can run. */
  private async schedule(concurrency: number): Promise<void> {
    const running = new Map<number, Promise<void>>();
    const settled = (): Set<string> => settledCells(this.view()!);
    const doneCells = (): Set<string> => new Set(this.view()!.workers.filter((w) => w.state === 'done').map((w) => w.cell));
    await this.adoptClosedCells();
    for (;;) {
      if (this.controller.signal.aborted) break;
      const finished = settled();
      const done = doneCells();
      const ready = this.plan
        .map((s, i) => ({ s, i }))
        .filter(({ s, i }) => !finished.has(this.cells[i]!) && !this.stoppedCells.has(this.cells[i]!) && !running.has(i) && s.dependsOn.every((d) => done.has(this.cells[d]!)));
      for (const { i } of ready) {
        if (running.size >= concurrency) break;
        running.set(i, this.runCell(i).finally(() => running.delete(i)));
      }
      if (running.size === 0) break;
      try {
        await Promise.race(running.values());
      } catch (err) {
        // A worker that spends the budget ends the run (it aborts the others), but the run is
        // reported over only once every worker has stopped and let go of its claim and files.
        await Promise.allSettled(running.values());
        throw err;
      }
    }
    await Promise.allSettled(running.values());
    const v = this.view()!;
    if (this.controller.signal.aborted) return this.finish('stopped', 'stopped on request');
    const done = doneCells();
    const open = this.cells.filter((c) => !done.has(c));
    if (open.length === 0) {
      await this.deps.hive().change('apiary/hive/close', hiveCloseParamsSchema.parse({ id: this.epic!, reason: `swarm run ${this.id}: all ${this.cells.length} subtasks verified`, force: true }), 'swarm').catch(() => undefined);
      return this.finish('done', `all ${this.cells.length} subtasks passed the gate`);
    }
    const blocked = v.workers.filter((w) => w.state === 'blocked').map((w) => w.cell);
    const stopped = [...this.stoppedCells];
    return this.finish('failed', `${open.length} subtask(s) not done${blocked.length ? ` (blocked: ${blocked.join(', ')})` : ''}${stopped.length ? ` (stopped: ${stopped.join(', ')})` : ''}`);
  }

  /** A cell the hive already shows closed (accepted before a crash) is not worked again. */
  private async adoptClosedCells(): Promise<void> {
    const settled = settledCells(this.view()!);
    for (const [i, cell] of this.cells.entries()) {
      if (settled.has(cell)) continue;
      const c = this.deps.hive().get(cell);
      if (c?.status === 'closed') await this.emit({ type: 'swarm.cell.done', data: { cell, agent: c.assignee ?? 'swarm', summary: c.closeReason ?? 'closed before the host restarted', files: this.plan[i]?.files ?? [], durationMs: 0 } });
    }
  }

  private agentName(i: number): string {
    return `swarm-${this.id.slice(0, 6)}-w${i + 1}`;
  }

  private async runCell(i: number): Promise<void> {
    const cell = this.cells[i]!;
    const subtask = this.plan[i]!;
    const agent = this.agentName(i);
    const ctl = new AbortController();
    const onRunAbort = () => ctl.abort();
    this.controller.signal.addEventListener('abort', onRunAbort, { once: true });
    this.workers.set(cell, ctl);
    const started = this.deps.now();
    const coordination = this.deps.coordination();
    const hive = this.deps.hive();
    const files = subtask.files.map(normalize);
    let heartbeat: NodeJS.Timeout | undefined;
    let strikes = 0;
    let lastFailure: string | null = null;
    let errors = 0;
    try {
      await coordination.register({ name: agent, kind: 'swarm-worker', program: 'apiary-swarm' });
      await hive.change('apiary/hive/claim', hiveClaimParamsSchema.parse({ id: cell, agent, ttlSeconds: CLAIM_TTL_SECONDS }), agent);
      heartbeat = setInterval(() => void hive.change('apiary/hive/heartbeat', hiveClaimParamsSchema.parse({ id: cell, agent, ttlSeconds: CLAIM_TTL_SECONDS }), agent).catch(() => undefined), (CLAIM_TTL_SECONDS * 1000) / 3);
      heartbeat.unref();
      await this.reserve(agent, cell, files, ctl.signal);
      const maxStrikes = this.view()!.options.maxStrikes;
      const tier = this.routeTier(subtask);
      const assigned = new Set(this.plan.flatMap((s) => s.files.map(normalize)));
      const fs = new WorkspaceFs(this.deps.workspace, () => new Set(files));
      // Unaccepted work does not stay in the tree: a blocked worker's files go back to these.
      const original = new Map(files.map((f) => [f, readOrNull(path.join(this.deps.workspace, f))]));
      for (let attempt = (this.view()!.workers.find((w) => w.cell === cell)?.attempts ?? 0) + 1; ; attempt++) {
        ctl.signal.throwIfAborted();
        await this.emit({ type: 'swarm.worker.started', data: { cell, agent, attempt, title: subtask.title, files } });
        const all = await fs.allFiles();
        const before = hashFiles(this.deps.workspace, all);
        const touched = new Set<string>();
        let lastVerify: VerifyResult | null = null;
        const tools = {
          fs,
          touched,
          verify: async () => (lastVerify = this.verifyCommand ? await runVerify(this.verifyCommand, this.deps.workspace, 120_000, ctl.signal) : null),
          send: async (to: string, subject: string, body: string) => {
            const m = await coordination.send({ from: agent, to: [to], subject, body, broadcast: false, importance: 'normal', ackRequired: false });
            return `sent (${m.message.id})`;
          },
          ask: (question: string) => this.askHuman(agent, cell, question, false),
        };
        let outcome: { ended: boolean; summary: string };
        const attemptInput = { agent, cell, run: this.id, task: this.view()!.task, subtask: { ...subtask, files }, attempt, lastFailure, maxTurns: this.view()!.options.maxTurns, verifyCommand: this.verifyCommand, tier, signal: ctl.signal };
        const bestOf = this.view()!.options.bestOf;
        try {
          if (bestOf > 1) {
            const r = await runBestOf({
              workspace: this.deps.workspace,
              n: bestOf,
              base: attemptInput,
              subtask,
              call: (req) => this.call(req),
              emit: (e) => this.emit(e),
              approvals: this.deps.approvals?.(),
              askHuman: (q) => this.askHuman(agent, cell, q, false),
            });
            for (const f of r.applied) touched.add(f);
            outcome = { ended: r.ended, summary: r.summary };
          } else {
            outcome = await runWorkerAttempt(attemptInput, { call: (req) => this.call(req), emit: (e) => this.emit(e), tools: this.chaos ? this.chaos.wrapTools(tools, `${agent}`) : tools });
          }
        } catch (err) {
          if (ctl.signal.aborted || (err instanceof ApiaryError && err.code === 'budget_exceeded')) throw err;
          errors++;
          outcome = { ended: false, summary: `error: ${err instanceof Error ? err.message : String(err)}` };
        }
        // The gate: the model ended its turn, verification passes, nothing outside the assignment changed.
        const after = hashFiles(this.deps.workspace, await fs.allFiles());
        // Attribution is by time: a change outside every assignment during overlapping attempts
        // is charged to each of them. .hive/ is the host's own (the hive file follows every claim and close).
        const scope = changedFiles(before, after).filter((f) => !assigned.has(f) && !f.startsWith('.hive/'));
        let failure: { reason: 'verify' | 'scope' | 'no_end' | 'error'; output: string } | null = null;
        if (!outcome.ended) failure = { reason: outcome.summary.startsWith('error:') ? 'error' : 'no_end', output: outcome.summary };
        else if (scope.length) failure = { reason: 'scope', output: `scope violation: files outside the assignment changed: ${scope.join(', ')}. Undo those changes; change only ${files.join(', ')}.` };
        else if (this.verifyCommand) {
          let v: VerifyResult = await runVerify(this.verifyCommand, this.deps.workspace, 120_000, ctl.signal);
          // The command checks the whole tree: a failure that names only other workers' files
          // is theirs, so wait until they settle (a blocked worker's files are reverted) and re-check.
          if (!v.passed && (await this.waitForOthers(v.output, i, ctl.signal))) v = await runVerify(this.verifyCommand, this.deps.workspace, 120_000, ctl.signal);
          lastVerify = v;
          if (!v.passed) failure = { reason: 'verify', output: trimFailure(v.output) };
        }
        if (!failure) {
          await this.emit({ type: 'swarm.gate.passed', data: { cell, agent, command: this.verifyCommand, ms: lastVerify ? (lastVerify as VerifyResult).ms : 0, output: lastVerify ? trimFailure((lastVerify as VerifyResult).output, 800) : '' } });
          await coordination.releaseCell(cell);
          await coordination.release(lockReleaseParamsSchema.parse({ agent, all: true })).catch(() => undefined);
          await hive.change('apiary/hive/close', hiveCloseParamsSchema.parse({ id: cell, reason: clip(outcome.summary || 'verified', 2000), force: true }), agent);
          const durationMs = this.deps.now() - started;
          await this.emit({ type: 'swarm.cell.done', data: { cell, agent, summary: outcome.summary, files: [...touched].sort(), durationMs } });
          await this.recordOutcome(agent, cell, subtask, true, durationMs, errors, attempt - 1, [...touched], lastVerify ? (lastVerify as VerifyResult).output : undefined);
          return;
        }
        strikes++;
        const known = this.deps.learning?.()?.relevantFailures(failure.output) ?? [];
        lastFailure = `${failure.output}${known.length ? `\n\nKnown fixes for this failure:\n${known.map((k) => `- ${k}`).join('\n')}` : ''}`;
        await this.emit({ type: 'swarm.gate.failed', data: { cell, agent, reason: failure.reason, output: clip(failure.output, 4000), scope, strike: strikes } });
        if (strikes >= maxStrikes) {
          await this.revert(original);
          const reason = `failed the gate ${strikes} times; last: ${failure.reason}: ${clip(failure.output, 600)}`;
          await hive.change('apiary/hive/update', hiveUpdateParamsSchema.parse({ id: cell, status: 'blocked', force: true }), agent).catch(() => undefined);
          await this.emit({ type: 'swarm.cell.blocked', data: { cell, agent, reason } });
          await this.recordOutcome(agent, cell, subtask, false, this.deps.now() - started, errors, strikes - 1, [...touched], failure.output);
          await this.askHuman(agent, cell, `Subtask "${subtask.title}" (${cell}) is blocked after ${strikes} failed attempts. What should happen?\n\n${reason}`, true).catch(() => undefined);
          await this.releaseAll(agent, cell);
          return;
        }
      }
    } catch (err) {
      if (err instanceof ApiaryError && err.code === 'budget_exceeded') {
        await this.emit({ type: 'swarm.worker.stopped', data: { cell, agent, reason: `budget: ${err.message}` } });
        await this.releaseAll(agent, cell);
        this.controller.abort();
        throw err;
      }
      const reason = ctl.signal.aborted ? 'stopped on request' : err instanceof Error ? err.message : String(err);
      await this.emit({ type: 'swarm.worker.stopped', data: { cell, agent, reason } });
      await this.releaseAll(agent, cell);
    } finally {
      if (heartbeat) clearInterval(heartbeat);
      this.controller.signal.removeEventListener('abort', onRunAbort);
      this.workers.delete(cell);
    }
  }

  private async revert(original: ReadonlyMap<string, Buffer | null>): Promise<void> {
    for (const [f, content] of original) {
      const abs = path.join(this.deps.workspace, f);
      if (content === null) await fsp.rm(abs, { force: true });
      else await fsp.writeFile(abs, content);
    }
  }

  /** True after waiting for the other cells whose files a failure names (and none of cell `i`'s). */
  private async waitForOthers(output: string, i: number, signal: AbortSignal): Promise<boolean> {
    const mine = this.plan[i]!.files.map(normalize);
    if (mine.some((f) => output.includes(f))) return false;
    const owners = this.plan.flatMap((s, j) => (j !== i && s.files.some((f) => output.includes(normalize(f))) ? [this.cells[j]!] : []));
    if (owners.length === 0) return false;
    const deadline = this.deps.now() + 180_000;
    for (;;) {
      const settled = settledCells(this.view()!);
      const running = new Set(this.workers.keys());
      if (owners.every((c) => settled.has(c) || !running.has(c)) || this.deps.now() > deadline) return true;
      await sleep(250, signal);
    }
  }

  /** Reserves the subtask's files; waits while another agent holds them (each refusal is a conflict event). */
  private async reserve(agent: string, cell: string, files: string[], signal: AbortSignal): Promise<void> {
    const coordination = this.deps.coordination();
    for (let tries = 0; ; tries++) {
      try {
        const r = await coordination.reserve(lockReserveParamsSchema.parse({ agent, patterns: files, cell, reason: `swarm run ${this.id}`, ttlSeconds: 3600 }));
        if (r.conflicts.length) await this.emit({ type: 'swarm.reservation.conflict', data: { cell, agent, files, holders: [...new Set(r.conflicts.map((c) => JSON.stringify(c)))].slice(0, 5) } });
        return;
      } catch (err) {
        if (!(err instanceof ApiaryError && err.code === 'conflict') || tries >= 30) throw err;
        await this.emit({ type: 'swarm.reservation.conflict', data: { cell, agent, files, holders: [err.message.slice(0, 200)] } });
        await sleep(1000, signal);
      }
    }
  }

  private async releaseAll(agent: string, cell: string): Promise<void> {
    await this.deps.coordination().releaseCell(cell).catch(() => undefined);
    await this.deps.coordination().release(lockReleaseParamsSchema.parse({ agent, all: true })).catch(() => undefined);
    await this.deps.hive().change('apiary/hive/release', hiveReleaseParamsSchema.parse({ id: cell, agent }), agent).catch(() => undefined);
  }

  /** An approval question when approvals run (blocking only when `wait`), else mail to the human. */
  private async askHuman(agent: string, cell: string, question: string, escalation: boolean): Promise<string> {
    const approvals = this.deps.approvals?.();
    if (approvals) {
      const a = await approvals.request({ requester: agent, kind: 'question', summary: clip(question.split('\n')[0]!, 480), details: { text: question }, cell });
      if (escalation) return `asked the human (approval ${a.id})`;
      const decided = await approvals.wait(a.id, 10 * 60_000, this.controller.signal);
      return decided.decision ? `the human ${decided.decision.outcome} it${decided.decision.reason ? `: ${decided.decision.reason}` : ''}` : 'no answer yet; go on with your best judgement';
    }
    await this.deps.coordination().send({ from: agent, to: [HUMAN_AGENT_NAME], subject: clip(`[${cell}] ${question.split('\n')[0]!}`, 190), body: question, broadcast: false, importance: escalation ? 'high' : 'normal', ackRequired: false });
    return 'asked the human by mail; no answer yet, go on with your best judgement';
  }

  /**
   * The tier a subtask's worker uses: the run's manual override, else the learned router for the
   * subtask's kind (leaning cheaper as the run's budget runs low), else medium. Deterministic per
   * subtask within a run, so the outcome is recorded against the tier that did the work.
   */
  private routeTier(subtask: PlannedSubtask): Tier {
    const options = this.view()!.options;
    if (options.tier) return options.tier;
    const cached = this.tiers.get(subtask.title);
    if (cached) return cached;
    const learning = this.deps.learning?.();
    let tier: Tier = 'medium';
    if (learning) {
      const kind = taskKind(`${subtask.title}\n${subtask.description}`);
      const budget = options.budgetUsd;
      const budgetRemaining = budget === null ? undefined : Math.max(0, 1 - this.spentMicros / (budget * 1_000_000));
      tier = learning.route({ kind, readOnly: isReadOnlyKind(kind), ...(budgetRemaining === undefined ? {} : { budgetRemaining }) }).tier;
    }
    this.tiers.set(subtask.title, tier);
    return tier;
  }

  private async recordOutcome(agent: string, cell: string, subtask: PlannedSubtask, success: boolean, durationMs: number, errors: number, retries: number, files: string[], output?: string): Promise<void> {
    const w = this.view()?.workers.find((v) => v.cell === cell);
    const learning = this.deps.learning?.();
    if (learning) {
      await learning
        .recordOutcome({ kind: taskKind(`${subtask.title}\n${subtask.description}`), strategy: subtask.strategy, tier: this.routeTier(subtask), success, durationMs, errors, retries, tokens: w?.tokens ?? 0, costUsd: (w?.costMicros ?? 0) / 1_000_000, cell, filesChanged: files.length, ...(output ? { verificationOutput: output.slice(-100_000) } : {}) }, agent)
        .catch((err: unknown) => this.deps.log('warn', `recording the outcome of ${cell} failed: ${err instanceof Error ? err.message : String(err)}`));
    }
    await this.deps.approvals?.()?.recordOutcome(agent, success, `${cell}: ${success ? 'passed the gate' : 'blocked'}`).catch(() => undefined);
  }
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
