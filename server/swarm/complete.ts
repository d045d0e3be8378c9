// swarm_complete: an outside agent (Claude Code, Cursor…) finishing a cell it worked on goes
// through the same gate as our workers: verification must pass, then its reservations are
// released, the cell closes with the summary and the outcome is recorded — at the tier of the
// model the agent names (or registered), or without a tier when that is unknown.
import { ApiaryError } from '../../shared/errors';
import { hiveCloseParamsSchema } from '../../shared/hiveSchemas';
import type { Tier } from '../../shared/llm';
import { swarmCompleteParamsSchema, type SwarmCompleteParams } from '../../shared/swarmSchemas';
import { invalidParams } from '../rpc/registry';
import { lockReleaseParamsSchema } from '../../shared/coordinationSchemas';
import type { SwarmDeps } from './deps';
import { detectVerifyCommand, runVerify, trimFailure } from './verify';
import { taskKind } from '../learning/kind';

export interface SwarmCompleteResult {
  cell: string;
  passed: boolean;
  command: string | null;
  /** Trimmed failure output when the gate refused. */
  output: string;
  closed: boolean;
  released: number;
  /** The tier the outcome was recorded at (null: unknown model); absent when none was recorded. */
  tier?: Tier | null;
}

export async function completeCell(deps: SwarmDeps, agent: string, params: SwarmCompleteParams, startedMs?: number): Promise<SwarmCompleteResult> {
  const parsed = swarmCompleteParamsSchema.safeParse(params);
  if (!parsed.success) throw invalidParams(parsed.error);
  const { cell, summary, model, tier } = parsed.data;
  const hive = deps.hive();
  const c = hive.get(cell);
  if (!c) throw new ApiaryError('not_found', `no cell ${cell}`, 'Give the id of the cell you worked on (hive_show).');
  if (c.status === 'closed') throw new ApiaryError('conflict', `cell ${cell} is already closed`, 'Nothing to complete.');
  if (c.claim && c.claim.holder !== agent && Date.parse(c.claim.expiresAt) > deps.now()) {
    throw new ApiaryError('conflict', `cell ${cell} is claimed by ${c.claim.holder}`, 'Only the agent holding the claim can complete it.');
  }
  const command = detectVerifyCommand(deps.workspace);
  const v = command ? await runVerify(command, deps.workspace) : null;
  if (v && !v.passed) {
    const learning = deps.learning?.();
    const known = learning?.relevantFailures(v.output) ?? [];
    return { cell, passed: false, command, output: `${trimFailure(v.output)}${known.length ? `\n\nKnown fixes:\n${known.map((k) => `- ${k}`).join('\n')}` : ''}`, closed: false, released: 0 };
  }
  const coordination = deps.coordination();
  let released = await coordination.releaseCell(cell);
  released += (await coordination.release(lockReleaseParamsSchema.parse({ agent, all: true })).catch(() => ({ released: [] }))).released.length;
  await hive.change('apiary/hive/close', hiveCloseParamsSchema.parse({ id: cell, reason: summary, force: true }), agent);
  const learning = deps.learning?.();
  const recorded = learning
    ? await learning
        .recordOutcome(
          {
            kind: taskKind(`${c.title}\n${c.description}`),
            ...(tier ? { tier } : {}),
            ...(model ? { model } : {}),
            success: true,
            durationMs: startedMs ? Math.max(0, deps.now() - startedMs) : 0,
            cell,
            filesChanged: c.files.length,
            ...(v ? { verificationOutput: v.output.slice(-100_000) } : {}),
          },
          agent,
        )
        .catch(() => undefined)
    : undefined;
  return { cell, passed: true, command, output: '', closed: true, released, ...(recorded ? { tier: recorded.tier } : {}) };
}
