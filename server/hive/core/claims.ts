// Claims are leases. A claim is live while `expiresAt` is in the future; its holder extends it
// with heartbeats. A claim that ran out is swept with a `hive.claim.expired` event, which puts
// the cell back in the ready queue.
import type { Cell, ClaimExpiredData, HiveNewEvent } from '../../../shared/hive';
import type { HiveClaimCommand, HiveHeartbeatCommand, HiveReleaseCommand } from '../../../shared/hiveSchemas';
import { existingCell } from './lifecycle';
import { conflict } from './refusals';
import { iso, liveClaim, type DecideContext, type Decision, type HiveView } from './view';

function expiryEvent(cell: Cell, at: string): HiveNewEvent {
  const claim = cell.claim!;
  return {
    type: 'hive.claim.expired',
    data: { id: cell.id, holder: claim.holder, expiresAt: claim.expiresAt, at, reopened: cell.status === 'in_progress' },
  };
}

/**
 * Claims a cell for `cmd.agent` (default: the actor). Racing claims are settled by the append's
 * expected version: both decide against the same state, only the first append lands.
 */
export function decideClaim(cmd: HiveClaimCommand, view: HiveView, ctx: DecideContext): Decision {
  const cell = existingCell(view, cmd.id);
  const holder = cmd.agent ?? ctx.actor;
  const at = iso(ctx.now);
  const expiresAt = iso(ctx.now + cmd.ttlSeconds * 1000);
  if (cell.status === 'closed') {
    throw conflict(`${cell.id} is closed`, 'closed cells cannot be claimed; reopen it first or pick one from the ready queue', { id: cell.id });
  }
  const live = liveClaim(cell, ctx.now);
  if (live && live.holder === holder) {
    return [{ type: 'hive.claim.renewed', data: { id: cell.id, holder, expiresAt, at } }];
  }
  if (live) {
    throw conflict(`${cell.id} is claimed by ${live.holder} until ${live.expiresAt}`, 'pick another cell from the ready queue, or wait for the claim to expire', {
      id: cell.id,
      holder: live.holder,
      expiresAt: live.expiresAt,
    });
  }
  if (view.isBlocked(cell.id)) {
    const blockers = view.openBlockers(cell.id);
    throw conflict(
      `${cell.id} is blocked${blockers.length ? ` by ${blockers.join(', ')}` : cell.status === 'blocked' ? ' (status blocked)' : ' (its parent is blocked)'}`,
      'claim a ready cell instead (hive ready), or finish what blocks it first',
      { id: cell.id, blockedBy: [...blockers] },
    );
  }
  const events: HiveNewEvent[] = [];
  if (cell.claim) events.push(expiryEvent(cell, at));
  events.push({ type: 'hive.cell.claimed', data: { id: cell.id, holder, expiresAt, at } });
  return events;
}

function holderClaim(cell: Cell, holder: string, ctx: DecideContext, action: string): NonNullable<Cell['claim']> {
  const claim = cell.claim;
  if (!claim) throw conflict(`${cell.id} is not claimed`, `claim it before you ${action} it`, { id: cell.id });
  if (claim.holder !== holder) {
    throw conflict(`${cell.id} is claimed by ${claim.holder}, not ${holder}`, `only the holder can ${action} the claim`, {
      id: cell.id,
      holder: claim.holder,
      expiresAt: claim.expiresAt,
    });
  }
  if (!liveClaim(cell, ctx.now)) {
    throw conflict(`${holder}'s claim on ${cell.id} expired at ${claim.expiresAt}`, 'the cell went back to the queue; claim it again', {
      id: cell.id,
      expiresAt: claim.expiresAt,
    });
  }
  return claim;
}

export function decideHeartbeat(cmd: HiveHeartbeatCommand, view: HiveView, ctx: DecideContext): Decision {
  const cell = existingCell(view, cmd.id);
  const holder = cmd.agent ?? ctx.actor;
  holderClaim(cell, holder, ctx, 'renew');
  return [{ type: 'hive.claim.renewed', data: { id: cell.id, holder, expiresAt: iso(ctx.now + cmd.ttlSeconds * 1000), at: iso(ctx.now) } }];
}

export function decideRelease(cmd: HiveReleaseCommand, view: HiveView, ctx: DecideContext): Decision {
  const cell = existingCell(view, cmd.id);
  const holder = cmd.agent ?? ctx.actor;
  // The holder's own lease ran out but was not swept yet: the release is due anyway, as an expiry.
  if (cell.claim && cell.claim.holder === holder && !liveClaim(cell, ctx.now)) return [expiryEvent(cell, iso(ctx.now))];
  holderClaim(cell, holder, ctx, 'release');
  return [{ type: 'hive.claim.released', data: { id: cell.id, holder, at: iso(ctx.now) } }];
}

/** The expiry events due at `now`: one per claim whose lease ran out. */
export function sweepExpiredClaims(view: HiveView, now: number): Array<{ type: 'hive.claim.expired'; data: ClaimExpiredData }> {
  const at = iso(now);
  return view.expiredClaims(now).map((c) => ({
    type: 'hive.claim.expired' as const,
    data: { id: c.id, holder: c.holder, expiresAt: c.expiresAt, at, reopened: c.status === 'in_progress' },
  }));
}
