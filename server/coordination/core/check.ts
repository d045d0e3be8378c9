// Checking paths against reservations without reserving anything: for `lock check`, editor
// decorations, the pre-commit guard and the human's "edit anyway" override.
import {
  type CheckResult,
  type CoordinationEvent,
  CoordinationStreams,
  type GuardResult,
  type PathCheck,
  type ReservationRef,
} from '../../../shared/coordination';
import { ApiaryError } from '../../../shared/errors';
import type { Decision } from './decision';
import { normalizePath } from './glob/syntax';
import { notice, type SendContext } from './mail';
import { iso } from './policy';
import type { ReservationIndex } from './reservationIndex';
import { conflictOf, refOf } from './reservations';

/**
 * Who holds each path. A path is blocked for `agent` when another agent holds it exclusively;
 * shared reservations and the agent's own are reported but never block. Without an agent,
 * every exclusive reservation blocks.
 */
export function checkPaths(index: ReservationIndex, paths: readonly string[], ctx: { agent?: string; now: number }): CheckResult {
  const out: PathCheck[] = [];
  for (const raw of paths) {
    const path = normalizePath(raw);
    const holders = index.covering(path, ctx.now).map((r) => ({ ...conflictOf(r, path, path, true), mine: r.holder === ctx.agent }));
    const blocked = holders.some((h) => !h.mine && h.mode === 'exclusive');
    out.push({ path, holders, blocked });
  }
  return { paths: out, blocked: out.some((p) => p.blocked) };
}

/**
 * The commit-time guard: refuse when a staged path is held exclusively by another agent. With
 * the bypass set the commit is allowed, and a bypass that mattered is recorded.
 */
export function decideGuard(
  index: ReservationIndex,
  request: { agent: string; paths: readonly string[]; bypass: boolean },
  ctx: { now: number },
): Decision<GuardResult> {
  const check = checkPaths(index, request.paths, { agent: request.agent, now: ctx.now });
  const blocking = check.paths.filter((p) => p.blocked);
  if (blocking.length === 0) return { events: [], result: { allowed: true, bypassed: false, blocking } };
  if (!request.bypass) return { events: [], result: { allowed: false, bypassed: false, blocking } };
  const conflicts = blocking.flatMap((p) => p.holders.filter((h) => !h.mine && h.mode === 'exclusive')).map(({ mine: _mine, ...c }) => c);
  const event: CoordinationEvent = {
    stream: CoordinationStreams.locks,
    type: 'lock.guard_bypassed',
    data: { agent: request.agent, paths: blocking.map((p) => p.path), conflicts, at: iso(ctx.now) },
  };
  return { events: [event], result: { allowed: true, bypassed: true, blocking } };
}

/** Lines a person reads when the guard refuses a commit. */
export function describeGuardRefusal(result: GuardResult): string[] {
  return result.blocking.map((p) => {
    const holders = p.holders
      .filter((h) => !h.mine && h.mode === 'exclusive')
      .map((h) => `${h.holder} (${h.pattern}, until ${h.expiresAt}${h.reason ? `, "${h.reason}"` : ''}${h.cell ? `, cell ${h.cell}` : ''})`);
    return `${p.path}: reserved by ${holders.join(', ')}`;
  });
}

/**
 * Someone (usually the human) edits a path another agent holds exclusively: recorded as an
 * audited override, and each holder is told by mail. The reservations stay.
 */
export function decideOverride(
  index: ReservationIndex,
  request: { agent: string; path: string; reason?: string },
  ctx: SendContext,
): Decision<{ overridden: ReservationRef[] }> {
  const path = normalizePath(request.path);
  const held = index.covering(path, ctx.now).filter((r) => r.holder !== request.agent && r.mode === 'exclusive');
  if (held.length === 0) {
    throw new ApiaryError('not_found', `No other agent holds ${path} exclusively`, 'Nothing to override: edit away.', { path });
  }
  const refs = held.map(refOf);
  const events: CoordinationEvent[] = [
    {
      stream: CoordinationStreams.locks,
      type: 'lock.override',
      data: { by: request.agent, path, reservations: refs, reason: request.reason ?? null, at: iso(ctx.now) },
    },
  ];
  for (const holder of new Set(held.map((r) => r.holder))) {
    const patterns = held.filter((r) => r.holder === holder).map((r) => r.pattern);
    const why = request.reason ? `\n\nReason given: ${request.reason}` : '';
    events.push(
      notice(
        request.agent,
        holder,
        `${request.agent} is editing ${path}, which you reserved`,
        `${request.agent} chose to edit \`${path}\` despite your exclusive reservation of ${patterns.map((p) => `\`${p}\``).join(', ')}. ` +
          `Your reservation stays; expect changes there and coordinate before you overwrite them.${why}`,
        'high',
        ctx,
      ),
    );
  }
  return { events, result: { overridden: refs } };
}
