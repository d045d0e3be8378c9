// Requests about the host itself: hello (who is attaching) and status.
import { HelloRequest, StatusRequest, type HostStatus } from '../../shared/protocol';
import { helloParamsSchema } from '../../shared/schemas';
import type { Feature } from '../host/feature';

export const coreFeature: Feature = {
  name: 'core',
  start(ctx, rpc) {
    rpc.on(HelloRequest, helloParamsSchema, (params, session) => {
      session.name = params.client.name;
      session.kind = params.client.kind;
      session.logLevel = params.logLevel ?? null;
      ctx.log.debug(`session ${session.name} (${session.kind}) attached`);
      return { sessionId: session.id, host: ctx.info() };
    });
    rpc.on(StatusRequest, null, (): HostStatus => {
      const info = ctx.info();
      return {
        ...info,
        uptimeMs: Date.now() - Date.parse(info.startedAt),
        sessions: ctx.sessions().map((s) => ({ id: s.id, name: s.name, kind: s.kind, since: s.since })),
        store: ctx.store.status(),
        projections: ctx.store.projections(),
      };
    });
  },
};
