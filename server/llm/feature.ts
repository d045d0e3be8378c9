// Cost control as a host feature: the host's one LLM gateway (behind LlmService), its events in
// streams only it writes, its memory in a sql.js read model, the requests for ask / cost report
// / budgets / settings, `apiary/cost/changed` pushed to every client, expired reservations
// swept on a timer, and the `cost_report` MCP tool.
import { z } from 'zod';
import { BudgetGetRequest, BudgetSetRequest, CostChangedNotification, CostReportRequest, LlmAskRequest, LlmConfigRequest, LlmConfigureRequest } from '../../shared/llm';
import { budgetSettingsParamsSchema, costReportParamsSchema, llmAskParamsSchema, llmConfigureParamsSchema } from '../../shared/llmSchemas';
import type { Feature, HostContext } from '../host/feature';
import { defineTool, type McpTool } from '../mcp/tool';
import { abortSignalOf } from '../rpc/abort';
import { epicOfCell } from './epics';
import { LLM_STREAM_PREFIX, llmHistoryProjection, readLlmHistory } from './historyProjection';
import { LlmService, type GatewayTuning } from './service';
import type { LlmEnv } from './settings';
import { llmActor, storeSink } from './storeSink';

declare module '../host/services' {
  interface ServiceMap {
    llm: LlmService;
  }
}

export interface LlmFeatureOptions {
  /** Where ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL are read (default: the host's environment). */
  env?: LlmEnv;
  tuning?: GatewayTuning;
  /** How often unsettled reservations past their deadline are recorded as expired (default 30 s). */
  sweepEveryMs?: number;
}

export interface LlmFeature extends Feature {
  /** The running service (undefined before start / after stop): other features call models through it. */
  service(): LlmService | undefined;
}

export function llmFeature(opts: LlmFeatureOptions = {}): LlmFeature {
  let service: LlmService | undefined;
  return {
    name: 'llm',
    projections: [llmHistoryProjection],
    ownedStreamPrefixes: [LLM_STREAM_PREFIX],
    service: () => service,

    start(ctx, rpc) {
      const env: LlmEnv = opts.env ?? { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL: process.env.ANTHROPIC_BASE_URL };
      const epics = new Map<string, string | undefined>();
      const stopEpicCache = ctx.store.events.onCommitted(() => epics.clear());
      const svc = new LlmService({
        sink: storeSink(ctx.store.events),
        history: () => readLlmHistory(ctx.store.db),
        env,
        clock: { now: () => ctx.now() },
        log: (level, message) => ctx.log[level](message),
        onChange: (change) => ctx.broadcast(CostChangedNotification, change),
        epicOf: (cell) => {
          if (!epics.has(cell)) epics.set(cell, epicOfCell(ctx.store.db, cell));
          return epics.get(cell);
        },
        ...(opts.tuning ? { tuning: opts.tuning } : {}),
      });
      service = svc;
      ctx.services.provide('llm', svc);
      const state = svc.state();
      ctx.log.info(
        `LLM gateway ready: API key ${state.apiKey === 'none' ? 'not set (calls are refused until a client or ANTHROPIC_API_KEY provides one)' : `from ${state.apiKey === 'client' ? 'a client' : 'ANTHROPIC_API_KEY'}`}` +
          `; endpoint ${state.baseUrl ?? 'the public API'}; tiers ${Object.entries(state.tiers).map(([t, m]) => `${t}=${m}`).join(', ')}.`,
      );

      const sweep = () => void svc.sweepExpired().catch((err: unknown) => ctx.log.warn(`Sweeping expired LLM reservations failed: ${err instanceof Error ? err.message : String(err)}`));
      sweep();
      const timer = setInterval(sweep, opts.sweepEveryMs ?? 30_000);
      timer.unref();

      rpc.on(LlmAskRequest, llmAskParamsSchema, (params, session, token) =>
        llmActor.run(session.name, () => svc.ask(params, { agent: session.name, signal: abortSignalOf(token) })),
      );
      rpc.on(CostReportRequest, costReportParamsSchema, () => svc.report());
      rpc.on(BudgetGetRequest, null, () => svc.budgets());
      rpc.on(BudgetSetRequest, budgetSettingsParamsSchema, (params, session) => llmActor.run(session.name, () => svc.configureBudgets(params)));
      rpc.on(LlmConfigureRequest, llmConfigureParamsSchema, (params) => svc.configure(params));
      rpc.on(LlmConfigRequest, null, () => svc.state());

      return {
        async dispose() {
          clearInterval(timer);
          stopEpicCache();
          await svc.close();
          service = undefined;
        },
      };
    },

    tools(_ctx: HostContext): McpTool[] {
      return [
        defineTool({
          name: 'cost_report',
          description:
            'Model spend in this workspace: today / 7 / 30 days, by model, agent and epic, budgets with what remains, ' +
            'cache hit rate, open circuit breakers. Money is in micro-dollars (1 USD = 1,000,000). Check it before a costly run.',
          input: z.object({}),
          profile: 'full',
          annotations: { title: 'Cost report', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
          handler: async () => {
            if (!service) throw new Error('the LLM gateway is not running');
            return service.report();
          },
        }),
      ];
    },
  };
}
