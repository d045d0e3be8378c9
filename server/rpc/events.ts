// Generic access to the log: append (to streams no feature owns), read, verify, replay.
import { ApiaryError } from '../../shared/errors';
import { AppendEventsRequest, ReadEventsRequest, ReplayRequest, VerifyEventsRequest } from '../../shared/protocol';
import { appendParamsSchema, readEventsParamsSchema, replayParamsSchema } from '../../shared/schemas';
import type { Feature } from '../host/feature';
import { handles, type Projection } from '../store/projection';
import { primitiveProjections } from '../store';

/**
 * Events that a feature's read model interprets may only come from that feature's commands,
 * which validate them; so may anything in a stream a feature owns or a system (`$`) stream.
 */
export function checkGenericAppend(stream: string, types: string[], projections: Projection[], ownedPrefixes: string[]): void {
  if (stream.startsWith('$') || ownedPrefixes.some((p) => stream.startsWith(p))) {
    throw new ApiaryError('reserved_stream', `stream ${stream} is written only by the host's own commands`, 'Append to a stream of your own, e.g. "notes-1".', { stream });
  }
  for (const t of types) {
    const owner = projections.find((p) => !p.types.includes('*') && handles(p, t));
    if (owner) {
      throw new ApiaryError('reserved_stream', `event type ${t} belongs to the ${owner.name} read model and is written only by its commands`, 'Use that feature\'s requests, or another event type.', {
        type: t,
      });
    }
  }
}

export function eventsFeature(projections: () => Projection[], ownedPrefixes: () => string[]): Feature {
  return {
    name: 'events',
    start(ctx, rpc) {
      rpc.on(AppendEventsRequest, appendParamsSchema, async (params, session) => {
        checkGenericAppend(
          params.stream,
          params.events.map((e) => e.type),
          // The durable primitives' read models are the host's own, not a feature's: their
          // events (mail, locks, cursors, deferreds) must not be forged either.
          [...primitiveProjections, ...projections()],
          ownedPrefixes(),
        );
        return ctx.store.events.append(params.stream, params.events, params.expectedVersion, { actor: session.name });
      });
      rpc.on(ReadEventsRequest, readEventsParamsSchema, (params) => ({
        events: ctx.store.events.read({ from: params.from, to: params.to, limit: params.limit, stream: params.stream }),
        head: ctx.store.head,
      }));
      rpc.on(VerifyEventsRequest, null, () => ctx.store.audit());
      rpc.on(ReplayRequest, replayParamsSchema, (params) => {
        if (params.to !== undefined && params.to > ctx.store.head) {
          throw new ApiaryError('invalid_params', `position ${params.to} is past the log's head ${ctx.store.head}`, `Use a position from 0 to ${ctx.store.head}.`);
        }
        return ctx.store.timeTravel({ to: params.to, at: params.at }, params.sql);
      });
    },
  };
}
