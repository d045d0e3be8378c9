// The learning loop as a host feature: outcomes as events in a stream only it writes, their read
// model, the service (provided as `learning`), requests for recording and the report, and the
// `swarm_record_outcome` MCP tool.
import { LearningRecordOutcomeRequest, LearningReportRequest } from '../../shared/learning';
import { outcomeParamsSchema } from '../../shared/learningSchemas';
import type { Feature } from '../host/feature';
import { LEARNING_STREAM_PREFIX, learningProjection } from './projection';
import { LearningService } from './service';
import { learningTools } from './tools';

declare module '../host/services' {
  interface ServiceMap {
    learning: LearningService;
  }
}

export function learningFeature(): Feature {
  let service: LearningService | undefined;
  return {
    name: 'learning',
    projections: [learningProjection],
    ownedStreamPrefixes: [LEARNING_STREAM_PREFIX],
    start(ctx, rpc) {
      const svc = new LearningService({
        events: ctx.store.events,
        db: () => ctx.store.db,
        now: () => ctx.now(),
        trust: () => {
          const approvals = ctx.services.maybe('approvals');
          return approvals ? approvals.trust().map((t) => ({ agent: t.agent, trust: t.score })) : undefined;
        },
        // The tier models the gateway uses now, so a reported model maps as the settings say.
        tierModels: () => ctx.services.maybe('llm')?.state().tiers,
      });
      service = svc;
      ctx.services.provide('learning', svc);
      rpc.on(LearningRecordOutcomeRequest, outcomeParamsSchema, (p, session) => svc.recordOutcome(p, session.name));
      rpc.on(LearningReportRequest, null, () => svc.report());
      return {
        dispose() {
          svc.dispose();
          service = undefined;
        },
      };
    },
    tools: () => learningTools(() => service),
  };
}
