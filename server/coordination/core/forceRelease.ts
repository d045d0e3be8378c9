// Force-releasing someone else's reservation: allowed only once its holder has been silent past
// the policy's threshold (a live agent is asked, not overruled). The holder is told by mail why.
import { type CoordinationEvent, CoordinationStreams, type Reservation } from '../../../shared/coordination';
import type { lockForceReleaseParamsSchema } from '../../../shared/coordinationSchemas';
import { ApiaryError } from '../../../shared/errors';
import type { z } from 'zod';
import { type AgentRecord, findAgent, lastSeenPhrase, requireAgent } from './agents';
import type { Decision } from './decision';
import { notice, type SendContext } from './mail';
import { type CoordinationPolicy, duration, iso, toMs } from './policy';
import { isLive, refOf } from './reservations';

export type LockForceReleaseInput = z.output<typeof lockForceReleaseParamsSchema>;

export function decideForceRelease(
  state: { reservations: readonly Reservation[]; agents: readonly AgentRecord[] },
  request: LockForceReleaseInput,
  ctx: SendContext & { policy: Pick<CoordinationPolicy, 'forceReleaseAfterMs'> },
): Decision<{ released: Reservation }> {
  const by = requireAgent(state.agents, request.agent).name;
  const reservation = state.reservations.find((r) => r.id === request.id);
  if (!reservation) {
    throw new ApiaryError('not_found', `No open reservation ${request.id}`, 'List reservations with apiary lock list.', { id: request.id });
  }
  if (!isLive(reservation, ctx.now)) {
    throw new ApiaryError(
      'not_found',
      `Reservation ${request.id} (${reservation.pattern}) already expired at ${reservation.expiresAt}`,
      'Nothing to release: expired reservations no longer count.',
      { id: request.id },
    );
  }
  if (reservation.holder === by) {
    throw new ApiaryError('invalid_params', `${by} holds ${reservation.pattern} already`, 'Release your own reservations with apiary lock release.', {
      id: request.id,
    });
  }
  const holder = findAgent(state.agents, reservation.holder);
  if (holder) {
    const silentFor = ctx.now - toMs(holder.lastSeen);
    if (silentFor < ctx.policy.forceReleaseAfterMs) {
      const allowedAt = iso(toMs(holder.lastSeen) + ctx.policy.forceReleaseAfterMs);
      throw new ApiaryError(
        'forbidden',
        `${lastSeenPhrase(holder, ctx.now)}; force-release is allowed after ${duration(ctx.policy.forceReleaseAfterMs)} of silence`,
        `Ask ${holder.name} to release it (mail_send), wait for its expiry at ${reservation.expiresAt}, or retry after ${allowedAt}.`,
        { holder: holder.name, lastSeen: holder.lastSeen, allowedAt },
      );
    }
  }
  const at = iso(ctx.now);
  const reason = request.reason ?? null;
  const silence = holder ? `${lastSeenPhrase(holder, ctx.now)}, past the ${duration(ctx.policy.forceReleaseAfterMs)} limit` : 'the holder is not a registered agent';
  const events: CoordinationEvent[] = [
    {
      stream: CoordinationStreams.locks,
      type: 'lock.force_released',
      data: { reservation: refOf(reservation), by, reason, holderLastSeen: holder?.lastSeen ?? null, at },
    },
    notice(
      by,
      reservation.holder,
      `Your reservation of ${reservation.pattern} was force-released`,
      `${by} force-released your ${reservation.mode} reservation of \`${reservation.pattern}\` because ${silence}.` +
        (reason ? `\n\nReason given: ${reason}` : '') +
        '\n\nReserve it again when you are back, if you still need it.',
      'high',
      ctx,
    ),
  ];
  return { events, result: { released: reservation } };
}
