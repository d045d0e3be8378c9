// Best-of-N for one subtask: N worker attempts, each in its own isolated copy of the workspace
// (never the user's tree), each verified there. Failures are out; the rest are scored
// (chooseAttempt); a judge call only breaks an exact tie, and without a clear winner a human is
// asked. The winner's files reach the working tree only through a merge approval.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PlannedSubtask } from '../../shared/swarm';
import type { ApprovalsService } from '../approvals/service';
import type { CallRequest, CallResult } from '../llm/gatewayTypes';
import type { SwarmEvent } from './events';
import { copyChanges, diffSize, isolatedCopy, removeCopy } from './isolation';
import { chooseAttempt, type AttemptScore } from './scoring';
import { runVerify } from './verify';
import { runWorkerAttempt, type WorkerAttemptInput } from './worker';
import { WorkspaceFs } from './workspaceFs';

export interface BestOfInput {
  workspace: string;
  n: number;
  base: Omit<WorkerAttemptInput, 'attempt'> & { attempt: number };
  subtask: PlannedSubtask;
  call(req: CallRequest): Promise<CallResult>;
  emit(e: SwarmEvent): Promise<void>;
  approvals: ApprovalsService | undefined;
  /** Asks the human which attempt to take; resolves to an attempt number or null. */
  askHuman(question: string): Promise<string>;
}

export interface BestOfResult {
  ended: boolean;
  summary: string;
  applied: string[];
}

export async function runBestOf(input: BestOfInput): Promise<BestOfResult> {
  const { base, n } = input;
  const files = base.subtask.files;
  const copies: string[] = [];
  try {
    const attempts = await Promise.all(
      Array.from({ length: n }, async (_, k) => {
        const dir = await isolatedCopy(input.workspace);
        copies.push(dir);
        let cost = 0;
        const call = async (req: CallRequest) => {
          const r = await input.call(req);
          cost += r.costMicros;
          return r;
        };
        const fsys = new WorkspaceFs(dir, () => new Set(files));
        const touched = new Set<string>();
        let summary = '';
        let ended = false;
        try {
          const out = await runWorkerAttempt(
            { ...base },
            {
              call,
              emit: input.emit,
              tools: { fs: fsys, touched, verify: () => (base.verifyCommand ? runVerify(base.verifyCommand, dir, 120_000, base.signal) : Promise.resolve(null)), send: async () => 'messages are not sent from a best-of-N attempt', ask: async () => 'no human questions from a best-of-N attempt; decide yourself' },
            },
          );
          summary = out.summary;
          ended = out.ended;
        } catch (err) {
          if (base.signal.aborted) throw err;
          summary = `error: ${err instanceof Error ? err.message : String(err)}`;
        }
        const v = base.verifyCommand ? await runVerify(base.verifyCommand, dir, 120_000, base.signal) : null;
        const changes = await copyChanges(input.workspace, dir, files);
        let diffLines = 0;
        for (const [f, content] of changes) diffLines += diffSize(await fs.readFile(path.join(input.workspace, f), 'utf8').catch(() => ''), content ?? '');
        const score: AttemptScore = { attempt: k + 1, passed: ended && (v?.passed ?? true) && changes.size > 0, testsPassed: v?.testsPassed ?? null, diffLines, costMicros: cost };
        await input.emit({ type: 'swarm.attempt.scored', data: { cell: base.cell, attempt: k + 1, passed: score.passed, testsPassed: score.testsPassed, diffLines, costMicros: cost, dir: path.basename(dir) } });
        return { score, summary, changes };
      }),
    );
    const choice = chooseAttempt(attempts.map((a) => a.score));
    let winner: number | null = null;
    let reason: string;
    if (choice.kind === 'none') {
      await input.emit({ type: 'swarm.attempt.chosen', data: { cell: base.cell, attempt: null, reason: choice.reason, approval: null, applied: false } });
      const failed = attempts.map((a) => `attempt ${a.score.attempt}: ${a.summary.slice(0, 300)}`).join('\n');
      return { ended: false, summary: `${choice.reason}\n${failed}`, applied: [] };
    }
    if (choice.kind === 'winner') {
      winner = choice.attempt;
      reason = choice.reason;
    } else {
      winner = await judge(input, choice.attempts, attempts.map((a) => a.changes));
      if (winner !== null) reason = `tie between attempts ${choice.attempts.join(', ')} broken by the judge: attempt ${winner}`;
      else {
        const answer = await input.askHuman(`Best-of-${n} for "${input.subtask.title}": attempts ${choice.attempts.join(', ')} tie and the judge could not decide. Which one should be taken?`);
        const picked = /(\d+)/.exec(answer);
        winner = picked && choice.attempts.includes(Number(picked[1])) ? Number(picked[1]) : null;
        reason = winner ? `the human chose attempt ${winner}` : 'no clear winner; the human was asked';
      }
    }
    if (winner === null) {
      await input.emit({ type: 'swarm.attempt.chosen', data: { cell: base.cell, attempt: null, reason, approval: null, applied: false } });
      return { ended: false, summary: reason, applied: [] };
    }
    const chosen = attempts[winner - 1]!;
    const changes = Object.fromEntries([...chosen.changes].map(([f, c]) => [f, c ?? '']));
    let approvalId: string | null = null;
    let approved = true;
    if (input.approvals) {
      const a = await input.approvals.request({ requester: base.agent, kind: 'merge', summary: `Best of ${n}: take attempt ${winner} for "${input.subtask.title}"`.slice(0, 480), details: { changes, text: reason }, cell: base.cell });
      approvalId = a.id;
      const decided = await input.approvals.wait(a.id, undefined, base.signal);
      approved = decided.status === 'approved';
    }
    if (approved) {
      for (const [f, c] of chosen.changes) {
        const abs = path.join(input.workspace, f);
        if (c === null) await fs.rm(abs, { force: true });
        else {
          await fs.mkdir(path.dirname(abs), { recursive: true });
          await fs.writeFile(abs, c);
        }
      }
    }
    await input.emit({ type: 'swarm.attempt.chosen', data: { cell: base.cell, attempt: winner, reason, approval: approvalId, applied: approved } });
    if (!approved) return { ended: false, summary: `the merge of attempt ${winner} was rejected`, applied: [] };
    return { ended: true, summary: chosen.summary, applied: [...chosen.changes.keys()] };
  } finally {
    await Promise.all(copies.map(removeCopy));
  }
}

/** A small-tier call that picks one of the tied attempts, or null when it will not say. */
async function judge(input: BestOfInput, tied: number[], changes: Array<Map<string, string | null>>): Promise<number | null> {
  const shown = tied.map((k) => `## Attempt ${k}\n${[...changes[k - 1]!].map(([f, c]) => `### ${f}\n${(c ?? '(deleted)').slice(0, 4000)}`).join('\n')}`).join('\n\n');
  try {
    const r = await input.call({ agent: input.base.agent, tier: 'small', maxTokens: 200, cell: input.base.cell, run: input.base.run, messages: [{ role: 'user', content: `Subtask: ${input.subtask.title}\n${input.subtask.description}\n\nThese attempts all pass verification. Answer with only the number of the best attempt, or "none" if you cannot tell.\n\n${shown}` }] });
    const m = /\b(\d+)\b/.exec(r.text);
    const k = m ? Number(m[1]) : NaN;
    return tied.includes(k) ? k : null;
  } catch {
    return null;
  }
}
